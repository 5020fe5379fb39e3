import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';

export interface GraphqlClientOptions {
  /** Read on every request and every socket (re)connect, so a later login takes effect. */
  getToken: () => string | null | undefined;
  /** Absolute URL or path; resolved against the page URL. Defaults to `/graphql`. */
  endpoint?: string;
}

export interface GraphqlEndpoints {
  http: string;
  ws: string;
}

export function resolveGraphqlEndpoints(endpoint: string, pageUrl: string): GraphqlEndpoints {
  const http = new URL(endpoint, pageUrl);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.href, ws: ws.href };
}

function authorization(token: string | null | undefined): string | undefined {
  return token ? `Bearer ${token}` : undefined;
}

export function createGraphqlClient({ getToken, endpoint = '/graphql' }: GraphqlClientOptions): Client {
  const urls = resolveGraphqlEndpoints(endpoint, window.location.href);

  const wsClient = createWsClient({
    url: urls.ws,
    connectionParams: () => {
      const value = authorization(getToken());
      return value ? { authorization: value } : {};
    },
  });

  return new Client({
    url: urls.http,
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
