import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { START_CHAT, channelWithAgents } from './chat-fixtures';
import { pngBytes } from './file-fixtures';
import { startTestApp, tempDir, type TestApp } from './harness';

/** A CSP header as a map of directive name → its sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  expect(header, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

const sha256Source = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const inlineStyle = (html: string) => html.match(/<style>([\s\S]*?)<\/style>/)?.[1];

/** GET with a Host header of our choosing (fetch does not let a caller set one). */
function getWithHost(url: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject).end();
  });
}

describe('security headers', () => {
  let app: TestApp;
  let staticRoot: { dir: string; remove(): Promise<void> };
  let host: string;
  beforeAll(async () => {
    // A stand-in console build keeps this test independent of `pnpm build`.
    staticRoot = await tempDir('lc-static-');
    await mkdir(path.join(staticRoot.dir, 'console/dist/assets'), { recursive: true });
    await writeFile(path.join(staticRoot.dir, 'console/dist/index.html'), '<!doctype html><script type="module" src="/console/assets/app.js"></script>');
    await writeFile(path.join(staticRoot.dir, 'console/dist/assets/app.js'), 'console.log(1)');
    await mkdir(path.join(staticRoot.dir, 'widget/dist'), { recursive: true });
    await writeFile(path.join(staticRoot.dir, 'widget/dist/widget.js'), '/* widget */');
    app = await startTestApp({ staticRoot: staticRoot.dir, publicUrl: 'https://chat.example.com' });
    host = new URL(app.url).host;
  });
  afterAll(async () => {
    await app?.stop();
    await staticRoot?.remove();
  });

  it('gives the console a strict CSP: scripts and styles from this origin only, its WebSocket spelled out, no framing', async () => {
    for (const pathname of ['/console/', '/console/chats/123', '/console/assets/app.js']) {
      const response = await fetch(`${app.url}${pathname}`);
      expect(response.status, pathname).toBe(200);
      const csp = parseCsp(response.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      // 'self' does not cover ws: in every browser: the socket's origin as this request reached it, and PUBLIC_URL's.
      expect(csp.get('connect-src')).toEqual(
        expect.arrayContaining(["'self'", `ws://${host}`, `wss://${host}`, 'https://chat.example.com', 'wss://chat.example.com']),
      );
      // Attachments (this origin), agent photos and channel logos (any http(s) URL), previews of uploads (blob:).
      expect(csp.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'blob:', 'https:']));
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const root = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(root.headers.get('x-frame-options')).toBe('DENY');
  });

  it('keeps a forged Host header out of the policy', async () => {
    const forged = await getWithHost(`${app.url}/console/`, "evil.example; script-src * 'unsafe-inline'");
    expect(forged.status).toBe(200);
    const csp = parseCsp(forged.headers['content-security-policy'] as string);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect([...csp.values()].flat().join(' ')).not.toContain('evil.example');
  });

  it('gives the demo page the strict policy a host page can use with the widget: its one inline style by hash, nothing inline for the widget', async () => {
    await app.services.prisma.channel.create({ data: { name: `Demo ${randomUUID().slice(0, 6)}` } });
    const response = await fetch(`${app.url}/demo`);
    expect(response.status).toBe(200);
    const style = inlineStyle(await response.text());
    const csp = parseCsp(response.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual([sha256Source(style!)]);
    expect(csp.get('connect-src')).toEqual(expect.arrayContaining(["'self'", `ws://${host}`, `wss://${host}`]));
    expect(csp.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'blob:', 'https:']));
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('keeps the FAQ page script-free and frameable, its style allowed by hash', async () => {
    const entry = await app.services.prisma.faqEntry.create({ data: { published: true, question: 'Headers?', answer: 'Yes.' } });
    for (const pathname of [`/faq/${entry.id}`, '/faq/not-an-entry']) {
      const response = await fetch(`${app.url}${pathname}`);
      const csp = parseCsp(response.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('style-src')).toEqual([sha256Source(inlineStyle(await response.text())!)]);
      expect(csp.get('img-src')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(['*']);
      expect(csp.has('script-src')).toBe(false);
      expect(response.headers.get('x-frame-options')).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('sends nosniff, no-referrer and no framing on /graphql, /health, widget.js and 404s', async () => {
    const responses = {
      graphql: await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
      health: await fetch(`${app.url}/health`),
      widget: await fetch(`${app.url}/widget.js`),
      missing: await fetch(`${app.url}/nope`),
      missingAsset: await fetch(`${app.url}/console/assets/nope.js`),
    };
    for (const [name, response] of Object.entries(responses)) {
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(response.headers.get('x-frame-options'), name).toBe('DENY');
    }
    expect(responses.missing.status).toBe(404);
    expect(parseCsp(responses.missing.headers.get('content-security-policy')).get('default-src')).toEqual(["'none'"]);
    // widget.js must stay loadable from any site: no Cross-Origin-Resource-Policy that would block it.
    expect(responses.widget.headers.get('cross-origin-resource-policy')).toBeNull();
  });
});

describe('CORS on /graphql', () => {
  let app: TestApp;
  let channelId: string;
  const trusted = 'https://crm.example.com';
  beforeAll(async () => {
    app = await startTestApp({ corsOrigins: [trusted] });
    channelId = (await channelWithAgents(app, { a: { canRespond: true } })).channel.id;
  });
  afterAll(() => app?.stop());

  const preflight = (origin: string) =>
    fetch(`${app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
  const startChatFrom = (origin: string) =>
    fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ query: START_CHAT, variables: { input: { channelId, message: 'Hello from another site' } } }),
    });

  it('lets any website use the widget’s public operations, without credentials', async () => {
    for (const origin of ['https://shop.example.net', 'http://localhost:8080']) {
      const allowed = await preflight(origin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      expect(Number(allowed.headers.get('access-control-max-age'))).toBeGreaterThan(0);

      const response = await startChatFrom(origin);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/origin/i);
      const body = await response.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.startChat.visitorToken).toBeTruthy();
    }
  });

  it('gives the `null` origin (sandboxed frames, file: pages) no credentials', async () => {
    for (const response of [await preflight('null'), await startChatFrom('null')]) expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows credentials only for a CORS_ORIGINS origin', async () => {
    for (const response of [await preflight(trusted), await startChatFrom(trusted)]) {
      expect(response.headers.get('access-control-allow-origin')).toBe(trusted);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('vary')).toMatch(/origin/i);
    }
    // Same host, other scheme or port: another origin.
    for (const origin of ['http://crm.example.com', 'https://crm.example.com:8443'])
      expect((await preflight(origin)).headers.get('access-control-allow-credentials'), origin).toBeNull();
  });
});

describe('CSRF prevention on /graphql', () => {
  let app: TestApp;
  let channelId: string;
  beforeAll(async () => {
    app = await startTestApp();
    channelId = (await channelWithAgents(app, { a: { canRespond: true } })).channel.id;
  });
  afterAll(() => app?.stop());

  const startChatVariables = () => JSON.stringify({ input: { channelId, message: 'Sent by a form on another site' } });
  const sessions = () => app.services.prisma.chatSession.count();

  async function expectRefused(response: Response) {
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code: 'CSRF_HEADER_REQUIRED' });
    expect(body.errors[0].message).toContain('x-graphql-yoga-csrf');
  }

  it('refuses a cross-site form-encoded POST of startChat, and creates nothing', async () => {
    const before = await sessions();
    const form = new URLSearchParams({ query: START_CHAT, variables: startChatVariables() });
    await expectRefused(
      await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }),
    );
    expect(await sessions()).toBe(before);
  });

  it('refuses a cross-site multipart POST of startChat, and creates nothing', async () => {
    const before = await sessions();
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: START_CHAT, variables: JSON.parse(startChatVariables()) }));
    form.set('map', '{}');
    await expectRefused(await fetch(`${app.url}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: form }));
    const plain = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: START_CHAT, variables: JSON.parse(startChatVariables()) }),
    });
    expect(plain.status).toBeGreaterThanOrEqual(400);
    expect(plain.status).toBeLessThan(500);
    expect(await sessions()).toBe(before);
  });

  it('runs a multipart upload that carries the header, as the widget and the console send it', async () => {
    const started = await app.gql(START_CHAT, { input: { channelId, message: 'A file follows' } });
    const { visitorToken, session } = started.data.startChat;
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({
        query: `mutation($s: ID!, $f: File!, $c: String!) { sendAttachment(sessionId: $s, file: $f, clientMessageId: $c) { attachments { fileName } } }`,
        variables: { s: session.id, f: null, c: randomUUID() },
      }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.f'] }));
    form.set('0', new File([new Uint8Array(pngBytes(4, 4))], 'dot.png', { type: 'image/png' }));
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitorToken}`, 'x-graphql-yoga-csrf': '1' },
      body: form,
    });
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.sendAttachment.attachments).toEqual([{ fileName: 'dot.png' }]);
  });

  it('needs the header on GET queries; JSON POSTs need none (GraphQL over HTTP)', async () => {
    const query = new URLSearchParams({ query: `query($id: ID!) { widgetChannel(channelId: $id) { id } }`, variables: JSON.stringify({ id: channelId }) });
    await expectRefused(await fetch(`${app.url}/graphql?${query}`, { headers: { accept: 'application/graphql-response+json' } }));
    const withHeader = await fetch(`${app.url}/graphql?${query}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).data.widgetChannel.id).toBe(channelId);

    const json = await app.gql(`query($id: ID!) { widgetChannel(channelId: $id) { id } }`, { id: channelId }, null, {
      accept: 'application/graphql-response+json',
    });
    expect(json.status).toBe(200);
    expect(json.data.widgetChannel.id).toBe(channelId);
  });
});
