import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { RawData } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiErrorFromGraphql, NETWORK_ERROR_MESSAGE } from '@livechat/chat-client/errors';
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

const PING = 'query Ping($n:Int){ping(n:$n)}';

const VISITOR_EVENTS = 'subscription VisitorEvents { visitorEvent }';

/** One subscription over the socket: resolves with its first result once the server completes it. */
function subscribeOnce(socket: ReturnType<typeof createSocket>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let first: unknown;
    socket.subscribe({ query: VISITOR_EVENTS }, { next: (value) => (first ??= value), error: reject, complete: () => resolve(first) });
  });
}

/** What one HTTP request carried. */
interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How the HTTP side answers: status, content type and body text. */
interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const PONG: HttpAnswer = { status: 200, contentType: 'application/graphql-response+json; charset=utf-8', body: JSON.stringify({ data: { ping: 'pong' } }) };

/**
 * A real GraphQL endpoint on 127.0.0.1: HTTP at /graphql answers `{ ping: 'pong' }` (or whatever
 * `answer` is set to), and a WebSocket at /graphql speaks just enough graphql-transport-ws (ack,
 * one `next`, `complete`). It records what the client sent so the tests can assert on the wire,
 * not on our own code.
 */
interface RecordingServer {
  /** Origin the server listens on, e.g. `http://127.0.0.1:12345`. */
  origin: string;
  /** Every HTTP request to /graphql, in order. */
  httpRequests: RecordedRequest[];
  /** `authorization` header of each HTTP request (undefined when absent). */
  readonly httpAuthorization: (string | undefined)[];
  /** The answer to every following HTTP request; `reset` puts back PONG. */
  answer: HttpAnswer;
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
  const httpRequests: RecordedRequest[] = [];
  const connectionInitPayloads: unknown[] = [];
  const socketClosed: Promise<void>[] = [];
  const subscribePayloads: unknown[] = [];

  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      httpRequests.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const { status, contentType, body } = recording.answer;
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
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

  const recording: RecordingServer = {
    origin: `http://127.0.0.1:${port}`,
    httpRequests,
    get httpAuthorization() {
      return httpRequests.map((request) => request.headers.authorization as string | undefined);
    },
    answer: PONG,
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
      httpRequests.length = 0;
      recording.answer = PONG;
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
  return recording;
}

describe('graphql endpoints', () => {
  it('targets the origin that served widget.js, not the host page', () => {
    expect(graphqlEndpointFromScriptSrc('https://chat.example.com/widget.js?v=3')).toBe('https://chat.example.com/graphql');
    expect(graphqlEndpointFromScriptSrc('http://127.0.0.1:4000/static/widget.js')).toBe('http://127.0.0.1:4000/graphql');
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

  it('POSTs {query, variables} as JSON with the CSRF header, and a bearer token only once one exists, read per request', async () => {
    let token: string | null = null;
    const client = createGraphqlClient({ endpoint: endpoint(), getToken: () => token });

    const anonymous = await client(PING, { n: 1 });
    expect(anonymous).toEqual({ data: { ping: 'pong' } });

    token = 'visitor-token';
    expect(await client(PING, { n: 2 })).toEqual({ data: { ping: 'pong' } });
    token = 'rotated-token';
    // The same document again: no cache, it goes to the server.
    await client(PING, { n: 2 });

    expect(server.httpRequests).toHaveLength(3);
    server.httpRequests.forEach((request, i) => {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/graphql');
      expect(request.headers['x-graphql-yoga-csrf']).toBe('1');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.accept).toBe('application/graphql-response+json, application/json');
      expect(JSON.parse(request.body)).toEqual({ query: PING, variables: { n: Math.min(i + 1, 2) } });
    });
    expect(server.httpAuthorization).toEqual([undefined, 'Bearer visitor-token', 'Bearer rotated-token']);
  });

  it('returns GraphQL errors with their code and extensions, with any status, and beside data', async () => {
    const client = createGraphqlClient({ endpoint: endpoint(), getToken: () => 'revoked-token' });
    const notFound = { message: 'Chat not found', extensions: { code: 'NOT_FOUND' } };

    server.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ data: null, errors: [notFound] }) };
    expect(await client(PING)).toEqual({ data: null, errors: [notFound] });

    // What Yoga sends for a refused token under application/graphql-response+json.
    const unauthenticated = { message: 'Not signed in', extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } };
    server.answer = { status: 401, contentType: 'application/graphql-response+json', body: JSON.stringify({ errors: [unauthenticated] }) };
    expect(await client(PING)).toEqual({ errors: [unauthenticated] });

    const limited = { message: 'Too many requests', extensions: { code: 'RATE_LIMITED', retryAfter: 12 } };
    server.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ data: { ping: 'pong' }, errors: [limited, notFound] }) };
    expect(await client(PING)).toEqual({ data: { ping: 'pong' }, errors: [limited, notFound] });

    expect(server.httpAuthorization).toEqual(['Bearer revoked-token', 'Bearer revoked-token', 'Bearer revoked-token']);
  });

  it('answers NETWORK when there is no GraphQL answer: a proxy’s 502 page, a 5xx without errors, a non-JSON 200, no server', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    const network = { errors: [{ message: NETWORK_ERROR_MESSAGE, extensions: { code: 'NETWORK' } }] };

    server.answer = { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    expect(await client(PING)).toEqual(network);
    server.answer = { status: 503, contentType: 'application/json', body: JSON.stringify({ data: { ping: 'pong' } }) };
    expect(await client(PING)).toEqual(network);
    server.answer = { status: 200, contentType: 'text/plain', body: 'pong' };
    expect(await client(PING)).toEqual(network);
    server.answer = { status: 200, contentType: 'application/json', body: 'null' };
    expect(await client(PING)).toEqual(network);
    expect(server.httpRequests).toHaveLength(4);

    // A port nothing listens on: the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await createGraphqlClient({ endpoint: `http://127.0.0.1:${port}/graphql` })(PING)).toEqual(network);
  });

  it('makes the ApiError from the first GraphQL error’s message and code, or NETWORK without an answer', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    server.answer = {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        errors: [
          { message: 'Slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 3 } },
          { message: 'Second', extensions: { code: 'FORBIDDEN' } },
        ],
      }),
    };
    const limited = apiErrorFromGraphql((await client(PING)).errors);
    expect([limited.message, limited.code, limited.retryAfter]).toEqual(['Slow down', 'RATE_LIMITED', 3]);

    server.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'Boom' }] }) };
    expect(apiErrorFromGraphql((await client(PING)).errors)).toMatchObject({ message: 'Boom', code: 'INTERNAL' });

    server.answer = { status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' };
    expect(apiErrorFromGraphql((await client(PING)).errors)).toMatchObject({ message: NETWORK_ERROR_MESSAGE, code: 'NETWORK' });
  });

  it('works without getToken: no authorization anywhere', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    const socket = createSocket({ endpoint: endpoint() });

    const query = await client(PING);
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
