// Only @urql/core and the graphql-ws client: this ships inside every host page.
import { Client, fetchExchange } from '@urql/core';
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

/**
 * The subscription socket. It reconnects for as long as the page is open (backing off up to
 * about 10 s) and re-sends every live subscription with its payload object as it is then, so a
 * caller that keeps `variables.after` current resumes exactly where it left off.
 */
export function createSocket({ endpoint, getToken = () => null }: GraphqlClientOptions): WsClient {
  return createWsClient({
    url: toWebSocketUrl(endpoint),
    connectionParams: () => {
      const value = authorization(getToken());
      return value ? { authorization: value } : {};
    },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 10_000) * (0.5 + Math.random() / 2))),
    keepAlive: 20_000,
  });
}

export function createGraphqlClient({ endpoint, getToken = () => null }: GraphqlClientOptions): Client {
  return new Client({
    url: endpoint,
    // Every read is live data (queue, availability): no document cache.
    requestPolicy: 'network-only',
    exchanges: [fetchExchange],
    fetchOptions: () => {
      const value = authorization(getToken());
      // The API refuses GET queries (which a foreign page can send without a CORS preflight) without this header.
      return { headers: { 'x-graphql-yoga-csrf': '1', ...(value ? { authorization: value } : {}) } };
    },
  });
}
