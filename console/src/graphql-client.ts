import { backoffMs } from '@livechat/chat-client/backoff';
import { authorizationHeader, CSRF_HEADERS } from '@livechat/chat-client/request-headers';
import { createChatSocket, toWebSocketUrl, WS_TOO_MANY_REQUESTS, WS_UNAUTHENTICATED } from '@livechat/chat-client/socket';
import { Client, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { cacheOptions } from './chats/chat-list-cache';
import type { Client as WsClient } from 'graphql-ws';

/** `limited`: the server closed the socket for too many requests; it reconnects after a longer wait. */
export type SocketStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'limited';

export interface GraphqlClientOptions {
  /** Read on every request and every socket (re)connect, so a later login takes effect. */
  getToken: () => string | null | undefined;
  /** Absolute URL or path; resolved against the page URL. Defaults to `/graphql`. */
  endpoint?: string;
  /** An HTTP response said UNAUTHENTICATED, or the socket was closed with 4401. */
  onUnauthenticated?: () => void;
  /** The socket's state, for the "connection lost" banner. */
  onSocketStatus?: (status: SocketStatus) => void;
  /** The socket is open again after it was lost: time to resync what a subscription cannot replay. */
  onReconnected?: () => void;
}

export interface GraphqlEndpoints {
  http: string;
  ws: string;
}

export interface GraphqlConnection {
  client: Client;
  /** The graphql-ws client under the subscription exchange, for streams that resume by cursor. */
  socket: WsClient;
}

export function resolveGraphqlEndpoints(endpoint: string, pageUrl: string): GraphqlEndpoints {
  const http = new URL(endpoint, pageUrl).href;
  return { http, ws: toWebSocketUrl(http) };
}

/**
 * 1 s, 2 s, 4 s… capped at 10 s, with jitter so a restarted server is not hit by every console at
 * once. After a 4290 (the server is limiting this address or socket) 30 s doubling to 2 minutes:
 * reconnecting at once would only be refused again.
 */
export function reconnectDelayMs(retries: number, limited = false): number {
  return limited ? backoffMs(retries, 30_000, 120_000, [0.75, 1.25]) : backoffMs(retries, 1000, 10_000, [0.75, 1.25]);
}

export function createGraphqlConnection(options: GraphqlClientOptions): GraphqlConnection {
  const { getToken, endpoint = '/graphql' } = options;
  const urls = resolveGraphqlEndpoints(endpoint, window.location.href);
  let everConnected = false;
  let lost = false;

  // A console stays open all day: the socket keeps trying through restarts and network changes.
  const socket = createChatSocket({
    endpoint: urls.http,
    getToken,
    keepAlive: 10_000,
    reconnectDelayMs,
    on: {
      connecting: () => options.onSocketStatus?.(lost ? 'reconnecting' : 'connecting'),
      connected: () => {
        const wasLost = lost;
        lost = false;
        everConnected = true;
        options.onSocketStatus?.('connected');
        if (wasLost) options.onReconnected?.();
      },
      closed: (event) => {
        const code = event && typeof event === 'object' && 'code' in event ? (event as CloseEvent).code : undefined;
        if (code === WS_UNAUTHENTICATED) {
          options.onUnauthenticated?.();
          return;
        }
        if (code === WS_TOO_MANY_REQUESTS) {
          lost = true;
          options.onSocketStatus?.('limited');
          return;
        }
        // 1000 is graphql-ws closing an idle lazy socket on purpose; anything else is a loss.
        if (everConnected && code !== 1000) {
          lost = true;
          options.onSocketStatus?.('reconnecting');
        } else options.onSocketStatus?.('idle');
      },
    },
  });

  const client = new Client({
    url: urls.http,
    exchanges: [
      // Normalised: agentEvents' chat rows update the cached list in place (chats/chat-list-cache.ts).
      cacheExchange(cacheOptions),
      mapExchange({
        onResult(result) {
          // A wrong password at login is UNAUTHENTICATED too; only a refused token ends the session.
          const refusedToken =
            !!getToken() &&
            result.operation.context.unauthenticatedMeansExpired !== false &&
            result.error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
          if (refusedToken) options.onUnauthenticated?.();
          return result;
        },
      }),
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe: (sink) => ({ unsubscribe: socket.subscribe(payload, sink) }),
          };
        },
      }),
      fetchExchange,
    ],
    fetchOptions: () => ({ headers: { ...CSRF_HEADERS, ...authorizationHeader(getToken()) } }),
  });

  return { client, socket };
}
