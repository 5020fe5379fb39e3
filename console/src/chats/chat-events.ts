import { followChatEventLog } from '@livechat/chat-client/chat-event-follower';
import { stringifyDocument } from '@urql/core';
import type { Client as WsClient } from 'graphql-ws';
import { graphql, type ResultOf } from '../graphql';
import { MessageFields } from './chat-fragments';

export const ChatEventsSubscription = graphql(
  `
    subscription ChatEvents($sessionId: ID!, $after: Int) {
      chatEvents(sessionId: $sessionId, after: $after) {
        type
        cursor
        sessionId
        createdAt
        status
        endedBy
        contactId
        message {
          ...MessageFields
        }
        read {
          by
          upToCursor
        }
        typing {
          by
          isTyping
        }
        transfer {
          id
          status
          fromAgent {
            id
            displayName
          }
          toAgent {
            id
            displayName
          }
        }
        agent {
          id
          displayName
        }
      }
    }
  `,
  [MessageFields],
);

export type ChatEvent = ResultOf<typeof ChatEventsSubscription>['chatEvents'];

export interface ChatEventStreamHandlers {
  onEvent(event: ChatEvent): void;
  /** The server refused or ended the stream with an error (e.g. no access any more). */
  onError(message: string): void;
}

/** Follows one chat's events from a cursor (see followChatEventLog); a failed stream is reported and not followed again. */
export function followChatEvents(socket: WsClient, sessionId: string, after: number, handlers: ChatEventStreamHandlers): () => void {
  return followChatEventLog<ChatEvent>({
    socket,
    query: stringifyDocument(ChatEventsSubscription),
    sessionId,
    after,
    onEvent: handlers.onEvent,
    onRefused: (error) => handlers.onError(error.message),
    onFailed(error) {
      handlers.onError(error.message);
      return undefined;
    },
  });
}
