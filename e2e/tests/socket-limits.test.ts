import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage } from '../support/browser';
import { createChannelAgents, expectText, openConsole } from '../support/console';
import { gql, login } from '../support/graphql';
import { widgetOn } from '../support/widget';

// Past WS_MAX_CONNECTIONS_PER_IP the API closes a new socket with 4290. The console and the widget
// say why live updates stopped, and wait before they try again instead of reconnecting in a loop.
describe('sockets past the per-address cap', () => {
  let server: ApiServer;
  let browser: Browser;
  const held: WebSocket[] = [];

  /** Takes every socket slot of 127.0.0.1 (the cap is 2 here), as other tabs on the same network would. */
  async function holdAllSlots() {
    while (held.length < 2) {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      // Acknowledged sockets stay open (one that never initialises is closed after 3 s).
      socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await new Promise((resolve) => socket.once('message', resolve));
      held.push(socket);
    }
  }
  async function releaseSlots() {
    await Promise.all(
      held.splice(0).map((socket) => socket.readyState === WebSocket.CLOSED || new Promise((resolve) => socket.once('close', resolve).close(1000))),
    );
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiServer({ env: { WS_MAX_CONNECTIONS_PER_IP: '2' } }), launchChromium()]);
  });
  afterAll(async () => {
    await releaseSlots();
    await browser?.close();
    await server?.dispose();
  });

  it('the console shows that live updates are paused, backs off, and comes back once there is room', async () => {
    const setup = await createChannelAgents(server, 'Technical support', [{ key: 'lena', name: 'Lena Limited', flags: { canRespond: true } }]);
    await holdAllSlots();
    const { page, close } = await openConsole(browser, server, setup.agents.lena!, { fakeClock: true });
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    const banner = page.locator('.connection-banner');
    await expectText(banner, /Live updates paused.*too many connections or requests from your network/s);
    // A plain loss is retried within about a second; a limited socket waits at least 22 s.
    const attempts = sockets.length;
    await page.clock.runFor(10_000);
    expect(sockets.length).toBe(attempts);

    await releaseSlots();
    await page.clock.runFor(130_000);
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(0);
    expect(sockets.length).toBeGreaterThan(attempts);
    await close();
  });

  it('the widget says to try again shortly (English here; Norwegian from the same strings)', async () => {
    const setup = await createChannelAgents(server, 'Technical support', [{ key: 'wendy', name: 'Wendy Waiting', flags: { canRespond: true } }]);
    // Someone present, so the widget starts a chat rather than showing the offline form.
    const wendy = await login(server.url, setup.agents.wendy!.email, setup.agents.wendy!.password);
    await gql(server.url, `mutation { setPresence(presence: PRESENT) { presence } }`, {}, wendy.token);
    const { page, close } = await newTestPage(browser);
    await page.goto(`${server.url}/demo/${setup.channelId}`);
    const widget = widgetOn(page);
    await widget.open();
    await holdAllSlots();
    for (const [label, value] of [
      [/^Name/, 'Vic Visitor'],
      [/^Email/, 'vic@example.com'],
      [/^How can we help/, 'Is anyone there?'],
    ] as const) {
      const field = widget.field(label);
      if (await field.count()) await field.fill(value);
    }
    await widget.button('Start chat').click();
    await widget.conversation();
    await expectText(widget.host.locator('.banner[role="status"]'), 'Too many attempts. Try again in 60 s.');
    await close();
  });
});
