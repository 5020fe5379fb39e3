// The GraphQL operations the widget sends, written without optional spaces (bytes in every host
// page). Typed by gql.tada from schema.graphql (see graphql.ts); sent as text, and the server
// parses them. `gql.tada check` (in typecheck) and operations.test.ts validate each against the schema.
import { graphql } from './graphql';

const MessageFields = graphql(
  `fragment M on Message{id cursor authorKind systemType body clientMessageId createdAt author{displayName photoUrl}attachments{id fileName contentType size width height isImage url}}`,
);

export const WIDGET_CHANNEL = graphql(
  `query($id:ID!){widgetChannel(channelId:$id){id language badgeHeader header description theme color font logoUrl showAgentPhoto queueMessage prechatEnabled prechatRequiredFields faqSuggestionsEnabled offlineHeader offlineMessage offlineRequiredFields postchatRating postchatTranscript reopenWindowMinutes maxAttachmentBytes availability{online reason}}}`,
);

/** Fresh signed links for the attachments of the message before cursor `b`. */
export const FRESH_LINKS = graphql(`query($id:ID!,$b:Int!){chatSession(id:$id){messages(beforeCursor:$b,last:1){messages{attachments{id url}}}}}`);

export const SESSION_STATE = graphql(`query($id:ID!){chatSession(id:$id){status endedAt}}`);

export const CHAT_EVENTS = graphql(
  `subscription($sessionId:ID!,$after:Int){chatEvents(sessionId:$sessionId,after:$after){cursor type createdAt status message{...M}agent{displayName photoUrl}typing{by isTyping}read{by upToCursor}rating{rating}}}`,
  [MessageFields],
);

export const QUEUE_STATUS = graphql(`subscription($id:ID!){queueStatus(sessionId:$id){position averageWaitSeconds}}`);

export const START_CHAT = graphql(`mutation($input:StartChatInput!){startChat(input:$input){visitorToken session{id}}}`);

export const SEND_MESSAGE = graphql(`mutation($input:SendMessageInput!){sendMessage(input:$input){...M}}`, [MessageFields]);

export const SEND_ATTACHMENT = graphql(
  `mutation($sessionId:ID!,$file:File!,$clientMessageId:String!){sendAttachment(sessionId:$sessionId,file:$file,clientMessageId:$clientMessageId){...M}}`,
  [MessageFields],
);

export const SET_TYPING = graphql(`mutation($id:ID!,$typing:Boolean!){setTyping(sessionId:$id,typing:$typing)}`);

export const MARK_READ = graphql(`mutation($id:ID!,$cursor:Int!){markRead(sessionId:$id,upToCursor:$cursor){id}}`);

export const END_CHAT = graphql(`mutation($id:ID!){endChat(sessionId:$id){id}}`);

export const RATE_CHAT = graphql(`mutation($id:ID!,$rating:Int!,$comment:String){rateChat(sessionId:$id,rating:$rating,comment:$comment){id}}`);

export const SEND_TRANSCRIPT = graphql(
  `mutation($id:ID!,$email:String!,$timeZone:String){sendTranscript(sessionId:$id,email:$email,timeZone:$timeZone){sentTo}}`,
);

export const SUBMIT_OFFLINE = graphql(`mutation($input:OfflineFormInput!){submitOfflineForm(input:$input){requestNumber visitorToken}}`);

export const FAQ_SUGGESTIONS = graphql(`query($channelId:ID!,$question:String!){faqSuggestions(channelId:$channelId,question:$question){id question answer}}`);

export const IDENTIFY = graphql(`mutation($input:IdentifyVisitorInput!){identifyVisitor(input:$input){id}}`);
