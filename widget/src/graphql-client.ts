// Only @urql/core and the graphql-ws client: this ships inside every host page.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';

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

export function createGraphqlClient({ endpoint, getToken = () => null }: GraphqlClientOptions): Client {
  const wsClient = createWsClient({
    url: toWebSocketUrl(endpoint),
    connectionParams: () => {
      const value = authorization(getToken());
      return value ? { authorization: value } : {};
    },
  });

  return new Client({
    url: endpoint,
    exchanges: [
      cacheExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe: (sink) => ({ unsubscribe: wsClient.subscribe(payload, sink) }),
          };
        },
      }),
      fetchExchange,
    ],
    fetchOptions: () => {
      const value = authorization(getToken());
      return value ? { headers: { authorization: value } } : {};
    },
  });
}
