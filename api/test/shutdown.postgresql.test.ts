import { randomBytes, randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiProcess, type ApiProcess } from './api-process';
import { CHAT_EVENTS, SEND, START_CHAT } from './chat-fixtures';
import { createPostgresDatabase } from './harness';
import { startRedisProcess, type RedisProcess } from './redis-process';

// Two API processes on one PostgreSQL database and one Redis, as behind a load balancer; A gets SIGTERM under load.
const GRACE_SECONDS = 10;
const VISITORS = 4;
const BEFORE = 5; // messages each visitor has acknowledged by A before the SIGTERM
const AFTER = 5; // and by B after A is gone

let redis: RedisProcess;
let database: { url: string; drop(): Promise<void> };
let a: ApiProcess;
let b: ApiProcess;
const adminEmail = `admin-${randomBytes(4).toString('hex')}@example.com`;
const adminPassword = `pw-${randomBytes(8).toString('hex')}`;

async function gql(base: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

beforeAll(async () => {
  redis = await startRedisProcess();
  database = await createPostgresDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
    SEND_MESSAGE_LIMIT_PER_VISITOR: '100000',
    SEND_MESSAGE_LIMIT_PER_IP: '100000',
    START_CHAT_LIMIT_PER_IP: '1000',
  };
  // One after the other: both would apply migrations to the same database.
  a = await startApiProcess(env);
  b = await startApiProcess(env);
});

afterAll(async () => {
  await a?.kill();
  await b?.kill();
  await redis?.kill();
  await database?.drop();
});

interface Follower {
  bodies: Set<string>;
  bodiesOnB: Set<string>;
  lastCursor: number;
  closeCodes: number[];
  resumed: boolean;
  client: Client;
}

/** A visitor's socket that follows the chat and, when its instance goes away, subscribes again on the other from the last cursor seen. */
function follow(sessionId: string, visitorToken: string): Follower {
  const follower = { bodies: new Set<string>(), bodiesOnB: new Set<string>(), lastCursor: 0, closeCodes: [] as number[], resumed: false } as Follower;
  const connect = (base: string, onB: boolean) => {
    const client = createClient({
      url: `${base.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${visitorToken}` },
      retryAttempts: 0,
      on: {
        closed: (event) => {
          const code = (event as { code: number }).code;
          if (onB) return;
          follower.closeCodes.push(code);
          if (code === 1001 && !follower.resumed) {
            follower.resumed = true;
            connect(b.url, true);
          }
        },
      },
    });
    follower.client = client;
    client.subscribe<any>(
      { query: CHAT_EVENTS, variables: { id: sessionId, after: follower.lastCursor } },
      {
        next: ({ data }) => {
          const event = data?.chatEvents;
          if (!event) return;
          if (event.cursor) follower.lastCursor = Math.max(follower.lastCursor, event.cursor);
          if (event.message?.body) {
            follower.bodies.add(event.message.body);
            if (onB) follower.bodiesOnB.add(event.message.body);
          }
        },
        error: () => {},
        complete: () => {},
      },
    );
  };
  connect(a.url, false);
  return follower;
}

describe('SIGTERM under load', () => {
  it('loses no acknowledged message, closes sockets with 1001 so clients resume on the other instance, and exits 0 within the grace', async () => {
    const login = await gql(b.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: adminEmail, p: adminPassword });
    const agentToken: string = login.body.data.login.token;
    const channel = await gql(
      b.url,
      `mutation($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
      { input: { name: 'Drain', prechatRequiredFields: [] } },
      agentToken,
    );
    const channelId: string = channel.body.data.createChannel.id;
    const present = await gql(b.url, `mutation { setPresence(presence: PRESENT) { id } }`, {}, agentToken);
    await gql(
      b.url,
      `mutation($a: ID!, $c: ID!) { setChannelMember(agentId: $a, channelId: $c, flags: { canRespond: true }) { canRespond } }`,
      { a: present.body.data.setPresence.id, c: channelId },
      agentToken,
    );

    const visitors = await Promise.all(
      Array.from({ length: VISITORS }, async (_, i) => {
        const started = await gql(b.url, START_CHAT, { input: { channelId, message: `visitor ${i} arrives` } });
        expect(started.body.errors).toBeUndefined();
        const sessionId: string = started.body.data.startChat.session.id;
        const visitorToken: string = started.body.data.startChat.visitorToken;
        return {
          i,
          sessionId,
          visitorToken,
          follower: follow(sessionId, visitorToken),
          acked: [] as { id: string; body: string; via: 'A' | 'B' }[],
          refusedByA: 0,
        };
      }),
    );

    let terminated: Promise<{ code: number | null; ms: number }> | null = null;
    const aGone = () => a.child.exitCode !== null || a.child.signalCode !== null;

    // Each visitor sends continuously to A; whatever A refuses or cannot answer is sent again, same clientMessageId, to B.
    const load = visitors.map(async (visitor) => {
      let target: 'A' | 'B' = 'A';
      for (let n = 0; ; n += 1) {
        if (visitor.acked.filter((m) => m.via === 'B').length >= AFTER && aGone()) return;
        const body = `v${visitor.i} #${n} ${randomUUID()}`;
        const input = { sessionId: visitor.sessionId, body, clientMessageId: randomUUID() };
        for (;;) {
          const result = await gql(target === 'A' ? a.url : b.url, SEND, { input }, visitor.visitorToken).catch(
            (error: Error) => ({ status: 0, body: { error } }) as const,
          );
          const sent = 'data' in result.body ? result.body.data?.sendMessage : undefined;
          if (sent) {
            visitor.acked.push({ id: sent.id, body, via: target });
            break;
          }
          if (target === 'B') throw new Error(`B refused a message: ${JSON.stringify(result)}`);
          if ('errors' in result.body) expect(result).toMatchObject({ status: 503, body: { errors: [{ extensions: { code: 'SHUTTING_DOWN' } }] } });
          visitor.refusedByA += 1;
          target = 'B';
        }
        if (!terminated && visitors.every((v) => v.acked.filter((m) => m.via === 'A').length >= BEFORE)) terminated = a.terminate();
      }
    });
    await Promise.all(load);
    const exit = await terminated!;

    // A exits 0 (the force-exit after the grace would be 1), well within the grace.
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(GRACE_SECONDS * 1000);

    const acked = visitors.flatMap((v) => v.acked);
    expect(acked.filter((m) => m.via === 'A').length).toBeGreaterThanOrEqual(VISITORS * BEFORE);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; body: string }>('SELECT id, body FROM "Message" WHERE id = ANY($1::uuid[])', [acked.map((m) => m.id)]);
      expect(new Map(rows.map((r) => [r.id, r.body]))).toEqual(new Map(acked.map((m) => [m.id, m.body])));
    } finally {
      await client.end();
    }

    for (const visitor of visitors) {
      const { follower } = visitor;
      expect(follower.closeCodes).toEqual([1001]);
      expect(follower.resumed).toBe(true);
      // Resumed on B from the last cursor: every acknowledged message reaches the visitor, the later ones through B.
      const afterShutdown = visitor.acked.filter((m) => m.via === 'B').map((m) => m.body);
      await expect.poll(() => afterShutdown.every((body) => follower.bodiesOnB.has(body)), { timeout: 10_000 }).toBe(true);
      expect(visitor.acked.map((m) => m.body).filter((body) => !follower.bodies.has(body))).toEqual([]);
      await follower.client.dispose();
    }
    // A's last words: drained and shut down, as JSON.
    expect(a.output()).not.toContain('grace period ran out');
  });
});
