import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage, saveScreenshot } from '../support/browser';
import { gql, login, type AgentLogin } from '../support/graphql';
import { embedSnippet, focusedInWidget, hostPage, startHostSite, text, widgetOn, type HostSite } from '../support/widget';

// A customer's page that does its worst: every element unset, every div hidden (also with
// !important), its own keyboard shortcuts, and the widget loaded from another origin.
const HOSTILE_HEAD = `
  <style>
    * { all: unset; }
    div { display: none; }
    * { all: unset !important; }
    div { display: none !important; }
    chat-widget-host { opacity: 0.1; transform: scale(0.1); }
  </style>
  <script>
    window.globalsBeforeWidget = Object.getOwnPropertyNames(window);
    window.keysSeenByPage = [];
    document.addEventListener('keydown', (event) => window.keysSeenByPage.push(event.key));
  </script>`;

describe('the widget on a hostile host page', () => {
  let server: ApiServer;
  let browser: Browser;
  let site: HostSite;
  let admin: AgentLogin;
  let channelId: string;

  beforeAll(async () => {
    [server, browser, site] = await Promise.all([startApiServer(), launchChromium(), startHostSite()]);
    admin = await login(server.url, server.adminEmail, server.adminPassword);
    await gql(server.url, `mutation { setPresence(presence: PRESENT) { id } }`, {}, admin.token);
    const { channels } = await gql<{ channels: { id: string; name: string }[] }>(server.url, `{ channels { id name } }`, {}, admin.token);
    channelId = channels.find((c) => c.name === 'Technical support')!.id;
    site.page('/hostile', hostPage(`<div><h1>Shop</h1><p>Everything here is hidden.</p></div>${embedSnippet(server.url, channelId)}`, HOSTILE_HEAD));
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.dispose();
  });

  it('still shows a working widget, adds one global and keeps keystrokes from the page', async () => {
    const { page, errors, close } = await newTestPage(browser, { viewport: { width: 1200, height: 800 } });
    await page.goto(`${site.url}/hostile`);
    const widget = widgetOn(page);

    // The launcher: visible, full size, in the channel's colours and with its badge text.
    await widget.launcher.waitFor({ state: 'visible' });
    expect(await text(widget.launcher)).toBe('Need help? Chat with support');
    const box = await widget.launcher.boundingBox();
    expect(box!.width).toBeGreaterThan(150);
    expect(box!.height).toBeGreaterThan(30);
    expect(await widget.launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(37, 99, 235)');
    const hostStyle = await widget.host.evaluate((el) => ({
      display: getComputedStyle(el).display,
      opacity: getComputedStyle(el).opacity,
      transform: getComputedStyle(el).transform,
    }));
    expect(hostStyle).toEqual({ display: 'block', opacity: '1', transform: 'none' });

    // Exactly one global, with the three documented functions.
    const globals = await page.evaluate(() => {
      const before = new Set((window as any).globalsBeforeWidget as string[]);
      const added = Object.getOwnPropertyNames(window).filter((name) => !before.has(name) && name !== 'globalsBeforeWidget' && name !== 'keysSeenByPage');
      return { added, api: Object.keys((window as any).ChatWidget).sort() };
    });
    expect(globals).toEqual({ added: ['ChatWidget'], api: ['close', 'identify', 'open'] });

    // Open: a labelled dialog, focus on its first field, the form checked as the visitor types.
    await widget.launcher.click();
    await widget.dialog.waitFor();
    expect(await widget.dialog.getAttribute('aria-modal')).toBe('true');
    expect(await text(widget.host.locator('#widget-title'))).toBe('Technical support');
    await expect.poll(() => focusedInWidget(page)).toBe('prechat-name');
    await page.keyboard.type('Hanna Host');
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('prechat-email');
    await page.keyboard.type('hanna@');
    const email = widget.field(/^Email/);
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await text(widget.host.locator('#prechat-email-error'))).toBe('Enter a valid email address.');
    await page.keyboard.type('example.com');
    expect(await email.getAttribute('aria-invalid')).toBe('false');
    // Not one of those keystrokes reached the page's own listener.
    expect(await page.evaluate(() => (window as any).keysSeenByPage)).toEqual([]);

    // The focus trap: Tab from the last control wraps to the first (the minimise button), Shift+Tab back.
    const focused = () =>
      widget.host.evaluate((el) => {
        const active = el.shadowRoot!.activeElement;
        return active?.getAttribute('aria-label') ?? active?.textContent ?? null;
      });
    await widget.field(/^How can we help/).fill('How do I reset my password?');
    await widget.button('Start chat').focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Minimise chat');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Start chat');

    // FAQ suggestions come first, readable inside the widget, with "Start chat anyway".
    await widget.button('Start chat').click();
    const faq = widget.host.locator('details');
    await faq.first().waitFor();
    expect(await faq.count()).toBeLessThanOrEqual(3);
    await faq.first().locator('summary').click();
    expect(await text(faq.first().locator('.answer'))).toContain('Reset password');
    await widget.button('Start chat anyway').click();

    // The chat: a log with the question, and the queue message.
    await widget.conversation();
    expect(await widget.log.getAttribute('aria-label')).toBe('Conversation');
    await expect.poll(() => widget.rows()).toEqual(['How do I reset my password?']);
    await expect.poll(() => text(widget.host.locator('.queue'))).toMatch(/^You are number 1 in the queue\. Expected wait: /);
    await saveScreenshot(page, 'widget-hostile-page');

    // Escape minimises and gives focus back to the launcher; the page's API opens and closes it.
    await page.keyboard.press('Escape');
    await widget.dialog.waitFor({ state: 'detached' });
    expect(await widget.host.evaluate((el) => el.shadowRoot!.activeElement?.className)).toBe('launcher');
    await page.evaluate(() => (window as any).ChatWidget.open());
    await widget.dialog.waitFor();
    await page.evaluate(() => (window as any).ChatWidget.close());
    await widget.dialog.waitFor({ state: 'detached' });

    expect(errors).toEqual([]);
    await close();
  });
});
