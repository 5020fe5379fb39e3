import type { Browser, Locator, Page } from 'playwright-core';
import type { ApiServer } from './api-server';
import { newTestPage, type TestPage } from './browser';
import { createAgent, gql, login } from './graphql';

export interface AgentAccount {
  id: string;
  name: string;
  email: string;
  password: string;
}

export interface MemberFlags {
  canRespond?: boolean;
  getsNotifications?: boolean;
  canListenIn?: boolean;
  isManager?: boolean;
}

/**
 * Agents for a test: created by the seeded admin and made members of a channel with the given
 * flags, through the admin API.
 */
export async function createChannelAgents(
  server: ApiServer,
  channelName: string,
  agents: { key: string; name: string; flags: MemberFlags }[],
): Promise<{ adminToken: string; channelId: string; agents: Record<string, AgentAccount> }> {
  const admin = await login(server.url, server.adminEmail, server.adminPassword);
  const { channels } = await gql<{ channels: { id: string; name: string }[] }>(server.url, `{ channels { id name } }`, {}, admin.token);
  const channel = channels.find((c) => c.name === channelName);
  if (!channel) throw new Error(`No channel named ${channelName}; there are ${channels.map((c) => c.name).join(', ')}`);
  const result: Record<string, AgentAccount> = {};
  for (const { key, name, flags } of agents) {
    const email = `${key}-${Date.now().toString(36)}@e2e.test`;
    const created = await createAgent(server.url, admin.token, { email, name });
    await gql(
      server.url,
      `mutation SetMember($channelId: ID!, $agentId: ID!, $flags: ChannelMemberInput) { setChannelMember(channelId: $channelId, agentId: $agentId, flags: $flags) { canRespond } }`,
      { channelId: channel.id, agentId: created.id, flags: { canRespond: true, getsNotifications: true, canListenIn: false, isManager: false, ...flags } },
      admin.token,
    );
    result[key] = { id: created.id, name, email, password: created.password };
  }
  return { adminToken: admin.token, channelId: channel.id, agents: result };
}

/**
 * Records what the page does with browser notifications and sound, by wrapping the real APIs
 * (the calls still go through): `window.__notifications` and `window.__chimes`.
 */
const recordNotificationsScript = () => {
  const w = window as unknown as { __notifications: { title: string; body?: string }[]; __chimes: number };
  w.__notifications = [];
  w.__chimes = 0;
  const RealNotification = window.Notification;
  if (RealNotification) {
    const Recording = function (this: unknown, title: string, options?: NotificationOptions) {
      w.__notifications.push({ title, body: options?.body });
      return new RealNotification(title, options);
    } as unknown as typeof Notification;
    Object.defineProperty(Recording, 'permission', { get: () => RealNotification.permission });
    (Recording as unknown as { requestPermission: typeof Notification.requestPermission }).requestPermission =
      RealNotification.requestPermission.bind(RealNotification);
    window.Notification = Recording;
  }
  const realStart = AudioScheduledSourceNode.prototype.start;
  AudioScheduledSourceNode.prototype.start = function (...args: Parameters<typeof realStart>) {
    w.__chimes += 1;
    return realStart.apply(this, args);
  };
};

/**
 * A signed-in console in its own browser context (notifications allowed and recorded).
 * `fakeClock`: the page's timers run on Playwright's clock, which a test can move forward.
 */
export async function openConsole(
  browser: Browser,
  server: ApiServer,
  account: { email: string; password: string },
  options: { fakeClock?: boolean } = {},
): Promise<TestPage> {
  const testPage = await newTestPage(browser, { permissions: ['notifications'] });
  await testPage.context.addInitScript(recordNotificationsScript);
  if (options.fakeClock) await testPage.page.clock.install();
  await signIn(testPage.page, server, account);
  return testPage;
}

export async function signIn(page: Page, server: ApiServer, account: { email: string; password: string }) {
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

/** Turns the header's presence switch on (Present). */
export async function becomePresent(page: Page) {
  const presence = page.getByRole('switch', { name: /Present/ });
  if ((await presence.getAttribute('aria-checked')) !== 'true') await presence.click();
  await page.locator('.presence-switch[aria-checked="true"]').waitFor();
}

export function composer(page: Page) {
  return page.locator('#composer-input');
}

/** The conversation's message bubbles' texts, in order (system messages excluded). */
export async function bubbleTexts(page: Page): Promise<string[]> {
  return page.locator('.messages .message:not(.message-outgoing) .message-body').allTextContents();
}

/** `text` as a RegExp source that matches it literally, for expectText on a part of an element's text. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Waits until the element's text matches (Playwright's auto-wait, without its test runner): a
 * string is the whole text (trimmed), a RegExp is tested against it; use a RegExp for a part.
 */
export async function expectText(locator: Locator, expected: string | RegExp, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last =
      (await locator
        .first()
        .textContent({ timeout })
        .catch(() => null)) ?? '';
    if (typeof expected === 'string' ? last.trim() === expected : expected.test(last)) return;
    if (Date.now() > deadline)
      throw new Error(
        `expected ${typeof expected === 'string' ? JSON.stringify(expected) : String(expected)} in ${locator}; last text: ${JSON.stringify(last.slice(0, 500))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
