import { graphql } from '../graphql';

export const AttachmentFields = graphql(`
  fragment AttachmentFields on Attachment {
    id
    fileName
    contentType
    size
    width
    height
    isImage
    url
  }
`);

export const MessageFields = graphql(
  `
    fragment MessageFields on Message {
      id
      cursor
      body
      authorKind
      systemType
      clientMessageId
      createdAt
      author {
        id
        displayName
      }
      attachments {
        ...AttachmentFields
      }
    }
  `,
  [AttachmentFields],
);

export const TransferFields = graphql(`
  fragment TransferFields on Transfer {
    id
    status
    note
    createdAt
    fromAgent {
      id
      name
      nickname
    }
    toAgent {
      id
      name
      nickname
    }
  }
`);

/** One row of the Chats tab's list. */
export const ChatListItemFields = graphql(
  `
    fragment ChatListItemFields on ChatSession {
      id
      status
      requestedAt
      startedAt
      endedAt
      lastActivityAt
      lastMessageAt
      lastMessageAuthor
      unreadCount
      channel {
        id
        name
      }
      visitor {
        id
        name
        email
      }
      agent {
        id
        displayName
      }
      pendingTransfer {
        ...TransferFields
      }
      messages(last: 1) {
        messages {
          body
          authorKind
          systemType
          attachments {
            fileName
          }
        }
      }
    }
  `,
  [TransferFields],
);
