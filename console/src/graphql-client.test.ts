import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gql } from '@urql/core';
import type { RawData } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphqlConnection, reconnectDelayMs, resolveGraphqlEndpoints, type SocketStatus } from './graphql-client';
import { nodeWs, useNodeWebSocketAsGlobal } from '@livechat/chat-client/testing/node-websocket';

const { WebSocketServer } = nodeWs;

const PingQuery = gql`
  query Ping {
    ping
  }
`;

const ChatEventsSubscription = gql`
  subscription ChatEvents {
    chatEvent
  }
`;

const LiveSubscription = gql`
  subscription Live {
    chatEvent
  }
`;

/**
 * A real GraphQL endpoint on 127.0.0.1: HTTP at /graphql answers `{ ping: 'pong' }`, and a
 * WebSocket at /graphql speaks just enough graphql-transport-ws (ack, one `next`, `complete`).
 * It records what the client sent so the tests can assert on the wire, not on our own code.
 */
interface RecordingServer {
  url: string;
  /** `authorization` header of each HTTP request (undefined when absent). */
  httpAuthorization: (string | undefined)[];
  httpPaths: string[];
  /** `payload` of each `connection_init` message, one per socket. */
  connectionInitPayloads: unknown[];
  /** Resolves when the n-th socket (0-based) has closed. */
  socketClosed: Promise<void>[];
  /** Drops every open socket, as a server restart or a network change would. */
  dropSockets(): void;
  reset(): void;
  close(): Promise<void>;
}

async function startRecordingServer(): Promise<RecordingServer> {
  const httpAuthorization: (string | undefined)[] = [];
  const httpPaths: string[] = [];
  const connectionInitPayloads: unknown[] = [];
  const socketClosed: Promise<void>[] = [];

  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    httpAuthorization.push(req.headers.authorization);
    httpPaths.push(req.url);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Like the API: a refused token is a GraphQL error with code UNAUTHENTICATED.
      if (req.headers.authorization === 'Bearer expired-token')
        res.end(JSON.stringify({ data: null, errors: [{ message: 'Session expired.', extensions: { code: 'UNAUTHENTICATED' } }] }));
      else res.end(JSON.stringify({ data: { ping: 'pong' } }));
    });
  });

  // ws picks the client's first requested subprotocol (graphql-transport-ws) by default.
  const wss = new WebSocketServer({ server, path: '/graphql' });
  wss.on('connection', (socket) => {
    socketClosed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.on('message', (raw: RawData) => {
      const message = JSON.parse(raw.toString()) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_init') {
        connectionInitPayloads.push(message.payload);
        // Like the API: a bad token closes the socket with 4401.
        if ((message.payload as { authorization?: string } | undefined)?.authorization === 'Bearer expired-token') {
          socket.close(4401, 'UNAUTHENTICATED: Session expired.');
          return;
        }
        // Like the API past WS_MAX_CONNECTIONS_PER_IP.
        if ((message.payload as { authorization?: string } | undefined)?.authorization === 'Bearer limited-token') {
          socket.close(4290, 'RATE_LIMITED: more than 200 open connections from one address');
          return;
        }
        socket.send(JSON.stringify({ type: 'connection_ack' }));
      } else if (message.type === 'subscribe') {
        socket.send(JSON.stringify({ id: message.id, type: 'next', payload: { data: { chatEvent: 'hello' } } }));
        // "Live" subscriptions stay open until the client ends them or the socket drops.
        if (!JSON.stringify(message.payload).includes('Live')) socket.send(JSON.stringify({ id: message.id, type: 'complete' }));
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    httpAuthorization,
    httpPaths,
    connectionInitPayloads,
    socketClosed,
    dropSockets() {
      for (const socket of wss.clients) socket.terminate();
    },
    reset() {
      httpAuthorization.length = 0;
      httpPaths.length = 0;
      connectionInitPayloads.length = 0;
      socketClosed.length = 0;
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
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

describe('createGraphqlClient against a real server', () => {
  let server: RecordingServer;
  let restoreWebSocket: () => void;
  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    server = await startRecordingServer();
  });
  afterAll(async () => {
    await server.close();
    restoreWebSocket();
  });
  beforeEach(() => server.reset());

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

    expect(server.httpPaths).toHaveLength(3);
    for (const path of server.httpPaths) expect(path).toMatch(/^\/graphql(\?|$)/);
    expect(server.httpAuthorization).toEqual([undefined, 'Bearer agent-token', 'Bearer rotated-token']);
  });

  it('sends the token in force at socket connect as connectionParams', async () => {
    let token: string | null = null;
    const { client } = createGraphqlConnection({ endpoint: server.url, getToken: () => token });
    const subscribe = () => client.subscription(ChatEventsSubscription, {}).toPromise();

    const anonymous = await subscribe();
    expect(anonymous.error).toBeUndefined();
    expect(anonymous.data).toEqual({ chatEvent: 'hello' });
    expect(server.connectionInitPayloads).toEqual([{}]);

    // graphql-ws is lazy: the socket closes once the last subscription ends and the next
    // subscription opens a fresh one, which must read the token again.
    await server.socketClosed[0];
    token = 'agent-token';
    const authenticated = await subscribe();
    expect(authenticated.data).toEqual({ chatEvent: 'hello' });
    expect(server.connectionInitPayloads).toEqual([{}, { authorization: 'Bearer agent-token' }]);
    // Subscriptions go over the socket only.
    expect(server.httpAuthorization).toEqual([]);
  });

  it('reports a refused token from HTTP or from the socket (4401) as the end of the session', async () => {
    let token: string | null = 'expired-token';
    const ended: string[] = [];
    const { client } = createGraphqlConnection({ endpoint: server.url, getToken: () => token, onUnauthenticated: () => ended.push('ended') });

    const result = await client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(ended).toEqual(['ended']);

    await new Promise<void>((resolve) => {
      client.subscription(ChatEventsSubscription, {}).subscribe((r) => r.error && resolve());
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
    const received: unknown[] = [];
    const live = client.subscription(LiveSubscription, {}).subscribe((r) => received.push(r.data));
    await waitUntil(() => received.length === 1);
    expect(statuses.at(-1)).toBe('connected');

    server.dropSockets();
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
  let server: RecordingServer;
  let restoreWebSocket: () => void;
  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    server = await startRecordingServer();
  });
  afterAll(async () => {
    await server.close();
    restoreWebSocket();
  });

  it('is reported as limited, not as a lost session, and is not retried at once', async () => {
    const statuses: SocketStatus[] = [];
    const ended: string[] = [];
    const { client, socket } = createGraphqlConnection({
      endpoint: server.url,
      getToken: () => 'limited-token',
      onSocketStatus: (status) => statuses.push(status),
      onUnauthenticated: () => ended.push('ended'),
    });
    const live = client.subscription(LiveSubscription, {}).subscribe(() => {});
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
