import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/** The server closes a socket whose token is missing, expired or revoked with this code. */
export const WS_UNAUTHENTICATED = 4401;
/** The server closes a socket with this code past a limit: too many sockets from one address, or too many operations on one. */
export const WS_TOO_MANY_REQUESTS = 4290;

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
  const http = new URL(endpoint, pageUrl);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.href, ws: ws.href };
}

/** The API refuses GET queries and multipart uploads (requests a foreign page can send without a CORS preflight) without this header. */
export const CSRF_HEADERS = { 'x-graphql-yoga-csrf': '1' };

function authorization(token: string | null | undefined): string | undefined {
  return token ? `Bearer ${token}` : undefined;
}

/**
 * 1 s, 2 s, 4 s… capped at 10 s, with jitter so a restarted server is not hit by every console at
 * once. After a 4290 (the server is limiting this address or socket) 30 s doubling to 2 minutes:
 * reconnecting at once would only be refused again.
 */
export function reconnectDelayMs(retries: number, limited = false): number {
  const base = limited ? Math.min(120_000, 30_000 * 2 ** Math.min(retries, 2)) : Math.min(10_000, 1000 * 2 ** Math.min(retries, 4));
  return base * (0.75 + Math.random() * 0.5);
}

export function createGraphqlConnection(options: GraphqlClientOptions): GraphqlConnection {
  const { getToken, endpoint = '/graphql' } = options;
  const urls = resolveGraphqlEndpoints(endpoint, window.location.href);
  let everConnected = false;
  let lost = false;
  let limited = false;

  const socket = createWsClient({
    url: urls.ws,
    connectionParams: () => {
      const value = authorization(getToken());
      return value ? { authorization: value } : {};
    },
    keepAlive: 10_000,
    // A console stays open all day: keep trying through restarts and network changes, but not
    // with a token the server refused.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && event.code === WS_UNAUTHENTICATED),
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(retries, limited))),
    on: {
      connecting: () => options.onSocketStatus?.(lost ? 'reconnecting' : 'connecting'),
      connected: () => {
        const wasLost = lost;
        lost = false;
        limited = false;
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
        limited = code === WS_TOO_MANY_REQUESTS;
        if (limited) {
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
      cacheExchange,
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
    fetchOptions: () => {
      const value = authorization(getToken());
      return { headers: value ? { ...CSRF_HEADERS, authorization: value } : CSRF_HEADERS };
    },
  });

  return { client, socket };
}
