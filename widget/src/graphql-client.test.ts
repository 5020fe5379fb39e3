import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gql } from '@urql/core';
import type { RawData } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WS_TOO_MANY_REQUESTS, createGraphqlClient, createSocket, graphqlEndpointFromScriptSrc, retryDelayMs, toWebSocketUrl } from './graphql-client';

// vite-plugin-solid adds the `browser` export condition, which Vitest also hands to Node
// (`--conditions browser`), so `ws` resolves to its throwing browser stub. Load its Node entry.
const requireFromHere = createRequire(import.meta.url);
const { WebSocket: WsWebSocket, WebSocketServer } = requireFromHere(
  join(dirname(requireFromHere.resolve('ws/package.json')), 'index.js'),
) as typeof import('ws');

/**
 * jsdom's WebSocket cannot open a connection under Vitest: it wraps undici's WebSocket, whose
 * native EventTarget rejects the jsdom `Event` that Vitest installs globally ("The "event"
 * argument must be an instance of Event", nodejs/undici#2663), and Node 20 has no WebSocket of
 * its own. graphql-ws picks up the global at createClient time, so for these tests the global is
 * `ws`'s client: a real WebSocket talking to the real server below, not a test double.
 */
function useWsAsGlobalWebSocket(): () => void {
  const original = globalThis.WebSocket;
  globalThis.WebSocket = WsWebSocket as unknown as typeof WebSocket;
  return () => {
    globalThis.WebSocket = original;
  };
}

const PingQuery = gql`
  query Ping {
    ping
  }
`;

const VISITOR_EVENTS = 'subscription VisitorEvents { visitorEvent }';

/** One subscription over the socket: resolves with its first result once the server completes it. */
function subscribeOnce(socket: ReturnType<typeof createSocket>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let first: unknown;
    socket.subscribe({ query: VISITOR_EVENTS }, { next: (value) => (first ??= value), error: reject, complete: () => resolve(first) });
  });
}

/**
 * A real GraphQL endpoint on 127.0.0.1: HTTP at /graphql answers `{ ping: 'pong' }`, and a
 * WebSocket at /graphql speaks just enough graphql-transport-ws (ack, one `next`, `complete`).
 * It records what the client sent so the tests can assert on the wire, not on our own code.
 */
interface RecordingServer {
  /** Origin the server listens on, e.g. `http://127.0.0.1:12345`. */
  origin: string;
  /** `authorization` header of each HTTP request (undefined when absent). */
  httpAuthorization: (string | undefined)[];
  httpPaths: string[];
  /** `payload` of each `connection_init` message, one per socket. */
  connectionInitPayloads: unknown[];
  /** Resolves when the n-th socket (0-based) has closed. */
  socketClosed: Promise<void>[];
  /** `payload` of each `subscribe` message. */
  subscribePayloads: unknown[];
  /** Terminates every open socket, as a network drop would. */
  dropAllSockets(): void;
  /** Closes every open socket with `code`, as the API does past a limit. */
  closeAllSockets(code: number, reason: string): void;
  reset(): void;
  close(): Promise<void>;
}

async function startRecordingServer(): Promise<RecordingServer> {
  const httpAuthorization: (string | undefined)[] = [];
  const httpPaths: string[] = [];
  const connectionInitPayloads: unknown[] = [];
  const socketClosed: Promise<void>[] = [];
  const subscribePayloads: unknown[] = [];

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
      res.end(JSON.stringify({ data: { ping: 'pong' } }));
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
        socket.send(JSON.stringify({ type: 'connection_ack' }));
      } else if (message.type === 'subscribe') {
        subscribePayloads.push(message.payload);
        socket.send(JSON.stringify({ id: message.id, type: 'next', payload: { data: { visitorEvent: 'hello' } } }));
        // A subscription with variables stays open, as a live event stream does.
        if (!(message.payload as { variables?: unknown }).variables) socket.send(JSON.stringify({ id: message.id, type: 'complete' }));
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    httpAuthorization,
    httpPaths,
    connectionInitPayloads,
    socketClosed,
    subscribePayloads,
    dropAllSockets() {
      for (const socket of wss.clients) socket.terminate();
    },
    closeAllSockets(code, reason) {
      for (const socket of wss.clients) socket.close(code, reason);
    },
    reset() {
      httpAuthorization.length = 0;
      httpPaths.length = 0;
      connectionInitPayloads.length = 0;
      socketClosed.length = 0;
      subscribePayloads.length = 0;
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

describe('graphql endpoints', () => {
  it('targets the origin that served widget.js, not the host page', () => {
    expect(graphqlEndpointFromScriptSrc('https://chat.example.com/widget.js?v=3')).toBe(
      'https://chat.example.com/graphql',
    );
    expect(graphqlEndpointFromScriptSrc('http://127.0.0.1:4000/static/widget.js')).toBe(
      'http://127.0.0.1:4000/graphql',
    );
  });

  it('maps http(s) to ws(s) for subscriptions', () => {
    expect(toWebSocketUrl('https://chat.example.com/graphql')).toBe('wss://chat.example.com/graphql');
    expect(toWebSocketUrl('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql');
  });
});

describe('createGraphqlClient against a real server', () => {
  let server: RecordingServer;
  let restoreWebSocket: () => void;
  beforeAll(async () => {
    restoreWebSocket = useWsAsGlobalWebSocket();
    server = await startRecordingServer();
  });
  afterAll(async () => {
    await server.close();
    restoreWebSocket();
  });
  beforeEach(() => server.reset());

  // What the embed does: the API that served widget.js also serves /graphql.
  const endpoint = () => graphqlEndpointFromScriptSrc(`${server.origin}/static/widget.js?v=3`);

  it('sends a bearer token on HTTP requests only once one exists, read per request', async () => {
    let token: string | null = null;
    const client = createGraphqlClient({ endpoint: endpoint(), getToken: () => token });
    const ping = () => client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();

    const anonymous = await ping();
    expect(anonymous.error).toBeUndefined();
    expect(anonymous.data).toEqual({ ping: 'pong' });

    token = 'visitor-token';
    await ping();
    token = 'rotated-token';
    await ping();

    expect(server.httpPaths).toHaveLength(3);
    for (const path of server.httpPaths) expect(path).toMatch(/^\/graphql(\?|$)/);
    expect(server.httpAuthorization).toEqual([undefined, 'Bearer visitor-token', 'Bearer rotated-token']);
  });

  it('works without getToken: no authorization anywhere', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    const socket = createSocket({ endpoint: endpoint() });

    const query = await client.query(PingQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    const subscription = await subscribeOnce(socket);

    expect(query.data).toEqual({ ping: 'pong' });
    expect(subscription).toEqual({ data: { visitorEvent: 'hello' } });
    expect(server.httpAuthorization).toEqual([undefined]);
    expect(server.connectionInitPayloads).toEqual([{}]);
    await socket.dispose();
  });

  it('sends the token in force at socket connect as connectionParams', async () => {
    let token: string | null = null;
    const socket = createSocket({ endpoint: endpoint(), getToken: () => token });

    expect(await subscribeOnce(socket)).toEqual({ data: { visitorEvent: 'hello' } });
    expect(server.connectionInitPayloads).toEqual([{}]);

    // graphql-ws is lazy: the socket closes once the last subscription ends and the next
    // subscription opens a fresh one, which must read the token again.
    await server.socketClosed[0];
    token = 'visitor-token';
    expect(await subscribeOnce(socket)).toEqual({ data: { visitorEvent: 'hello' } });
    expect(server.connectionInitPayloads).toEqual([{}, { authorization: 'Bearer visitor-token' }]);
    // Subscriptions go over the socket only.
    expect(server.httpAuthorization).toEqual([]);
    await socket.dispose();
  });

  it('re-sends a live subscription after the socket drops, with its payload as it is then', async () => {
    const socket = createSocket({ endpoint: endpoint() });
    const payload = { query: VISITOR_EVENTS, variables: { after: 1 } };
    const received: unknown[] = [];
    const stop = socket.subscribe(payload, { next: (value) => received.push(value), error: () => {}, complete: () => {} });
    await vi.waitFor(() => expect(server.subscribePayloads).toHaveLength(1));

    payload.variables.after = 7;
    server.dropAllSockets();
    await vi.waitFor(() => expect(server.subscribePayloads).toHaveLength(2), { timeout: 10_000 });
    expect(server.subscribePayloads.map((p) => (p as { variables: { after: number } }).variables.after)).toEqual([1, 7]);
    stop();
    await socket.dispose();
  });

  it('after the server closes the socket for too many requests (4290), waits 30 to 60 s before it reconnects', async () => {
    const socket = createSocket({ endpoint: endpoint() });
    const closes: number[] = [];
    socket.on('closed', (event) => closes.push((event as CloseEvent).code));
    const stop = socket.subscribe({ query: VISITOR_EVENTS, variables: { after: 1 } }, { next: () => {}, error: () => {}, complete: () => {} });
    await vi.waitFor(() => expect(server.subscribePayloads).toHaveLength(1));

    server.closeAllSockets(WS_TOO_MANY_REQUESTS, 'RATE_LIMITED: more than 200 open connections from one address');
    await vi.waitFor(() => expect(closes).toEqual([WS_TOO_MANY_REQUESTS]));
    // A plain drop is retried within about a second (the test above); this one is not.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(server.connectionInitPayloads).toHaveLength(1);
    stop();
    // Disposing waits for the pending reconnect; nothing depends on it here.
    void socket.dispose();
  }, 15_000);
});

describe('retryDelayMs', () => {
  it('backs off from about 1 s to at most 10 s, and waits 30 to 60 s while the server limits the socket', () => {
    for (let i = 0; i < 50; i++) {
      expect(retryDelayMs(0, false)).toBeGreaterThanOrEqual(500);
      expect(retryDelayMs(0, false)).toBeLessThanOrEqual(1000);
      expect(retryDelayMs(10, false)).toBeLessThanOrEqual(10_000);
      const limited = retryDelayMs(0, true);
      expect(limited).toBeGreaterThanOrEqual(30_000);
      expect(limited).toBeLessThanOrEqual(60_000);
    }
  });
});
