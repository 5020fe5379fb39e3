// Following one chat's event log (the chatEvents subscription) over the socket, for the console and the widget alike.
import type { Client as WsClient } from 'graphql-ws';
import { ApiError, apiErrorFromGraphql, type GraphqlError } from './errors';

/** An event of the log as far as following it goes: live-only events (typing) carry no cursor. */
export interface ChatEventLogEntry {
  cursor?: number | null;
}

export interface ChatEventLogOptions<Event extends ChatEventLogEntry> {
  socket: WsClient;
  /** The caller's chatEvents subscription, taking `$sessionId: ID!` and `$after: Int`. */
  query: string;
  sessionId: string;
  /** The newest cursor the caller already holds: the server replays every event after it, then goes on live. */
  after: number;
  /** Each event once, in log order; live-only events as they come. */
  onEvent(event: Event): void;
  /** The server answered with GraphQL errors in place of an event (it refused the stream, then ends it, and the follower picks it up again). */
  onRefused?(error: ApiError): void;
  /**
   * The stream failed: the server sent an error, or the socket gave up (`extensions.closeCode`, e.g. 4401 for a refused
   * token). `failures` counts the failures since the last answer. Returns the wait in ms before following again from
   * the newest cursor, or nothing to stop following.
   */
  onFailed(error: ApiError, failures: number): number | undefined;
}

/** The server ends a stream it cannot continue without a gap; it is picked up again after this wait. */
const RESUME_AFTER_COMPLETE_MS = 1000;
const LIVE_CONNECTION_FAILED = 'The live connection to this chat failed.';

/** A failure as graphql-ws reports it (GraphQL errors, a CloseEvent or an Error) as an ApiError. */
function streamFailure(error: unknown): ApiError {
  if (Array.isArray(error) && error.length) return apiErrorFromGraphql(error as GraphqlError[]);
  const closeCode = (error as { code?: unknown } | null)?.code;
  if (typeof closeCode === 'number') return new ApiError(LIVE_CONNECTION_FAILED, 'NETWORK', { closeCode });
  return new ApiError(error instanceof Error ? error.message : LIVE_CONNECTION_FAILED, 'NETWORK');
}

/**
 * Follows one chat's events from a cursor, surviving reconnects without gaps or duplicates; returns `stop`.
 *
 * graphql-ws re-sends the very payload object it was given whenever the socket comes back, so
 * keeping `variables.after` at the newest cursor seen makes the server replay exactly what was
 * missed while the socket was down. Events at or below that cursor (a replay racing a live event)
 * are dropped. A stream the server completes is followed again from the same cursor.
 */
export function followChatEventLog<Event extends ChatEventLogEntry>(options: ChatEventLogOptions<Event>): () => void {
  const payload = { query: options.query, variables: { sessionId: options.sessionId, after: options.after } };
  let stopped = false;
  let failures = 0;
  let unsubscribe: () => void = () => {};
  let followTimer: ReturnType<typeof setTimeout> | undefined;
  const followAgain = (waitMs: number) => {
    if (!stopped) followTimer = setTimeout(follow, waitMs);
  };

  function follow() {
    unsubscribe = options.socket.subscribe<{ chatEvents: Event }>(payload, {
      next(result) {
        if (stopped) return;
        failures = 0;
        if (result.errors?.length) {
          options.onRefused?.(apiErrorFromGraphql(result.errors));
          return;
        }
        const event = result.data?.chatEvents;
        if (!event) return;
        if (event.cursor != null) {
          if (event.cursor <= payload.variables.after) return;
          payload.variables.after = event.cursor;
        }
        options.onEvent(event);
      },
      error(error) {
        if (stopped) return;
        const waitMs = options.onFailed(streamFailure(error), failures++);
        if (waitMs !== undefined) followAgain(waitMs);
      },
      complete() {
        followAgain(RESUME_AFTER_COMPLETE_MS);
      },
    });
  }
  follow();

  return () => {
    stopped = true;
    clearTimeout(followTimer);
    unsubscribe();
  };
}
