import { type GraphqlTestServer, type HttpAnswer, PONG, useGraphqlTestServer } from '@livechat/chat-client/testing/graphql-test-server';
import { gql } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { createGraphqlConnection, reconnectDelayMs, resolveGraphqlEndpoints, type SocketStatus } from './graphql-client';

// The socket under the console (tokens per connect, resending after a drop, the wait after a 4290)
// is chat-client's createChatSocket, tested there; these tests are about what the console adds.

const PingQuery = gql`
  query Ping {
    ping
  }
`;

const EventsSubscription = gql`
  subscription Events {
    event
  }
`;

/**
 * Like the API: a refused token is a GraphQL error with code UNAUTHENTICATED over HTTP, and a
 * socket closed with 4401; past WS_MAX_CONNECTIONS_PER_IP a socket is closed with 4290.
 */
function behaveLikeTheApi(server: GraphqlTestServer) {
  server.answer = (request): HttpAnswer =>
    request.headers.authorization === 'Bearer expired-token'
      ? { ...PONG, body: JSON.stringify({ data: null, errors: [{ message: 'Session expired.', extensions: { code: 'UNAUTHENTICATED' } }] }) }
      : PONG;
  server.onConnectionInit = (payload) => {
    const authorization = (payload as { authorization?: string } | undefined)?.authorization;
    if (authorization === 'Bearer expired-token') return { code: 4401, reason: 'UNAUTHENTICATED: Session expired.' };
    if (authorization === 'Bearer limited-token') return { code: 4290, reason: 'RATE_LIMITED: more than 200 open connections from one address' };
    return undefined;
  };
}

/** Each subscription gets one event and stays open, as a live stream does, until the client ends it or the socket drops. */
const oneEventThenOpen = (subscription: { next(result: unknown): void }) => subscription.next({ data: { event: 'hello' } });

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

describe('createGraphqlConnection against a real server', () => {
  const server = useGraphqlTestServer(behaveLikeTheApi);

  it('sends the token current at each HTTP request as a bearer header', async () => {
    let token: string | null = null;
    const { client } = createGraphqlConnection({ endpoint: server.url, getToken: () => token });
    const ping = () => client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();

    const anonymous = await ping();
    expect(anonymous.error).toBeUndefined();
    expect(anonymous.data).toEqual({ ping: 'pong' });

    token = 'agent-token';
    await ping();
    token = 'rotated-token';
    await ping();

    expect(server.httpRequests).toHaveLength(3);
    for (const { path, headers } of server.httpRequests) {
      expect(path).toMatch(/^\/graphql(\?|$)/);
      expect(headers['x-graphql-yoga-csrf']).toBe('1');
    }
    expect(server.httpAuthorization).toEqual([undefined, 'Bearer agent-token', 'Bearer rotated-token']);
  });

  it('reports a refused token from HTTP or from the socket (4401) as the end of the session', async () => {
    let token: string | null = 'expired-token';
    const ended: string[] = [];
    const { client } = createGraphqlConnection({ endpoint: server.url, getToken: () => token, onUnauthenticated: () => ended.push('ended') });

    const result = await client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(ended).toEqual(['ended']);

    await new Promise<void>((resolve) => {
      client.subscription(EventsSubscription, {}).subscribe((r) => r.error && resolve());
    });
    expect(ended).toEqual(['ended', 'ended']);

    // A wrong password at login is UNAUTHENTICATED too, but without a token it ends nothing.
    token = null;
    await client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(ended).toHaveLength(2);
  });

  it('reports a lost socket, reconnects by itself and says when it is back', async () => {
    const statuses: SocketStatus[] = [];
    let reconnected = 0;
    const { client, socket } = createGraphqlConnection({
      endpoint: server.url,
      getToken: () => 'agent-token',
      onSocketStatus: (status) => statuses.push(status),
      onReconnected: () => (reconnected += 1),
    });
    server.onSubscribe = oneEventThenOpen;
    const received: unknown[] = [];
    const live = client.subscription(EventsSubscription, {}).subscribe((r) => received.push(r.data));
    await waitUntil(() => received.length === 1);
    expect(statuses.at(-1)).toBe('connected');

    server.dropAllSockets();
    await waitUntil(() => statuses.includes('reconnecting'));
    // The subscription is sent again on the new socket, with the token read again.
    await waitUntil(() => received.length === 2 && reconnected === 1);
    expect(statuses.at(-1)).toBe('connected');
    expect(server.connectionInitPayloads).toEqual([{ authorization: 'Bearer agent-token' }, { authorization: 'Bearer agent-token' }]);
    live.unsubscribe();
    await socket.dispose();
  });
});

describe('a socket the server limits (4290)', () => {
  const server = useGraphqlTestServer(behaveLikeTheApi);

  it('is reported as limited, not as a lost session, and is not retried at once', async () => {
    const statuses: SocketStatus[] = [];
    const ended: string[] = [];
    const { client, socket } = createGraphqlConnection({
      endpoint: server.url,
      getToken: () => 'limited-token',
      onSocketStatus: (status) => statuses.push(status),
      onUnauthenticated: () => ended.push('ended'),
    });
    const live = client.subscription(EventsSubscription, {}).subscribe(() => {});
    await waitUntil(() => statuses.includes('limited'));
    // A plain loss is retried within about a second; a limited socket waits 22 s or more.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(server.connectionInitPayloads).toHaveLength(1);
    expect(statuses.at(-1)).toBe('limited');
    expect(ended).toEqual([]);
    live.unsubscribe();
    void socket.dispose();
  });

  it('backs off from 30 s to 2 minutes (with jitter) after a 4290, against 1 s to 10 s after a loss', () => {
    for (let i = 0; i < 50; i++) {
      expect(reconnectDelayMs(0)).toBeLessThanOrEqual(1250);
      expect(reconnectDelayMs(0, true)).toBeGreaterThanOrEqual(22_500);
      expect(reconnectDelayMs(10, true)).toBeLessThanOrEqual(150_000);
      expect(reconnectDelayMs(10, true)).toBeGreaterThanOrEqual(90_000);
    }
  });
});

async function waitUntil(condition: () => boolean) {
  for (let i = 0; !condition(); i += 1) {
    if (i > 200) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
