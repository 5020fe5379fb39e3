// The GraphQL operations the widget sends, written without optional spaces (bytes in every host
// page). Plain strings sent as they are: the server parses them, and the bundle carries no GraphQL
// parser. operations.test.ts checks each against schema.graphql.

const MESSAGE_FIELDS = `id cursor authorKind systemType body clientMessageId createdAt author{displayName photoUrl}attachments{id fileName contentType size width height isImage url}`;

export const WIDGET_CHANNEL = `query($id:ID!){widgetChannel(channelId:$id){id language badgeHeader header description theme color font logoUrl showAgentPhoto queueMessage prechatEnabled prechatRequiredFields faqSuggestionsEnabled offlineHeader offlineMessage offlineRequiredFields postchatRating postchatTranscript reopenWindowMinutes maxAttachmentBytes availability{online reason}}}`;

/** Fresh signed links for the attachments of the message before cursor `b`. */
export const FRESH_LINKS = `query($id:ID!,$b:Int!){chatSession(id:$id){messages(beforeCursor:$b,last:1){messages{attachments{id url}}}}}`;

export const SESSION_STATE = `query($id:ID!){chatSession(id:$id){status endedAt}}`;

export const CHAT_EVENTS = `subscription($sessionId:ID!,$after:Int){chatEvents(sessionId:$sessionId,after:$after){cursor type createdAt status message{${MESSAGE_FIELDS}}agent{displayName photoUrl}typing{by isTyping}read{by upToCursor}rating{rating}}}`;

export const QUEUE_STATUS = `subscription($id:ID!){queueStatus(sessionId:$id){position averageWaitSeconds}}`;

export const START_CHAT = `mutation($input:StartChatInput!){startChat(input:$input){visitorToken session{id}}}`;

export const SEND_MESSAGE = `mutation($input:SendMessageInput!){sendMessage(input:$input){${MESSAGE_FIELDS}}}`;

export const SEND_ATTACHMENT = `mutation($sessionId:ID!,$file:File!,$clientMessageId:String!){sendAttachment(sessionId:$sessionId,file:$file,clientMessageId:$clientMessageId){${MESSAGE_FIELDS}}}`;

export const SET_TYPING = `mutation($id:ID!,$typing:Boolean!){setTyping(sessionId:$id,typing:$typing)}`;

export const MARK_READ = `mutation($id:ID!,$cursor:Int!){markRead(sessionId:$id,upToCursor:$cursor){id}}`;

export const END_CHAT = `mutation($id:ID!){endChat(sessionId:$id){id}}`;

export const RATE_CHAT = `mutation($id:ID!,$rating:Int!,$comment:String){rateChat(sessionId:$id,rating:$rating,comment:$comment){id}}`;

export const SEND_TRANSCRIPT = `mutation($id:ID!,$email:String!,$timeZone:String){sendTranscript(sessionId:$id,email:$email,timeZone:$timeZone){sentTo}}`;

export const SUBMIT_OFFLINE = `mutation($input:OfflineFormInput!){submitOfflineForm(input:$input){requestNumber visitorToken}}`;

export const FAQ_SUGGESTIONS = `query($channelId:ID!,$question:String!){faqSuggestions(channelId:$channelId,question:$question){id question answer}}`;

export const IDENTIFY = `mutation($input:IdentifyVisitorInput!){identifyVisitor(input:$input){id}}`;
