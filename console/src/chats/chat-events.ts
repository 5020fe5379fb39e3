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

/**
 * Follows one chat's events from a cursor, surviving reconnects without gaps or duplicates.
 *
 * graphql-ws re-sends the very payload object it was given whenever the socket comes back, so
 * keeping `variables.after` at the newest cursor seen makes the server replay exactly what was
 * missed while the socket was down. Events at or below that cursor (a replay racing a live event)
 * are dropped. If the server completes the stream, it is resumed from the same cursor.
 */
export function followChatEvents(socket: WsClient, sessionId: string, after: number, handlers: ChatEventStreamHandlers): () => void {
  const payload = { query: stringifyDocument(ChatEventsSubscription), variables: { sessionId, after } };
  let stopped = false;
  let unsubscribe: () => void = () => {};
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const start = () => {
    unsubscribe = socket.subscribe<ResultOf<typeof ChatEventsSubscription>>(payload, {
      next(result) {
        if (result.errors?.length) {
          handlers.onError(result.errors[0]!.message);
          return;
        }
        const event = result.data?.chatEvents;
        if (!event) return;
        if (event.cursor != null) {
          if (event.cursor <= payload.variables.after) return;
          payload.variables.after = event.cursor;
        }
        handlers.onEvent(event);
      },
      error(error) {
        if (stopped) return;
        const message = Array.isArray(error) ? (error[0] as { message?: string })?.message : error instanceof Error ? error.message : undefined;
        handlers.onError(message ?? 'The live connection to this chat failed.');
      },
      complete() {
        if (!stopped) retryTimer = setTimeout(start, 1000);
      },
    });
  };
  start();

  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    unsubscribe();
  };
}
