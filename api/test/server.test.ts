import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedOnFirstStart } from '../src/server/seed';
import { redisUrl, startTestApp, tempDir, testEngine, type TestApp } from './harness';

describe('HTTP surface', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('reports database and pub/sub health', async () => {
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      status: 'ok',
      database: { ok: true, engine: testEngine },
      pubsub: { ok: true, kind: 'memory', status: 'ready' },
    });
    expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers a malformed GraphQL document with a standard GraphQL error, not a 500', async () => {
    // GraphQL over HTTP: 400 for clients accepting application/graphql-response+json,
    // 200 with errors for legacy application/json clients.
    const modern = { accept: 'application/graphql-response+json' };
    const syntax = await app.gql('{ viewer { kind ', {}, null, modern);
    expect(syntax.status).toBe(400);
    expect(syntax.errors?.[0]?.message).toMatch(/Syntax Error/);
    const legacy = await app.gql('{ viewer { kind ', {}, null, { accept: 'application/json' });
    expect(legacy.status).toBe(200);
    expect(legacy.errors?.[0]?.message).toMatch(/Syntax Error/);

    const unknownField = await app.gql('{ noSuchField }', {}, null, modern);
    expect(unknownField.status).toBe(400);
    expect(unknownField.errors?.[0]?.message).toMatch(/Cannot query field "noSuchField"/);

    const notJson = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).errors[0].message).toBeTruthy();

    const empty = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...modern }, body: '{}' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors[0].message).toMatch(/query/i);
  });

  it('never leaks internals in errors', async () => {
    const result = await app.gql(`query($id: ID!) { chatSession(id: $id) { id } }`, { id: '\'; DROP TABLE "Agent"; --' }, null);
    // Not a UUID, so it names nothing: NOT_FOUND at the edge, before authorization or the database.
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(result)).not.toMatch(/stack|prisma|node_modules/i);
    expect(await app.services.prisma.agent.count()).toBeGreaterThanOrEqual(0);
  });

  it('redirects / to the console and 404s unknown paths', async () => {
    const root = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    expect((await fetch(`${app.url}/nope`)).status).toBe(404);
    expect((await fetch(`${app.url}/console/../../package.json`)).status).not.toBe(200);
  });

  it('serves a widget demo page listing the channels', async () => {
    const channel = await app.services.prisma.channel.create({ data: { name: 'Demo <Sales>' } });
    const page = await fetch(`${app.url}/demo/${channel.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-channel="${channel.id}"`);
    expect(html).toContain('Demo &lt;Sales&gt;');
    expect(html).not.toContain('Demo <Sales>');
  });
});

describe('the site icon', () => {
  let app: TestApp;
  let staticRoot: { dir: string; remove(): Promise<void> };
  const icon = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>';
  beforeAll(async () => {
    // The icon ships with the built console; a stand-in build keeps this test independent of `pnpm build`.
    staticRoot = await tempDir('lc-static-');
    await mkdir(path.join(staticRoot.dir, 'console/dist'), { recursive: true });
    await writeFile(path.join(staticRoot.dir, 'console/dist/favicon.svg'), icon);
    app = await startTestApp({ staticRoot: staticRoot.dir });
  });
  afterAll(async () => {
    await app?.stop();
    await staticRoot?.remove();
  });

  it('is served at /favicon.ico and /favicon.svg (browsers ask for the first on every page without a link)', async () => {
    for (const pathname of ['/favicon.ico', '/favicon.svg', '/console/favicon.svg']) {
      const response = await fetch(`${app.url}${pathname}`);
      expect(response.status, pathname).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(await response.text()).toBe(icon);
    }
  });

  it('is what the demo page and the FAQ pages link to, and the FAQ page’s policy lets it load', async () => {
    const channel = await app.services.prisma.channel.create({ data: { name: `Icon ${Date.now()}` } });
    const entry = await app.services.prisma.faqEntry.create({ data: { published: true, question: 'Icon?', answer: 'Yes.' } });
    for (const pathname of [`/demo/${channel.id}`, '/demo', `/faq/${entry.id}`, '/faq/not-an-entry']) {
      const page = await fetch(`${app.url}${pathname}`);
      const href = (await page.text()).match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)">/)?.[1];
      expect(href, pathname).toBe('/favicon.svg');
      expect((await fetch(new URL(href!, page.url))).status).toBe(200);
      if (pathname.startsWith('/faq/')) expect(page.headers.get('content-security-policy')).toContain("img-src 'self'");
    }
  });
});

describe('graceful shutdown', () => {
  it('closes open WebSockets with 1001 and frees the port', async () => {
    const app = await startTestApp();
    const socket = new WebSocket(`${app.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await app.stop();
    expect(await closed).toBe(1001);
    await expect(fetch(`${app.url}/health`)).rejects.toThrow();
  });
});

describe('first-start seed', () => {
  async function seededApp(env: { adminEmail?: string; adminPassword?: string }, engine: 'pglite' | 'postgresql') {
    const logs: string[] = [];
    const app = await startTestApp({ log: (line) => logs.push(line) });
    await seedOnFirstStart(app.services, { engine, ...env, demoContent: true, log: (line) => logs.push(line) });
    return { app, logs };
  }

  it('creates an admin with a generated password printed once, plus demo channels, templates and FAQ', async () => {
    const { app, logs } = await seededApp({}, 'pglite');
    try {
      const output = logs.join('\n');
      const password = /password: (\S+)/.exec(output)?.[1];
      expect(password).toBeTruthy();
      expect(password!.length).toBeGreaterThanOrEqual(20);
      const login = await app.gql(`mutation($p: String!) { login(email: "admin@example.com", password: $p) { token agent { role } } }`, { p: password });
      expect(login.data.login.agent.role).toBe('ADMIN');
      const channels = await app.gql(`{ channels { name } }`, {}, login.data.login.token);
      expect(channels.data.channels.map((c: { name: string }) => c.name)).toEqual(['Sales', 'Technical support']);
      expect(await app.services.prisma.replyTemplate.count()).toBeGreaterThanOrEqual(3);
      expect(await app.services.prisma.faqEntry.count({ where: { published: true } })).toBeGreaterThanOrEqual(3);

      // A second start prints nothing new and creates nothing.
      const before = logs.length;
      await seedOnFirstStart(app.services, { engine: 'pglite', demoContent: true, log: (line) => logs.push(line) });
      expect(logs.length).toBe(before);
      expect(await app.services.prisma.agent.count()).toBe(1);
    } finally {
      await app.stop();
    }
  });

  it('uses ADMIN_EMAIL and ADMIN_PASSWORD when given, and never prints the password', async () => {
    const { app, logs } = await seededApp({ adminEmail: 'ops@example.com', adminPassword: 'from-the-environment' }, testEngine);
    try {
      expect(logs.join('\n')).not.toContain('from-the-environment');
      const login = await app.gql(`mutation { login(email: "ops@example.com", password: "from-the-environment") { agent { role } } }`);
      expect(login.data.login.agent.role).toBe('ADMIN');
    } finally {
      await app.stop();
    }
  });

  it('on PostgreSQL without ADMIN_* creates no admin and says how to', async () => {
    const { app, logs } = await seededApp({}, 'postgresql');
    try {
      expect(await app.services.prisma.agent.count()).toBe(0);
      expect(logs.join('\n')).toMatch(/ADMIN_EMAIL and ADMIN_PASSWORD/);
    } finally {
      await app.stop();
    }
  });
});

describe('with REDIS_URL', () => {
  it('runs pub/sub through Redis and reports it in /health', async () => {
    const app = await startTestApp({ redisUrl });
    try {
      await expect.poll(async () => (await fetch(`${app.url}/health`)).status).toBe(200);
      const body = await (await fetch(`${app.url}/health`)).json();
      expect(body.pubsub).toEqual({ ok: true, kind: 'redis', status: 'ready' });
    } finally {
      await app.stop();
    }
  });

  it('reports degraded when Redis is unreachable', async () => {
    const app = await startTestApp({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      const response = await fetch(`${app.url}/health`);
      expect(response.status).toBe(503);
      expect((await response.json()).pubsub.ok).toBe(false);
    } finally {
      await app.stop();
    }
  });
});
