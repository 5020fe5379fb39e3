// The graphql-ws socket both front ends open to the API, for subscriptions.
import { type ClientOptions, createClient, type Client as WsClient } from 'graphql-ws';
import { authorizationHeader } from './request-headers';

/** The server closes a socket whose token is missing, expired or revoked with this code; graphql-ws does not reconnect after it. */
export const WS_UNAUTHENTICATED = 4401;
/** The server closes a socket with this code past a limit: too many sockets from one address, or too many operations on one. */
export const WS_TOO_MANY_REQUESTS = 4290;

/** The WebSocket URL of an http(s) GraphQL endpoint: the same URL with ws(s). */
export function toWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export interface ChatSocketOptions {
  /** Absolute http(s) URL of the GraphQL endpoint. */
  endpoint: string;
  /** Read on every (re)connect, so a later login or a new visitor token takes effect. */
  getToken: () => string | null | undefined;
  /** Milliseconds between pings that keep the socket (and the proxies on its way) awake. */
  keepAlive: number;
  /** The wait before reconnect number `retries`; `limited`: the server closed the socket with WS_TOO_MANY_REQUESTS. */
  reconnectDelayMs: (retries: number, limited: boolean) => number;
  /** graphql-ws's event listeners (connecting, connected, closed…). */
  on?: ClientOptions['on'];
}

/**
 * The subscription socket. It reconnects for as long as the page is open (refused tokens apart:
 * graphql-ws gives up after a 4401 close) and re-sends every live subscription with its payload
 * object as it is then, so a caller that keeps `variables.after` current resumes where it left off.
 */
export function createChatSocket(options: ChatSocketOptions): WsClient {
  let limited = false;
  const socket = createClient({
    url: toWebSocketUrl(options.endpoint),
    connectionParams: () => authorizationHeader(options.getToken()),
    keepAlive: options.keepAlive,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs(retries, limited))),
    on: options.on,
  });
  socket.on('closed', (event) => {
    limited = (event as CloseEvent | undefined)?.code === WS_TOO_MANY_REQUESTS;
  });
  return socket;
}
