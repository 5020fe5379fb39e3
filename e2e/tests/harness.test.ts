import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startApiServer, type ApiServer } from '../support/api-server';
import { docsImagesDir, launchChromium, newTestPage, updateDocsScreenshot } from '../support/browser';
import { ApiVisitor, gql, login, wsClient, record } from '../support/graphql';
import type { Browser } from 'playwright-core';

// The harness itself: a real API child process that keeps its port and data across a restart,
// a visitor over the public API, and Chromium loading the console from the API's port.
describe('e2e harness', () => {
  let server: ApiServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('serves the console to Chromium from the API port', async () => {
    const { page, close } = await newTestPage(browser);
    await page.goto(`${server.url}/console/`);
    expect(await page.title()).toBe('Live Chat Console');
    await close();
  });

  it('keeps port, data and live subscriptions across a restart', async () => {
    const admin = await login(server.url, server.adminEmail, server.adminPassword);
    const { channels } = await gql<{ channels: { id: string; name: string }[] }>(server.url, `{ channels { id name } }`, {}, admin.token);
    expect(channels.map((c) => c.name)).toEqual(['Sales', 'Technical support']);
    const channelId = channels.find((c) => c.name === 'Technical support')!.id;
    await gql(server.url, `mutation { setPresence(presence: PRESENT) { id } }`, {}, admin.token);

    const visitor = await ApiVisitor.start(server.url, { channelId, message: 'Before the restart', name: 'Vera Visitor', email: 'vera@example.com' });
    await visitor.waitForMessage('Before the restart', 'VISITOR');
    const port = server.port;

    await server.restart();
    expect(server.port).toBe(port);
    // The session token survives (it lives in the database), and so does the chat.
    await visitor.send('After the restart');
    await visitor.waitForMessage('After the restart', 'VISITOR');
    expect(visitor.receivedBodies('VISITOR')).toEqual(['Before the restart', 'After the restart']);

    const agentSocket = wsClient(server.url, admin.token);
    const badges = record<{ agentEvents: { badges: { incoming: number } } }>(agentSocket, `subscription { agentEvents { badges { incoming } } }`);
    await badges.waitFor((v) => v.agentEvents.badges.incoming === 1);
    badges.stop();
    await agentSocket.dispose();
    await visitor.close();
  });

  it('gives the console, the demo page and a FAQ page an icon that loads, with no error in the browser console', async () => {
    const admin = await login(server.url, server.adminEmail, server.adminPassword);
    const { faqEntries } = await gql<{ faqEntries: { edges: { node: { pageUrl: string } }[] } }>(
      server.url,
      `{ faqEntries(published: true, first: 1) { edges { node { pageUrl } } } }`,
      {},
      admin.token,
    );
    const { page, errors, close } = await newTestPage(browser);
    for (const url of [`${server.url}/console/`, `${server.url}/demo/`, faqEntries.edges[0]!.node.pageUrl]) {
      await page.goto(url);
      // Loaded as an image by the page itself, so its Content-Security-Policy has a say too.
      const icon = await page.evaluate(async () => {
        const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
        if (!link) return null;
        const image = new Image();
        const loaded = await new Promise<boolean>((resolve) => {
          image.onload = () => resolve(image.naturalWidth > 0);
          image.onerror = () => resolve(false);
          image.src = link.href;
        });
        return { href: link.href, loaded };
      });
      expect(icon, url).toMatchObject({ loaded: true });
      const response = await fetch(icon!.href);
      expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    }
    // What a browser asks for when a page names no icon (GraphiQL, the JSON of /health).
    const fallback = await fetch(`${server.url}/favicon.ico`);
    expect([fallback.status, fallback.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(errors).toEqual([]);
    await close();
  });
});

// Screenshots shown in the README are refreshed only on request; a plain run leaves the tree clean.
describe('docs screenshots', () => {
  let dir: string;
  let artifact: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docs-screenshots-'));
    artifact = path.join(dir, 'artifact.png');
    await writeFile(artifact, Buffer.from('not really a png'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are not written without UPDATE_DOCS_SCREENSHOTS=1', async () => {
    const docs = path.join(dir, 'untouched');
    for (const env of [{}, { UPDATE_DOCS_SCREENSHOTS: '' }, { UPDATE_DOCS_SCREENSHOTS: '0' }])
      expect(await updateDocsScreenshot(artifact, 'console-chats.png', { env, dir: docs })).toBeNull();
    expect(existsSync(docs)).toBe(false);
  });

  it('copy the artifact into the docs folder with UPDATE_DOCS_SCREENSHOTS=1', async () => {
    const docs = path.join(dir, 'images');
    const written = await updateDocsScreenshot(artifact, 'console-chats.png', { env: { UPDATE_DOCS_SCREENSHOTS: '1' }, dir: docs });
    expect(written).toBe(path.join(docs, 'console-chats.png'));
    expect(await readFile(written!, 'utf8')).toBe('not really a png');
  });

  it('go to docs/images by default', () => {
    expect(path.relative(repoRoot, docsImagesDir)).toBe(path.join('docs', 'images'));
  });
});
