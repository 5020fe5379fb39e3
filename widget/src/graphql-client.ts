// fetch and the graphql-ws client only: this ships inside every host page.
import { backoffMs } from '@livechat/chat-client/backoff';
import { type GraphqlError, NETWORK_ERROR_MESSAGE } from '@livechat/chat-client/errors';
import { authorizationHeader, CSRF_HEADERS } from '@livechat/chat-client/request-headers';
import { createChatSocket } from '@livechat/chat-client/socket';
import type { Client as WsClient } from 'graphql-ws';
import type { TypedText } from './graphql';

export interface GraphqlClientOptions {
  /** Absolute HTTP(S) URL of the GraphQL endpoint; see `graphqlEndpointFromScriptSrc`. */
  endpoint: string;
  /** Read on every request and every socket (re)connect. */
  getToken?: () => string | null | undefined;
}

/** The API that serves widget.js also serves `/graphql`, whatever page embeds the script. */
export function graphqlEndpointFromScriptSrc(absoluteScriptSrc: string): string {
  return new URL('/graphql', absoluteScriptSrc).href;
}

/** Jittered wait before reconnect number `retries`: 1 s doubling up to 10 s, or 30 to 60 s while the server limits us. */
export const retryDelayMs = (retries: number, limited: boolean) =>
  limited ? backoffMs(retries, 60_000, 60_000, [0.5, 1]) : backoffMs(retries, 1000, 10_000, [0.5, 1]);

/** The subscription socket (see createChatSocket), backing off up to about 10 s; 30 to 60 s after a 4290 close. */
export function createSocket({ endpoint, getToken = () => null }: GraphqlClientOptions): WsClient {
  return createChatSocket({ endpoint, getToken, keepAlive: 20_000, reconnectDelayMs: retryDelayMs });
}

/** A GraphQL response body. */
export interface GraphqlResult<T> {
  data?: T | null;
  errors?: GraphqlError[];
}

/** Sends one query or mutation. Never rejects: a failure without a GraphQL answer is the error code NETWORK. */
export type GraphqlClient = <Result, Variables>(query: TypedText<Result, Variables>, variables?: Variables) => Promise<GraphqlResult<Result>>;

/**
 * Queries and mutations over HTTP: POST `{query, variables}` as JSON, no cache (every read is live
 * data: queue, availability). The server parses and validates every document.
 */
export function createGraphqlClient({ endpoint, getToken = () => null }: GraphqlClientOptions): GraphqlClient {
  return async (query, variables) => {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...CSRF_HEADERS,
          ...authorizationHeader(getToken()),
        },
        body: JSON.stringify({ query, variables }),
      });
      const result = await response.json();
      // GraphQL errors with any status (a 4xx answer carries them too); data only from a 2xx answer.
      if (result.errors?.[0] || (response.ok && result.data)) return result;
    } catch {
      // No connection, or a body that is not JSON (a proxy's 502 page).
    }
    return { errors: [{ message: NETWORK_ERROR_MESSAGE, extensions: { code: 'NETWORK' } }] };
  };
}
