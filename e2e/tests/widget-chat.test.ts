import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage, saveScreenshot } from '../support/browser';
import { ApiVisitor, gql, login, type AgentLogin } from '../support/graphql';
import { ApiAgent, createChannel, embedSnippet, hostPage, startHostSite, text, TINY_PNG, widgetOn, type HostSite } from '../support/widget';

// A visitor in Chromium and an agent over the API (HTTP + graphql-ws), chatting live.
describe('chatting in the widget', () => {
  let server: ApiServer;
  let browser: Browser;
  let site: HostSite;
  let admin: AgentLogin;

  beforeAll(async () => {
    [server, browser, site] = await Promise.all([startApiServer(), launchChromium(), startHostSite()]);
    admin = await login(server.url, server.adminEmail, server.adminPassword);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.dispose();
  });

  async function channelWithAgent(settings: Record<string, unknown> = {}, agentOptions: { nickname?: string; photo?: boolean } = {}) {
    const channel = await createChannel(server.url, admin.token, {
      prechatRequiredFields: ['NAME', 'EMAIL'],
      welcomeMessage: 'Welcome! How can I help?',
      queueMessage: 'Number {queuePosition} in line, about {averageWait}.',
      ...settings,
    });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id, {
      name: 'Annabelle Agentsen',
      nickname: agentOptions.nickname ?? 'Anna',
      photoUrl: agentOptions.photo === false ? undefined : `${site.url}/photo.png`,
    });
    return { channel, agent };
  }

  /** Opens the channel's demo page, fills the pre-chat form and starts the chat. */
  async function startChatInBrowser(page: Page, channelId: string, name: string, question: string) {
    await page.goto(`${server.url}/demo/${channelId}`);
    const widget = widgetOn(page);
    await widget.open();
    await widget.field(/^Name/).fill(name);
    await widget.field(/^Email/).fill(`${name.split(' ')[0]!.toLowerCase()}@example.com`);
    await widget.field(/^How can we help/).fill(question);
    await widget.button('Start chat').click();
    await widget.conversation();
    return widget;
  }

  it('carries messages, typing, read receipts, emojis, files and agent changes live both ways', async () => {
    const { channel, agent } = await channelWithAgent();
    const { page, errors, close } = await newTestPage(browser, { viewport: { width: 1100, height: 850 } });

    // Someone is already waiting: our visitor is second in line, then first once that chat is taken.
    const earlier = await ApiVisitor.start(server.url, { channelId: channel.id, message: 'First in line', name: 'Early Bird', email: 'early@example.com' });
    const widget = await startChatInBrowser(page, channel.id, 'Vera Visitor', 'My invoice looks wrong');
    const queue = widget.host.locator('.queue');
    await expect.poll(() => text(queue)).toBe('Number 2 in line, about \u2011\u2011:\u2011\u2011.');
    await agent.accept(earlier.sessionId);
    await expect.poll(() => text(queue)).toMatch(/^Number 1 in line, about /);

    const sessionId = await agent.queuedSessionOf('Vera Visitor');
    const events = agent.follow(sessionId);
    await agent.accept(sessionId);

    // The agent joins: a system line, the welcome message with the agent's nickname and photo, the header names them.
    await expect.poll(() => widget.rows()).toEqual(['My invoice looks wrong', 'Anna joined the chat', 'Welcome! How can I help?']);
    await queue.waitFor({ state: 'detached' });
    const welcome = widget.host.locator('.msg.theirs').first();
    expect(await text(welcome.locator('.who'))).toBe('Anna');
    expect(await welcome.locator('img.avatar').getAttribute('src')).toBe(`${site.url}/photo.png`);
    expect(await text(widget.host.locator('.sub'))).toBe('Anna');

    // Agent typing shows; the agent's message arrives with a time in the visitor's time zone.
    await agent.typing(sessionId, true);
    await expect.poll(() => text(widget.host.locator('.typing'))).toBe('Anna is typing…');
    const sent = await agent.send(sessionId, 'Let me check that for you: https://example.com/invoices');
    await expect.poll(() => text(widget.host.locator('.typing'))).toBe('');
    const agentMessage = widget.host.locator('.msg.theirs').last();
    await expect.poll(() => text(agentMessage.locator('.text'))).toBe('Let me check that for you: https://example.com/invoices');
    expect(await agentMessage.locator('.text a').getAttribute('href')).toBe('https://example.com/invoices');
    const time = agentMessage.locator('time');
    const shown = await time.evaluate((el) => ({ iso: el.getAttribute('datetime')!, text: el.textContent }));
    expect(shown.text).toBe(await page.evaluate((iso) => new Date(iso).toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' }), shown.iso));

    // The open widget reads what it shows: the agent gets the visitor's read receipt.
    await events.waitFor((e) => e.chatEvents.read?.by === 'VISITOR' && e.chatEvents.read.upToCursor >= sent.cursor);

    // Visitor typing reaches the agent; Enter sends; an emoji from the picker goes along.
    const composer = widget.field('Write a message');
    await composer.click();
    await page.keyboard.type('Thanks');
    await events.waitFor((e) => e.chatEvents.typing?.by === 'VISITOR' && e.chatEvents.typing.isTyping);
    await widget.button('Insert emoji').click();
    await widget.host.locator('.emojis').getByRole('button', { name: '👍' }).click();
    expect(await composer.inputValue()).toBe('Thanks👍');
    await page.keyboard.press('Enter');
    const visitorMessage = await events.waitFor((e) => e.chatEvents.message?.body === 'Thanks👍');
    await events.waitFor((e) => e.chatEvents.typing?.by === 'VISITOR' && !e.chatEvents.typing.isTyping);
    expect(visitorMessage.chatEvents.message!.authorKind).toBe('VISITOR');
    const mine = widget.host.locator('.msg.mine').last();
    await expect.poll(() => text(mine.locator('.text'))).toBe('Thanks👍');

    // The agent reads it: "Read" appears under the visitor's last message.
    await agent.markRead(sessionId, visitorMessage.chatEvents.message!.cursor);
    await expect.poll(() => text(mine.locator('.meta'))).toMatch(/ · Read$/);

    // An image and a text file: uploaded with progress, the image shown inline, both delivered to the agent.
    await widget.host.locator('input[type=file]').setInputFiles([
      { name: 'screenshot.png', mimeType: 'image/png', buffer: TINY_PNG },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Invoice 4711 shows the wrong VAT.\n') },
    ]);
    const image = await events.waitFor((e) => e.chatEvents.message?.attachments[0]?.fileName === 'screenshot.png');
    expect(image.chatEvents.message!.attachments[0]).toMatchObject({ contentType: 'image/png', isImage: true });
    await events.waitFor((e) => e.chatEvents.message?.attachments[0]?.fileName === 'notes.txt');
    const inline = widget.host.locator('.msg.mine img.image[src*="/attachments/"]');
    await inline.waitFor();
    await expect.poll(() => inline.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
    expect(await inline.getAttribute('src')).toMatch(new RegExp(`^${server.url}/attachments/`));
    await expect.poll(() => text(widget.host.locator('.msg.mine a.file'))).toMatch(/^📄 notes\.txt/);

    // A transfer shows as a system line naming the new agent, who then writes.
    const second = await ApiAgent.create(server.url, admin.token, channel.id, { name: 'Bob Builder', nickname: 'Bob' });
    const { transferChat } = await agent.gql<{ transferChat: { id: string } }>(
      `mutation($s: ID!, $to: ID!) { transferChat(sessionId: $s, toAgentId: $to) { id } }`,
      {
        s: sessionId,
        to: second.login.id,
      },
    );
    await second.gql(`mutation($id: ID!) { acceptTransfer(transferId: $id) { id } }`, { id: transferChat.id });
    await second.send(sessionId, 'Hi, Bob here. I fixed the VAT.');
    await expect.poll(async () => (await widget.rows()).slice(-2)).toEqual(['You were transferred to Bob', 'Hi, Bob here. I fixed the VAT.']);
    expect(await text(widget.host.locator('.sub'))).toBe('Bob');

    await saveScreenshot(page, 'widget-chat');
    expect(errors).toEqual([]);
    await Promise.all([close(), agent.close(), second.close(), earlier.close()]);
  });

  it('resumes after a reload or on another page of the site, with nothing lost or doubled', async () => {
    // This channel hides agents' photos, though this agent has one.
    const { channel, agent } = await channelWithAgent({ showAgentPhoto: false });
    const { page, close } = await newTestPage(browser);
    const widget = await startChatInBrowser(page, channel.id, 'Rita Reload', 'Question before the reload');
    const sessionId = await agent.queuedSessionOf('Rita Reload');
    await agent.accept(sessionId);
    await agent.send(sessionId, 'Answer one');
    await expect.poll(() => widget.rows()).toEqual(['Question before the reload', 'Anna joined the chat', 'Welcome! How can I help?', 'Answer one']);
    expect(await widget.host.locator('img.avatar').count()).toBe(0);

    // The agent writes while the page reloads; the widget comes back open, in the same chat.
    const reloading = page.reload();
    await agent.send(sessionId, 'Sent during the reload');
    await reloading;
    await widget.dialog.waitFor();
    const expected = ['Question before the reload', 'Anna joined the chat', 'Welcome! How can I help?', 'Answer one', 'Sent during the reload'];
    await expect.poll(() => widget.rows()).toEqual(expected);

    await widget.field('Write a message').fill('Still here after the reload');
    await page.keyboard.press('Enter');
    await expect.poll(() => widget.rows()).toEqual([...expected, 'Still here after the reload']);

    // Another page of the same site: same session, same history.
    await page.goto(`${server.url}/demo/${channel.id}?page=pricing`);
    await widget.open();
    await expect.poll(() => widget.rows()).toEqual([...expected, 'Still here after the reload']);
    expect((await agent.session(sessionId)).status).toBe('ACTIVE');
    await Promise.all([close(), agent.close()]);
  });

  it('keeps the chat through a passing server error or rate limit when it resumes, and tries again', async () => {
    const { channel, agent } = await channelWithAgent();
    const { page, close } = await newTestPage(browser);
    const widget = await startChatInBrowser(page, channel.id, 'Rhea Retry', 'Keep my chat');
    const sessionId = await agent.queuedSessionOf('Rhea Retry');
    const storedSession = () => page.evaluate((key) => localStorage.getItem(key), `chat-widget:session:${channel.id}`);
    expect(await storedSession()).toBe(sessionId);

    // Faults injected between browser and server, which runs behind them: after a reload the first look at the stored chat
    // fails once over HTTP (an unexpected error, then a rate limit), or the chat's event stream is refused once with an unexpected error.
    const unexpected = { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true } };
    const rateLimited = { message: 'Too many attempts. Retry after 1 seconds.', extensions: { code: 'RATE_LIMITED', retryAfter: 1 } };
    for (const error of [unexpected, rateLimited]) {
      let failed = 0;
      // The widget POSTs every query as JSON: the operation is in the body.
      await page.route(/\/graphql$/, (route) => {
        if (failed || !route.request().postData()?.includes('chatSession')) return route.fallback();
        failed++;
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ errors: [error], data: null }) });
      });
      await page.reload();
      await widget.dialog.waitFor();
      // The widget tries again after a second (backing off), or after the server's retryAfter.
      await expect.poll(() => widget.rows(), { timeout: 15_000 }).toEqual(['Keep my chat']);
      expect(failed).toBe(1);
      expect(await storedSession()).toBe(sessionId);
      await page.unrouteAll();
    }

    let refusedStreams = 0;
    await page.routeWebSocket(/\/graphql$/, (socket) => {
      const toServer = socket.connectToServer();
      socket.onMessage((raw) => {
        const message = JSON.parse(String(raw)) as { id?: string; type: string; payload?: { query?: string } };
        if (refusedStreams || message.type !== 'subscribe' || !message.payload?.query?.includes('chatEvents')) return toServer.send(raw);
        refusedStreams++;
        socket.send(JSON.stringify({ id: message.id, type: 'error', payload: [unexpected] }));
      });
    });
    await page.reload();
    await widget.dialog.waitFor();
    await expect.poll(() => widget.rows(), { timeout: 15_000 }).toEqual(['Keep my chat']);
    expect(refusedStreams).toBe(1);
    await agent.accept(sessionId);
    await expect.poll(() => widget.rows()).toEqual(['Keep my chat', 'Anna joined the chat', 'Welcome! How can I help?']);
    expect(await storedSession()).toBe(sessionId);
    await Promise.all([close(), agent.close()]);
  });

  it('resumes an open chat after its channel is archived, and shows the channel to nobody else', async () => {
    const { channel, agent } = await channelWithAgent();
    site.page(`/archived-${channel.id}`, hostPage(embedSnippet(server.url, channel.id)));
    const { page, close } = await newTestPage(browser);
    await page.goto(`${site.url}/archived-${channel.id}`);
    const widget = widgetOn(page);
    await widget.open();
    await widget.field(/^Name/).fill('Arne Archive');
    await widget.field(/^Email/).fill('arne@example.com');
    await widget.field(/^How can we help/).fill('Before the archiving');
    await widget.button('Start chat').click();
    const sessionId = await agent.queuedSessionOf('Arne Archive');
    await agent.accept(sessionId);
    const before = ['Before the archiving', 'Anna joined the chat', 'Welcome! How can I help?'];
    await expect.poll(() => widget.rows()).toEqual(before);

    await gql(server.url, `mutation($id: ID!) { archiveChannel(id: $id) { id } }`, { id: channel.id }, admin.token);
    await page.reload();
    await widget.dialog.waitFor();
    await expect.poll(() => widget.rows()).toEqual(before);
    await agent.send(sessionId, 'Still here for you');
    await expect.poll(() => widget.rows()).toEqual([...before, 'Still here for you']);
    const events = agent.follow(sessionId);
    await widget.field('Write a message').fill('Thanks, one more thing');
    await page.keyboard.press('Enter');
    await events.waitFor((e) => e.chatEvents.message?.body === 'Thanks, one more thing');

    // Someone without a chat there gets no launcher: the channel takes nothing new, not even the offline form.
    const stranger = await newTestPage(browser);
    const configAnswer = stranger.page.waitForResponse(
      (response) => response.url() === `${server.url}/graphql` && !!response.request().postData()?.includes('widgetChannel'),
    );
    await stranger.page.goto(`${site.url}/archived-${channel.id}`);
    expect((await (await configAnswer).json()).data.widgetChannel.availability).toEqual({ online: false, reason: 'ARCHIVED' });
    await stranger.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await stranger.page.evaluate(() => document.querySelector('chat-widget-host')?.shadowRoot?.querySelector('.widget')?.childElementCount)).toBe(0);
    await Promise.all([close(), stranger.close(), agent.close()]);
  });

  it('shows a message at once, marks it failed while the server is away, and delivers it once when it is back', async () => {
    const { channel, agent } = await channelWithAgent();
    const { page, close } = await newTestPage(browser);
    const widget = await startChatInBrowser(page, channel.id, 'Otto Offline', 'Before the outage');
    const sessionId = await agent.queuedSessionOf('Otto Offline');
    await agent.accept(sessionId);
    const events = agent.follow(sessionId);
    await expect.poll(() => widget.rows()).toContain('Welcome! How can I help?');

    await server.stop();
    await expect.poll(() => text(widget.host.locator('.banner'))).toBe('Reconnecting…');
    await widget.field('Write a message').fill('Sent during the outage');
    await page.keyboard.press('Enter');
    // Optimistic: in the log at once, marked as on its way, then as failed with a retry button.
    const mine = widget.host.locator('.msg.mine').last();
    expect(await text(mine.locator('.text'))).toBe('Sent during the outage');
    expect(await text(mine.locator('.meta'))).toMatch(/ · Sending…$/);
    await mine.locator('.failed').waitFor({ timeout: 20_000 });
    expect(await text(mine.locator('.failed'))).toBe('Not sent. Retry');

    // The server comes back: the socket reconnects, the message goes out by itself, exactly once.
    await server.restart();
    await widget.host.locator('.banner').waitFor({ state: 'detached', timeout: 30_000 });
    await mine.locator('.failed').waitFor({ state: 'detached' });
    await expect.poll(() => text(mine.locator('.meta'))).not.toMatch(/Sending/);
    await events.waitFor((e) => e.chatEvents.message?.body === 'Sent during the outage', 30_000);
    await agent.send(sessionId, 'Got it after the outage');
    await expect.poll(() => widget.rows()).toContain('Got it after the outage');
    expect(events.values.filter((e) => e.chatEvents.message?.body === 'Sent during the outage')).toHaveLength(1);
    expect((await widget.rows()).filter((row) => row === 'Sent during the outage')).toHaveLength(1);
    await Promise.all([close(), agent.close()]);
  });

  it('shows upload progress for a file on a slow connection', async () => {
    const { channel, agent } = await channelWithAgent();
    const { page, close } = await newTestPage(browser);
    const widget = await startChatInBrowser(page, channel.id, 'Sam Slow', 'Sending a big log');
    const sessionId = await agent.queuedSessionOf('Sam Slow');
    await agent.accept(sessionId);
    const events = agent.follow(sessionId);

    // 600 kB at about 200 kB/s: seconds of progress to watch.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 200_000 });
    const log = Buffer.from(Array.from({ length: 12_000 }, (_, i) => `line ${i} of the server log: all systems nominal\n`).join(''));
    await widget.host.locator('input[type=file]').setInputFiles({ name: 'server.log', mimeType: 'text/plain', buffer: log });

    const progress = widget.host.locator('.msg.mine progress');
    await progress.waitFor();
    const label = widget.host.locator('.msg.mine .meta label');
    await expect.poll(async () => Number(/(\d+)/.exec(await text(label))?.[1])).toBeGreaterThan(0);
    expect(await text(label)).toMatch(/^Uploading… \d+%$/);
    const value = Number(await progress.evaluate((el: HTMLProgressElement) => el.value));
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThanOrEqual(1);

    await events.waitFor((e) => e.chatEvents.message?.attachments[0]?.fileName === 'server.log', 30_000);
    await progress.waitFor({ state: 'detached' });
    await expect.poll(() => text(widget.host.locator('.msg.mine a.file'))).toMatch(/^📄 server\.log \(\d+ KB\)$/);

    // A file the server refuses says why, next to a retry button, and reaches nobody.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await widget.host
      .locator('input[type=file]')
      .setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ not really a program') });
    const refused = widget.host.locator('.msg.mine .failed');
    await refused.waitFor();
    expect(await text(refused)).toMatch(/^Not sent\. \.exe files are not allowed; allowed are .+ Retry$/);
    expect(events.values.filter((e) => e.chatEvents.message?.attachments.some((a) => a.fileName === 'setup.exe'))).toEqual([]);
    await Promise.all([close(), agent.close()]);
  });

  it('says why a proxy refused a file (4xx) and sends it once; gives up on a failing one (5xx) after a few tries; resends neither on reconnect', async () => {
    const { channel, agent } = await channelWithAgent();
    const { page, close } = await newTestPage(browser);
    // A proxy in front of the API answers uploads with its own HTML page; the server behind it never sees them.
    let proxyStatus = 413;
    let uploads = 0;
    await page.route(`${server.url}/graphql`, (route) => {
      // Passed on uncompressed: Playwright's interception fails to hand the page a brotli or gzip GraphQL answer it re-fetched.
      if (!route.request().headers()['content-type']?.startsWith('multipart/form-data'))
        return route.fallback({ headers: { ...route.request().headers(), 'accept-encoding': 'identity' } });
      uploads++;
      return route.fulfill({ status: proxyStatus, contentType: 'text/html', body: `<html><body><h1>${proxyStatus}</h1>nginx</body></html>` });
    });
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/graphql$/, (socket) => {
      sockets.push(socket);
      socket.connectToServer();
    });
    const widget = await startChatInBrowser(page, channel.id, 'Una Upload', 'Here comes a file');
    const sessionId = await agent.queuedSessionOf('Una Upload');
    await agent.accept(sessionId);
    const events = agent.follow(sessionId);

    await widget.host.locator('input[type=file]').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: TINY_PNG });
    const refused = widget.host.locator('.msg.mine .failed');
    await expect.poll(() => text(refused)).toBe('Not sent. The server refused this file (HTTP 413). Retry');
    expect(uploads).toBe(1);

    proxyStatus = 502;
    await widget.host.locator('input[type=file]').setInputFiles({ name: 'log.txt', mimeType: 'text/plain', buffer: Buffer.from('line 1\n') });
    // Retried with backoff (1 + 2 + 4 s), then given up with a message.
    await expect
      .poll(() => refused.allTextContents(), { timeout: 20_000 })
      .toEqual(['Not sent. The server refused this file (HTTP 413). Retry', 'Not sent. Something went wrong. Please try again. Retry']);
    expect(uploads).toBe(5);

    // The connection drops and comes back: neither file goes out by itself (a failed text message would).
    expect(sockets).toHaveLength(1);
    await sockets[0]!.close({ code: 1012, reason: 'Service restart' });
    await agent.send(sessionId, 'Seen after the reconnect');
    await expect.poll(() => widget.rows(), { timeout: 15_000 }).toContain('Seen after the reconnect');
    expect(sockets).toHaveLength(2);
    expect(uploads).toBe(5);
    expect(events.values.filter((e) => e.chatEvents.message?.attachments.length)).toEqual([]);

    // Retry is the visitor's call: once the proxy lets it through, the file reaches the agent.
    await page.unroute(`${server.url}/graphql`);
    await refused.first().getByRole('button', { name: 'Retry' }).click();
    await events.waitFor((e) => e.chatEvents.message?.attachments[0]?.fileName === 'scan.png');
    await expect.poll(() => refused.count()).toBe(1);
    await Promise.all([close(), agent.close()]);
  });

  it('keeps two tabs of the site in sync', async () => {
    const { channel, agent } = await channelWithAgent({}, { photo: false });
    const tabs = await newTestPage(browser);
    const tabA = tabs.page;
    const tabB = await tabs.context.newPage();
    await tabB.goto(`${server.url}/demo/${channel.id}`);
    const widgetB = widgetOn(tabB);
    await widgetB.open();
    await widgetB.field(/^Name/).waitFor();

    // Tab A starts the chat; tab B, showing the pre-chat form, switches to it by itself.
    const widgetA = await startChatInBrowser(tabA, channel.id, 'Tina Tabs', 'Asked in tab A');
    await expect.poll(() => widgetB.rows()).toEqual(['Asked in tab A']);

    const sessionId = await agent.queuedSessionOf('Tina Tabs');
    await agent.accept(sessionId);
    await agent.send(sessionId, 'Seen in both tabs');
    for (const widget of [widgetA, widgetB])
      await expect.poll(() => widget.rows()).toEqual(['Asked in tab A', 'Anna joined the chat', 'Welcome! How can I help?', 'Seen in both tabs']);
    // showAgentPhoto stays on, but this agent has no photo: no broken image.
    expect(await widgetA.host.locator('img.avatar').count()).toBe(0);

    await widgetB.field('Write a message').fill('Written in tab B');
    await tabB.keyboard.press('Enter');
    await expect.poll(() => widgetA.rows()).toContain('Written in tab B');

    // Minimised tab A counts what it has not seen; tab B reads it, and A's badge clears.
    await tabA.evaluate(() => (window as any).ChatWidget.close());
    await tabB.evaluate(() => (window as any).ChatWidget.close());
    await agent.send(sessionId, 'Unread for now');
    await expect.poll(() => text(widgetA.host.locator('.badge'))).toBe('1');
    expect(await widgetA.host.locator('.badge').getAttribute('aria-label')).toBe('1 unread');
    await widgetB.open();
    await widgetA.host.locator('.badge').waitFor({ state: 'detached' });

    // Ending in tab A shows the post-chat form in both.
    await widgetA.open();
    await widgetA.button('End chat').click();
    for (const widget of [widgetA, widgetB]) await widget.host.getByRole('group', { name: 'How was your chat?' }).waitFor();
    await tabs.close();
    await agent.close();
  });

  it('stores the post-chat rating and reopens the chat on "Return to chat"', async () => {
    const { channel, agent } = await channelWithAgent();
    const { page, close } = await newTestPage(browser);
    const widget = await startChatInBrowser(page, channel.id, 'Peter Post', 'Rate me afterwards');
    const sessionId = await agent.queuedSessionOf('Peter Post');
    await agent.accept(sessionId);
    await agent.end(sessionId);

    const stars = widget.host.getByRole('group', { name: 'How was your chat?' });
    await stars.waitFor();
    expect(await widget.button('Send rating').isDisabled()).toBe(true);
    await stars.getByLabel('4 of 5').check({ force: true });
    await widget.field('Comment (optional)').fill('Quick and friendly');
    await widget.button('Send rating').click();
    await expect.poll(() => text(widget.host.locator('.done'))).toBe('Thanks for your feedback!');
    expect(await agent.session(sessionId)).toMatchObject({ status: 'ENDED', rating: 4, ratingComment: 'Quick and friendly' });

    // Return to chat: the log is back, and writing reopens the same session.
    await widget.button('Return to chat').click();
    expect(await widget.rows()).toEqual(['Rate me afterwards', 'Anna joined the chat', 'Welcome! How can I help?', 'The agent ended the chat']);
    await widget.field('Write a message').fill('One more question');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await widget.rows()).slice(-2)).toEqual(['You returned to the chat', 'One more question']);
    await expect.poll(async () => (await agent.session(sessionId)).status).toMatch(/^(QUEUED|ACTIVE)$/);
    await Promise.all([close(), agent.close()]);
  });
});
