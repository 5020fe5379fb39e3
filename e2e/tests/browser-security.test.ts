import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage, type TestPage } from '../support/browser';
import { becomePresent, composer, createChannelAgents, signIn } from '../support/console';
import { ApiVisitor, login, type AgentLogin } from '../support/graphql';
import { ApiAgent, createChannel, embedSnippet, hostPage, startHostSite, text, TINY_PNG, widgetOn, type HostSite } from '../support/widget';

/** Collects every CSP violation the page reports, from its first script on. */
const recordViolations = () => {
  const w = window as unknown as { __cspViolations: string[] };
  w.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => w.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`));
};

async function watchedPage(browser: Browser): Promise<TestPage> {
  const testPage = await newTestPage(browser);
  await testPage.context.addInitScript(recordViolations);
  return testPage;
}

/** Violations seen by the page, plus the browser's own "Refused to …" console errors. */
async function violations({ page, errors }: TestPage): Promise<string[]> {
  const reported = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  return [...reported, ...errors.filter((e) => /Content Security Policy|Refused to/i.test(e))];
}

/** An inline script the page itself adds: runs only when the page's CSP is missing or lax. */
async function inlineScriptRuns(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
}

/** An agent's image upload through the API, as the console sends it (multipart with the CSRF header). */
async function agentSendsImage(apiUrl: string, token: string, sessionId: string, fileName: string) {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({
      query: `mutation($s: ID!, $f: File!, $c: String!) { sendAttachment(sessionId: $s, file: $f, clientMessageId: $c) { id } }`,
      variables: { s: sessionId, f: null, c: randomUUID() },
    }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.f'] }));
  form.set('0', new File([new Uint8Array(TINY_PNG)], fileName, { type: 'image/png' }));
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-graphql-yoga-csrf': '1' }, body: form });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`sendAttachment failed: ${JSON.stringify(body.errors)}`);
}

describe('pages under their Content-Security-Policy', () => {
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

  it('the console signs in, chats and uploads an image with no violation, and refuses inline script', async () => {
    const { agents, channelId } = await createChannelAgents(server, 'Technical support', [{ key: 'cora', name: 'Cora Console', flags: { canRespond: true } }]);
    const consolePage = await watchedPage(browser);
    const { page } = consolePage;
    let visitor: ApiVisitor | undefined;
    try {
      await signIn(page, server, agents.cora!);
      await becomePresent(page);
      visitor = await ApiVisitor.start(server.url, { channelId, message: 'Is the console locked down?', name: 'Petra Policy', email: 'petra@example.com' });
      await page.getByRole('link', { name: /^Chats/ }).click();
      await page.getByRole('button', { name: 'Get next in queue' }).click();
      await page.getByRole('heading', { name: 'Petra Policy', level: 2 }).waitFor();

      await visitor.send('Hello from the visitor');
      await page.locator('.message-visitor .message-body', { hasText: 'Hello from the visitor' }).waitFor();
      await composer(page).fill('Hello from the console');
      await composer(page).press('Enter');
      await visitor.waitForMessage('Hello from the console');

      // Uploaded through urql's multipart request (it carries the CSRF header), shown inline from /attachments/.
      await page.locator('input[type=file][aria-label="Attach files"]').setInputFiles({ name: 'policy.png', mimeType: 'image/png', buffer: TINY_PNG });
      await visitor.events.waitFor((v) => v.chatEvents.message?.attachments[0]?.fileName === 'policy.png');
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('.message-agent img.attachment-image[alt="policy.png"]');
        return !!img && img.complete && img.naturalWidth === 40;
      });

      expect(await violations(consolePage)).toEqual([]);
      expect(await inlineScriptRuns(page)).toBe(false);
      // …and the listener does hear violations: the probe's own.
      expect(await violations(consolePage)).toContain('script-src-elem inline');
    } finally {
      await visitor?.close();
      await consolePage.close();
    }
  });

  async function chatInWidget(testPage: TestPage, url: string, _channelId: string, agent: ApiAgent) {
    const { page } = testPage;
    await page.goto(url);
    const widget = widgetOn(page);
    await widget.open();
    // The constructed stylesheet applies: the launcher and panel are styled, though the page allows no inline style.
    expect(await widget.host.evaluate((host) => host.shadowRoot!.querySelector('style'))).toBeNull();
    expect(await widget.dialog.evaluate((dialog) => getComputedStyle(dialog.closest('.frame') ?? dialog).position)).toBe('fixed');
    await widget.field(/^Name/).fill('Hanne Host');
    await widget.field(/^Email/).fill('hanne@example.com');
    await widget.field(/^How can we help/).fill('Does the widget obey my CSP?');
    await widget.button('Start chat').click();
    await widget.conversation();

    const sessionId = await agent.queuedSessionOf('Hanne Host');
    await agent.accept(sessionId);
    await agent.send(sessionId, 'It does.');
    await expect.poll(() => widget.rows()).toContain('It does.');
    // The agent's photo comes from another site (img-src https:/http:).
    await expect
      .poll(() =>
        widget.host
          .locator('img.avatar')
          .first()
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(40);

    // An image from the agent, shown inline from the API's /attachments/.
    await agentSendsImage(server.url, agent.login.token, sessionId, 'from-agent.png');
    const fromAgent = widget.host.locator('.msg.theirs img.image[alt="from-agent.png"]');
    await fromAgent.waitFor();
    await expect.poll(() => fromAgent.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);

    // The visitor's upload: XMLHttpRequest with the CSRF header, a blob: preview, then the stored image.
    const events = agent.follow(sessionId);
    await widget.host.locator('input[type=file]').setInputFiles({ name: 'from-visitor.png', mimeType: 'image/png', buffer: TINY_PNG });
    await events.waitFor((e) => e.chatEvents.message?.attachments[0]?.fileName === 'from-visitor.png');
    const mine = widget.host.locator('.msg.mine img.image[src*="/attachments/"]');
    await mine.waitFor();
    await expect.poll(() => mine.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);

    expect(await violations(testPage)).toEqual([]);
    expect(await inlineScriptRuns(page)).toBe(false);
    expect(await violations(testPage)).toContain('script-src-elem inline');
  }

  it('the widget chats on the demo page under its strict CSP: opens, starts a chat, gets a message and images', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id, { nickname: 'Demi', photoUrl: `${site.url}/photo.png` });
    const demo = await watchedPage(browser);
    try {
      const response = await demo.page.request.get(`${server.url}/demo/${channel.id}`);
      expect(response.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await chatInWidget(demo, `${server.url}/demo/${channel.id}`, channel.id, agent);
      expect(await text(demo.page.locator('h1'))).toMatch(/widget demo/);
    } finally {
      await agent.close();
      await demo.close();
    }
  });

  it('the widget chats on another site whose CSP is the one the README gives', async () => {
    const channel = await createChannel(server.url, admin.token, { prechatRequiredFields: ['NAME', 'EMAIL'] });
    const agent = await ApiAgent.create(server.url, admin.token, channel.id, { nickname: 'Cross', photoUrl: `${site.url}/photo.png` });
    const api = new URL(server.url);
    // The README's host-page policy, with this API's origin (over http here, so ws: rather than wss:).
    const policy = [
      "default-src 'self'",
      `script-src 'self' ${api.origin}`,
      `connect-src 'self' ${api.origin} ws://${api.host}`,
      `img-src 'self' ${api.origin} https: http: blob:`,
      "style-src 'self'",
    ].join('; ');
    site.page(`/strict-${channel.id}`, hostPage(embedSnippet(server.url, channel.id), `<meta http-equiv="Content-Security-Policy" content="${policy}">`));
    const customer = await watchedPage(browser);
    try {
      await chatInWidget(customer, `${site.url}/strict-${channel.id}`, channel.id, agent);
    } finally {
      await agent.close();
      await customer.close();
    }
  });
});
