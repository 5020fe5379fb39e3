// A real GraphQL endpoint on 127.0.0.1 for the clients' tests: HTTP at /graphql answers what the
// test says (`{ ping: 'pong' }` by default), and a WebSocket at /graphql speaks enough
// graphql-transport-ws (ack, ping, and each subscription answered as the test says). It records
// what the client sent, so tests assert on the wire, not on our own code.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RawData, WebSocket } from 'ws';
import { nodeWs, useNodeWebSocketAsGlobal } from './node-websocket';

/** What one HTTP request carried. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** How the HTTP side answers: status, content type and body text. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export const PONG: HttpAnswer = {
  status: 200,
  contentType: 'application/graphql-response+json; charset=utf-8',
  body: JSON.stringify({ data: { ping: 'pong' } }),
};

/** A subscription's `payload` ({ query, variables, … }) as the client sent it. */
export type SubscribePayload = { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };

/** One subscription on the server's side: send results, an error or the end. */
export interface ServerSubscription {
  payload: SubscribePayload;
  next(result: unknown): void;
  error(errors: unknown[]): void;
  complete(): void;
}

export interface GraphqlTestServer {
  /** Origin the server listens on, e.g. `http://127.0.0.1:12345` (once it listens). */
  readonly origin: string;
  /** `${origin}/graphql`. */
  readonly url: string;
  /** Every HTTP request to /graphql, in order. */
  httpRequests: RecordedRequest[];
  /** `authorization` header of each HTTP request (undefined when absent). */
  readonly httpAuthorization: (string | undefined)[];
  /** The answer to each following HTTP request; `reset` puts back PONG. */
  answer: HttpAnswer | ((request: RecordedRequest) => HttpAnswer);
  /** Decides on each connection_init: a close code and reason refuse the socket, nothing acknowledges it. */
  onConnectionInit: (payload: unknown) => { code: number; reason: string } | undefined;
  /** Answers each subscription; by default one `{ data: { event: 'hello' } }` and the end. */
  onSubscribe: (subscription: ServerSubscription) => void;
  /** `payload` of each `connection_init` message, one per socket. */
  connectionInitPayloads: unknown[];
  /** Resolves when the n-th socket (0-based) has closed. */
  socketClosed: Promise<void>[];
  /** `payload` of each `subscribe` message. */
  subscribePayloads: SubscribePayload[];
  /** Subscriptions the client ended (`complete` from the client), by their payload. */
  completedByClient: SubscribePayload[];
  /** Terminates every open socket, as a network drop or a server restart would. */
  dropAllSockets(): void;
  /** Closes every open socket with `code`, as the API does past a limit. */
  closeAllSockets(code: number, reason: string): void;
  /** Forgets what was recorded and puts back the default answers. */
  reset(): void;
  /** Starts listening on a free port. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

const answerHello = (subscription: ServerSubscription) => {
  subscription.next({ data: { event: 'hello' } });
  subscription.complete();
};

export function createGraphqlTestServer(): GraphqlTestServer {
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      recording.httpRequests.push(request);
      const { status, contentType, body } = typeof recording.answer === 'function' ? recording.answer(request) : recording.answer;
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });

  // ws picks the client's first requested subprotocol (graphql-transport-ws) by default.
  const wss = new nodeWs.WebSocketServer({ server, path: '/graphql' });
  wss.on('connection', (socket: WebSocket) => {
    recording.socketClosed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    const send = (message: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
    const payloads = new Map<string | undefined, SubscribePayload>();
    socket.on('message', (raw: RawData) => {
      const message = JSON.parse(raw.toString()) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_init') {
        recording.connectionInitPayloads.push(message.payload);
        const refusal = recording.onConnectionInit(message.payload);
        if (refusal) socket.close(refusal.code, refusal.reason);
        else send({ type: 'connection_ack' });
      } else if (message.type === 'subscribe') {
        const payload = message.payload as SubscribePayload;
        recording.subscribePayloads.push(payload);
        const id = message.id;
        payloads.set(id, payload);
        recording.onSubscribe({
          payload,
          next: (result) => send({ id, type: 'next', payload: result }),
          error: (errors) => send({ id, type: 'error', payload: errors }),
          complete: () => send({ id, type: 'complete' }),
        });
      } else if (message.type === 'complete') {
        const payload = payloads.get(message.id);
        if (payload) recording.completedByClient.push(payload);
      } else if (message.type === 'ping') {
        send({ type: 'pong' });
      }
    });
  });

  const recording: GraphqlTestServer = {
    get origin() {
      return origin;
    },
    get url() {
      return `${origin}/graphql`;
    },
    httpRequests: [],
    get httpAuthorization() {
      return recording.httpRequests.map((request) => request.headers.authorization);
    },
    answer: PONG,
    onConnectionInit: () => undefined,
    onSubscribe: answerHello,
    connectionInitPayloads: [],
    socketClosed: [],
    subscribePayloads: [],
    completedByClient: [],
    dropAllSockets() {
      for (const socket of wss.clients) socket.terminate();
    },
    closeAllSockets(code, reason) {
      for (const socket of wss.clients) socket.close(code, reason);
    },
    reset() {
      recording.httpRequests.length = 0;
      recording.answer = PONG;
      recording.onConnectionInit = () => undefined;
      recording.onSubscribe = answerHello;
      recording.connectionInitPayloads.length = 0;
      recording.socketClosed.length = 0;
      recording.subscribePayloads.length = 0;
      recording.completedByClient.length = 0;
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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

/**
 * A test server for the tests of the calling file (or describe block): it listens before them,
 * with `ws` as the global WebSocket, is reset before each (then `prepare`d) and closed after them.
 */
export function useGraphqlTestServer(prepare?: (server: GraphqlTestServer) => void): GraphqlTestServer {
  const server = createGraphqlTestServer();
  let restoreWebSocket = () => {};
  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
    restoreWebSocket();
  });
  beforeEach(() => {
    server.reset();
    prepare?.(server);
  });
  return server;
}
