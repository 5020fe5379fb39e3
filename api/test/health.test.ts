import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readMigrationsList, defaultMigrationsDir } from '../src/platform/db/migrate';
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildApp } from '../src/server/app';
import { configFromEnv } from '../src/platform/config';
import { createPostgresDatabase, startTestApp, subscribe, testEngine, type TestApp } from './harness';

let app: TestApp | null = null;
let shared: TestApp;
beforeAll(async () => {
  shared = await startTestApp();
});
afterAll(() => shared?.stop());
afterEach(async () => {
  await app?.stop();
  app = null;
});

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, any>, cacheControl: response.headers.get('cache-control') };
};

describe('health endpoints', () => {
  it('answers liveness without dependencies and readiness with the database, pub/sub and every migration', async () => {
    const app = shared;
    const shipped = (await readMigrationsList(defaultMigrationsDir)).migrationDirectories.length;
    expect(shipped).toBeGreaterThan(0);

    const live = await getJson(`${app.url}/health/live`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' }, cacheControl: 'no-store' });
    const ready = await getJson(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      database: { ok: true },
      pubsub: { ok: true },
      migrations: { ok: true, expected: shipped, applied: shipped },
    });
    expect(ready.body.reasons).toBeUndefined();
    expect((await getJson(`${app.url}/health`)).body).toMatchObject({ status: 'ok', database: { ok: true }, pubsub: { ok: true } });
  });

  // Runs after the test above on the same app: it marks a migration rolled back.
  it('is not ready while a migration of this build is missing from the database, and names it', async () => {
    const app = shared;
    const [latest] = await app.services.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
    await app.services.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${latest!.migration_name}`;

    const ready = await getJson(`${app.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not_ready',
      reasons: ['migrations not applied'],
      migrations: { ok: false, missing: [latest!.migration_name] },
    });
    expect((await getJson(`${app.url}/health/live`)).status).toBe(200);
    // /health reports what it always did: the database and pub/sub.
    expect((await getJson(`${app.url}/health`)).status).toBe(200);
  });

  it('is not ready, and /health is degraded, while pub/sub cannot be reached', async () => {
    // Nothing listens on port 1: the bus never becomes ready.
    app = await startTestApp({ redisUrl: 'redis://127.0.0.1:1' });
    const ready = await getJson(`${app.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual([expect.stringMatching(/^pub\/sub /)]);
    expect(ready.body).toMatchObject({ database: { ok: true }, migrations: { ok: true }, pubsub: { ok: false, kind: 'redis' } });
    expect((await getJson(`${app.url}/health`)).body.status).toBe('degraded');
    expect((await getJson(`${app.url}/health/live`)).status).toBe(200);
  });

  it('while draining: /health and /health/ready answer 503, new GraphQL work is refused, sockets close with 1001, the running request finishes', async () => {
    const database = testEngine === 'postgresql' ? await createPostgresDatabase() : null;
    const own = buildApp({ ...configFromEnv({}), databaseUrl: database?.url, dataDir: null, port: 0, host: '127.0.0.1', development: false, log: () => {} });
    try {
      const running = await own.start();
      const password = `pw-${randomUUID()}`;
      const agent = await running.services.agents.create({ email: `drain-${randomUUID()}@example.com`, password, name: 'Drain', role: 'AGENT' });
      const login = await fresh(
        running.url,
        'POST',
        JSON.stringify({
          query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
          variables: { e: agent.email, p: password },
        }),
      );
      const token: string = JSON.parse(login.text).data.login.token;

      const socket = createClient({
        url: `${running.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      const closed = new Promise<number>((resolve) => socket.on('closed', (event) => resolve((event as { code: number }).code)));
      const feed = subscribe(socket, `subscription { agentEvents { reasons } }`);
      await feed.waitFor((e) => e.agentEvents.reasons.includes('initial'));

      // A request in flight: its body arrives in two parts, the second after shutdown began.
      const body = JSON.stringify({ query: '{ me { id } }' });
      const inFlight = request(`${running.url}/graphql`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      });
      const response = new Promise<{ status: number; text: string; connection?: string }>((resolve, reject) => {
        inFlight.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, text, connection: res.headers.connection }));
        });
        inFlight.on('error', reject);
      });
      inFlight.flushHeaders();
      inFlight.write(body.slice(0, 5));
      // The server has the request once the health of a later connection is answered.
      expect((await fresh(running.url, 'GET', undefined, '/health')).status).toBe(200);

      let stopDone = false;
      const stopping = own.stop().then(() => (stopDone = true));

      const health = await fresh(running.url, 'GET', undefined, '/health');
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text).status).toBe('shutting_down');
      const ready = await fresh(running.url, 'GET', undefined, '/health/ready');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toMatchObject({ status: 'not_ready', reasons: ['shutting down'] });
      const refused = await fresh(running.url, 'POST', JSON.stringify({ query: '{ __typename }' }));
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('SHUTTING_DOWN');
      expect(await closed).toBe(1001);
      expect(stopDone).toBe(false);

      inFlight.end(body.slice(5));
      const finished = await response;
      expect(finished.status).toBe(200);
      expect(finished.connection).toBe('close');
      expect(JSON.parse(finished.text)).toEqual({ data: { me: { id: agent.id } } });
      await stopping;
      await socket.dispose();
    } finally {
      await own.stop();
      await database?.drop();
    }
  });
});

/** One request on a connection of its own (no pooled keep-alive connection the drain may have closed). */
function fresh(base: string, method: 'GET' | 'POST', body?: string, path = '/graphql'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method, agent: false, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
