import { gql } from '@urql/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient, resolveGraphqlEndpoints } from './graphql-client';

interface CapturedWsOptions {
  url: string;
  connectionParams: () => unknown;
}

// Capture what the client hands to graphql-ws without opening a socket.
const wsOptions = vi.hoisted(() => ({ current: undefined as CapturedWsOptions | undefined }));
vi.mock('graphql-ws', () => ({
  createClient: (options: CapturedWsOptions) => {
    wsOptions.current = options;
    return { subscribe: () => () => {} };
  },
}));

const PingQuery = gql`
  query Ping {
    ping
  }
`;

function stubFetch() {
  const fetchMock = vi.fn(
    async (_url: RequestInfo | URL, _init?: RequestInit) =>
      new Response(JSON.stringify({ data: { ping: 'pong' } }), {
        headers: { 'content-type': 'application/json' },
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function sentAuthorization(fetchMock: ReturnType<typeof stubFetch>, call: number): string | null {
  const init = fetchMock.mock.calls[call]?.[1];
  return new Headers(init?.headers).get('authorization');
}

describe('resolveGraphqlEndpoints', () => {
  it('derives http and ws URLs from the page URL', () => {
    expect(resolveGraphqlEndpoints('/graphql', 'http://localhost:5173/console/chats')).toEqual({
      http: 'http://localhost:5173/graphql',
      ws: 'ws://localhost:5173/graphql',
    });
    expect(resolveGraphqlEndpoints('/graphql', 'https://crm.example.com/console/')).toEqual({
      http: 'https://crm.example.com/graphql',
      ws: 'wss://crm.example.com/graphql',
    });
  });
});

describe('createGraphqlClient', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the token lazily for HTTP requests and socket connection params', async () => {
    const fetchMock = stubFetch();
    let token: string | null = null;
    const client = createGraphqlClient({ getToken: () => token });

    expect(wsOptions.current?.url).toBe(`ws://${window.location.host}/graphql`);
    expect(wsOptions.current?.connectionParams()).toEqual({});

    const anonymous = await client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(anonymous.data).toEqual({ ping: 'pong' });
    expect(sentAuthorization(fetchMock, 0)).toBeNull();

    token = 'agent-token';
    await client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(sentAuthorization(fetchMock, 1)).toBe('Bearer agent-token');
    expect(wsOptions.current?.connectionParams()).toEqual({ authorization: 'Bearer agent-token' });
  });
});
