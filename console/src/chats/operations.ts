import { graphql, type ResultOf } from '../graphql';
import { MessageFields, TransferFields } from './chat-fragments';

// The conversation's queries, mutations and fragments, and the types read from them.

export const ConversationFields = graphql(
  `
    fragment ConversationFields on ChatSession {
      id
      status
      requestedAt
      startedAt
      endedAt
      endedBy
      lastEventSeq
      agentReadCursor
      visitorReadCursor
      missed
      rating
      ratingComment
      channel {
        id
        name
      }
      visitor {
        id
        name
        email
        emailVerified
        phone
        company
        country
      }
      agent {
        id
        displayName
      }
      contact {
        id
        name
      }
      pendingTransfer {
        ...TransferFields
      }
    }
  `,
  [TransferFields],
);

export const MessagePageFields = graphql(
  `
    fragment MessagePageFields on MessagePage {
      hasMore
      messages {
        ...MessageFields
      }
    }
  `,
  [MessageFields],
);

export const ConversationQuery = graphql(
  `
    query Conversation($id: ID!) {
      chatSession(id: $id) {
        ...ConversationFields
        messages(last: 50) {
          ...MessagePageFields
        }
      }
    }
  `,
  [ConversationFields, MessagePageFields],
);

export const ListenMutation = graphql(
  `
    mutation ListenToChat($sessionId: ID!) {
      listenToChat(sessionId: $sessionId) {
        ...ConversationFields
        messages(last: 50) {
          ...MessagePageFields
        }
      }
    }
  `,
  [ConversationFields, MessagePageFields],
);

export const ConversationSummaryQuery = graphql(
  `
    query ConversationSummary($id: ID!) {
      chatSession(id: $id) {
        ...ConversationFields
      }
    }
  `,
  [ConversationFields],
);

export const OlderMessagesQuery = graphql(
  `
    query OlderMessages($id: ID!, $beforeCursor: Int!) {
      chatSession(id: $id) {
        id
        messages(beforeCursor: $beforeCursor, last: 50) {
          ...MessagePageFields
        }
      }
    }
  `,
  [MessagePageFields],
);

export const SendMessageMutation = graphql(
  `
    mutation SendMessage($input: SendMessageInput!) {
      sendMessage(input: $input) {
        ...MessageFields
      }
    }
  `,
  [MessageFields],
);

export const SendAttachmentMutation = graphql(
  `
    mutation SendAttachment($sessionId: ID!, $file: File!, $clientMessageId: String!, $caption: String) {
      sendAttachment(sessionId: $sessionId, file: $file, clientMessageId: $clientMessageId, caption: $caption) {
        ...MessageFields
      }
    }
  `,
  [MessageFields],
);

export const SetTypingMutation = graphql(`
  mutation SetTyping($sessionId: ID!, $typing: Boolean!) {
    setTyping(sessionId: $sessionId, typing: $typing)
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkRead($sessionId: ID!, $upToCursor: Int!) {
    markRead(sessionId: $sessionId, upToCursor: $upToCursor) {
      id
      agentReadCursor
    }
  }
`);

export const EndChatMutation = graphql(`
  mutation EndChat($sessionId: ID!) {
    endChat(sessionId: $sessionId) {
      id
      status
    }
  }
`);

export const CancelTransferMutation = graphql(`
  mutation CancelTransfer($transferId: ID!) {
    cancelTransfer(transferId: $transferId) {
      id
      status
    }
  }
`);

export const TakeOverMutation = graphql(`
  mutation TakeOverChat($sessionId: ID!) {
    takeOverChat(sessionId: $sessionId) {
      id
      status
    }
  }
`);

export const AcceptQueuedChatMutation = graphql(`
  mutation AcceptQueuedChat($sessionId: ID!) {
    acceptChat(sessionId: $sessionId) {
      id
      status
    }
  }
`);

export type ConversationSession = ResultOf<typeof ConversationFields>;
export type Loaded = { session: ConversationSession; page: ResultOf<typeof MessagePageFields> };

export const TransferTargetsQuery = graphql(`
  query TransferTargets($sessionId: ID!) {
    transferTargets(sessionId: $sessionId) {
      id
      name
      nickname
      email
    }
  }
`);

export const TransferChatMutation = graphql(`
  mutation TransferChat($sessionId: ID!, $toAgentId: ID!, $note: String) {
    transferChat(sessionId: $sessionId, toAgentId: $toAgentId, note: $note) {
      id
      status
    }
  }
`);

export const GetNextInQueueMutation = graphql(`
  mutation GetNextInQueue {
    getNextInQueue {
      id
    }
  }
`);

export const CreateRequestFromChatMutation = graphql(`
  mutation CreateRequestFromChat($sessionId: ID!, $input: CreateRequestFromChatInput) {
    createRequestFromChat(sessionId: $sessionId, input: $input) {
      readyMessage
      request {
        id
        displayNumber
        title
      }
    }
  }
`);
