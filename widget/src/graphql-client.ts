// fetch and the graphql-ws client only: this ships inside every host page.
import { type GraphqlError, NETWORK_ERROR_MESSAGE } from '@livechat/chat-client/errors';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

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

export function toWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function authorization(token: string | null | undefined): string | undefined {
  return token ? `Bearer ${token}` : undefined;
}

/** The server's close code for too many sockets from one address, or too many operations on one. */
export const WS_TOO_MANY_REQUESTS = 4290;

/** Jittered wait before reconnect number `retries`: 1 s doubling up to 10 s, or 30 to 60 s while the server limits us. */
export const retryDelayMs = (retries: number, limited: boolean) => (limited ? 60_000 : Math.min(1000 * 2 ** retries, 10_000)) * (0.5 + Math.random() / 2);

/**
 * The subscription socket. It reconnects for as long as the page is open (backing off up to
 * about 10 s; 30 to 60 s after the server closed it for too many requests) and re-sends every live
 * subscription with its payload object as it is then, so a caller that keeps `variables.after`
 * current resumes exactly where it left off.
 */
export function createSocket({ endpoint, getToken = () => null }: GraphqlClientOptions): WsClient {
  let limited = false;
  return createWsClient({
    url: toWebSocketUrl(endpoint),
    connectionParams: () => {
      const value = authorization(getToken());
      return value ? { authorization: value } : {};
    },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries, limited))),
    keepAlive: 20_000,
    on: { closed: (event) => (limited = (event as CloseEvent).code === WS_TOO_MANY_REQUESTS) },
  });
}

/** A GraphQL response body. */
export interface GraphqlResult<T> {
  data?: T | null;
  errors?: GraphqlError[];
}

/** Sends one query or mutation. Never rejects: a failure without a GraphQL answer is the error code NETWORK. */
export type GraphqlClient = <T>(query: string, variables?: Record<string, unknown>) => Promise<GraphqlResult<T>>;

/**
 * Queries and mutations over HTTP: POST `{query, variables}` as JSON, no cache (every read is live
 * data: queue, availability). The server parses and validates every document.
 */
export function createGraphqlClient({ endpoint, getToken = () => null }: GraphqlClientOptions): GraphqlClient {
  return async (query, variables) => {
    try {
      const value = authorization(getToken());
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          // Yoga's CSRF prevention refuses requests without it that a foreign page could send without a CORS preflight.
          'x-graphql-yoga-csrf': '1',
          ...(value ? { authorization: value } : {}),
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
