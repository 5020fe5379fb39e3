// WORKERS=2: the real `src/main.ts` as a node:cluster, on the embedded default (pglite project) or
// PostgreSQL (postgresql project), without Redis: the workers talk through the primary.
// Which worker served a request or a socket is read from the workers' own log lines (each carries
// its worker id and the request id the client sent), so cross-worker delivery is proven, not assumed.
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { PrismaClient } from '../src/generated/prisma/client';
import { createDatabase, type Database } from '../src/platform/db/client';
import { startApiProcess, type ApiProcess } from './api-process';
import { CHAT_EVENTS, START_CHAT, SEND } from './chat-fixtures';
import { eventually } from './chat-stream-checks';
import { createPostgresDatabase, subscribe, tempDir, testEngine, type Subscription } from './harness';

const ADMIN = { email: 'admin@example.com', password: 'cluster-admin-password' };
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const AGENT_EVENTS = `subscription { agentEvents { reasons } }`;
const SOCKETS = 6;

let api: ApiProcess;
let database: Database;
let prisma: PrismaClient;
let cleanup: () => Promise<void>;
const clients: Client[] = [];

beforeAll(async () => {
  let env: Record<string, string>;
  let url: string;
  if (testEngine === 'postgresql') {
    const db = await createPostgresDatabase();
    env = { DATABASE_URL: db.url };
    url = db.url;
    cleanup = db.drop;
  } else {
    const dir = await tempDir('lc-cluster-');
    env = { DATA_DIR: dir.dir };
    // The primary's embedded database, reached as the workers reach it: its owner-only Unix socket.
    url = `postgresql://postgres@localhost:5432/postgres?host=${encodeURIComponent(`${dir.dir}/.socket`)}`;
    cleanup = dir.remove;
  }
  api = await startApiProcess({
    ...env,
    WORKERS: '2',
    LOG_LEVEL: 'info',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SEED_DEMO: 'false',
  });
  database = createDatabase(url, { embedded: testEngine === 'pglite', poolSize: 2 });
  prisma = database.prisma;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await database?.close();
  await api?.kill();
  await cleanup?.();
});

type LogLine = { msg?: string; worker?: number; pid?: number; reqId?: string };
function logLines(): LogLine[] {
  return api.stdoutLines().flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** The worker whose log has a line for request `reqId` (an HTTP request or a WebSocket upgrade). */
async function workerOf(reqId: string): Promise<number> {
  let worker: number | undefined;
  await eventually(`a worker's log line for ${reqId}`, () => {
    worker = logLines().find((line) => line.reqId === reqId && line.worker !== undefined)?.worker;
    return worker !== undefined;
  });
  return worker!;
}

async function gql(query: string, variables: Record<string, unknown>, token?: string, reqId = randomUUID()) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': reqId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { reqId, body: (await response.json()) as { data?: any; errors?: unknown[] } };
}

/** A graphql-ws client whose upgrade request carries `reqId`, so the serving worker's log names it. */
function socket(authorization: string, reqId: string) {
  const WithRequestId = class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { 'x-request-id': reqId } });
    }
  };
  let closedWith: { code: number; reason: string } | null = null;
  const client = createClient({
    url: `${api.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WithRequestId,
    connectionParams: { authorization },
    retryAttempts: 0,
    lazy: true,
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      closedWith = { code, reason };
      resolve(closedWith);
    }),
  );
  clients.push(client);
  return { client, reqId, closed, closedWith: () => closedWith };
}

async function adminToken(): Promise<string> {
  const { body } = await gql(LOGIN, { e: ADMIN.email, p: ADMIN.password });
  expect(body.errors).toBeUndefined();
  return body.data.login.token;
}

describe(`WORKERS=2 on ${testEngine === 'pglite' ? 'the embedded database' : 'PostgreSQL'}, without Redis`, () => {
  it('starts two workers behind one port with the in-machine bus, migrating and seeding once, in the primary', async () => {
    const health = await fetch(`${api.url}/health`).then((response) => response.json());
    expect(health.pubsub).toEqual({ ok: true, kind: 'cluster', status: 'ready' });
    expect(health.database).toMatchObject({ ok: true, engine: testEngine });

    const lines = logLines();
    const started = lines.filter((line) => line.msg?.startsWith('worker listening on'));
    expect(new Set(started.map((line) => line.pid)).size).toBe(2);
    expect(new Set(started.map((line) => line.worker))).toEqual(new Set([1, 2]));

    const migrationLines = lines.filter((line) => /migration/.test(line.msg ?? ''));
    expect(migrationLines.filter((line) => line.msg === 'applied migration 20261124210525_init')).toHaveLength(1);
    // Workers neither migrate nor seed: every such line is the primary's (it has no worker field).
    expect(migrationLines.every((line) => line.worker === undefined)).toBe(true);
    const seeded = lines.filter((line) => line.msg?.startsWith('Created the first admin'));
    expect(seeded).toHaveLength(1);
    expect(seeded[0]!.worker).toBeUndefined();
    expect(await prisma.agent.count()).toBe(1);
  });

  it("delivers a visitor's message, sent to one worker over HTTP, to the chat's sockets on the other worker", async () => {
    const channel = await prisma.channel.create({ data: { name: `Cluster ${randomUUID().slice(0, 8)}`, prechatRequiredFields: [] } });
    // The seeded admin answers the channel, so it takes chats.
    const admin = await prisma.agent.update({ where: { email: ADMIN.email }, data: { presence: 'PRESENT' } });
    await prisma.channelMember.create({ data: { channelId: channel.id, agentId: admin.id, canRespond: true, canListenIn: false, isManager: false } });
    const start = await gql(START_CHAT, { input: { channelId: channel.id, message: 'Hello from the cluster' } });
    expect(start.body.errors).toBeUndefined();
    const { visitorToken } = start.body.data.startChat;
    const sessionId: string = start.body.data.startChat.session.id;

    // Round-robin spreads these over both workers; each is live (it has replayed the first message) before the send.
    const feeds: { reqId: string; feed: Subscription }[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const s = socket(`Bearer ${visitorToken}`, `chat-socket-${i}-${randomUUID()}`);
      feeds.push({ reqId: s.reqId, feed: subscribe(s.client, CHAT_EVENTS, { id: sessionId, after: 0 }) });
    }
    for (const { feed } of feeds) await feed.waitFor((e) => e.chatEvents.message?.body === 'Hello from the cluster');

    const sent = await gql(SEND, { input: { sessionId, body: 'Across workers', clientMessageId: randomUUID() } }, visitorToken);
    expect(sent.body.errors).toBeUndefined();
    const sender = await workerOf(sent.reqId);
    const elsewhere: typeof feeds = [];
    for (const entry of feeds) if ((await workerOf(entry.reqId)) !== sender) elsewhere.push(entry);
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeLessThan(SOCKETS);

    for (const { feed } of feeds) {
      const event = await feed.waitFor((e) => e.chatEvents.message?.body === 'Across workers');
      expect(event.chatEvents.message).toMatchObject({ authorKind: 'VISITOR', cursor: sent.body.data.sendMessage.cursor });
    }
  });

  it("closes the session's sockets on every worker at once when it is logged out", async () => {
    const token = await adminToken();
    const sockets = Array.from({ length: SOCKETS }, (_, i) => socket(`Bearer ${token}`, `agent-socket-${i}-${randomUUID()}`));
    for (const s of sockets) await subscribe(s.client, AGENT_EVENTS).waitFor((d) => d.agentEvents.reasons.includes('initial'));
    const workers = new Set(await Promise.all(sockets.map((s) => workerOf(s.reqId))));
    expect(workers).toEqual(new Set([1, 2]));

    // Another session of the same admin stays open.
    const other = socket(`Bearer ${await adminToken()}`, `other-${randomUUID()}`);
    await subscribe(other.client, AGENT_EVENTS).waitFor((d) => d.agentEvents.reasons.includes('initial'));

    const logout = await gql(`mutation { logout }`, {}, token);
    expect(logout.body.data?.logout).toBe(true);
    for (const s of sockets) expect((await s.closed).code).toBe(4401);
    expect(other.closedWith()).toBeNull();
  });

  it('starts a new worker when one dies, and drains every worker on SIGTERM to the primary', async () => {
    const before = logLines().filter((line) => line.msg?.startsWith('worker listening on'));
    const victim = before[0]!.pid!;
    process.kill(victim, 'SIGKILL');
    await eventually(
      'a replacement worker',
      () => logLines().filter((line) => line.msg?.startsWith('worker listening on')).length === before.length + 1,
      60_000,
    );
    expect(logLines().some((line) => line.msg === 'worker died; starting a new one' && line.pid === victim)).toBe(true);
    const health = await fetch(`${api.url}/health`).then((response) => response.json());
    expect(health.status).toBe('ok');

    const pids = logLines()
      .filter((line) => line.msg?.startsWith('worker listening on') && line.pid !== victim)
      .map((line) => line.pid!);
    const { code } = await api.terminate();
    expect(code).toBe(0);
    const workersShutDown = logLines().filter((line) => line.msg === 'shut down' && line.worker !== undefined);
    expect(new Set(workersShutDown.map((line) => line.pid))).toEqual(new Set(pids));
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
