import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, saveScreenshot, type TestPage } from '../support/browser';
import { becomePresent, createChannelAgents, expectText, openConsole, type AgentAccount } from '../support/console';
import { ApiVisitor, gql, login } from '../support/graphql';

// The channel's manager threshold is whole minutes; the pages run on Playwright's fake clock,
// which the test moves forward instead of waiting. The wait itself comes from the real server.
describe('manager warning for a chat that waits too long', () => {
  let server: ApiServer;
  let browser: Browser;
  let manager: AgentAccount;
  let agent: AgentAccount;
  let managerConsole: TestPage;
  let agentConsole: TestPage;
  let visitor: ApiVisitor | undefined;
  let channelId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiServer(), launchChromium()]);
    const setup = await createChannelAgents(server, 'Technical support', [
      { key: 'mona', name: 'Mona Manager', flags: { canRespond: true, getsNotifications: false, isManager: true } },
      { key: 'arne', name: 'Arne Agent', flags: { canRespond: true, getsNotifications: false } },
    ]);
    channelId = setup.channelId;
    manager = setup.agents.mona!;
    agent = setup.agents.arne!;
    await gql(
      server.url,
      `mutation($id: ID!, $input: UpdateChannelInput!) { updateChannel(id: $id, input: $input) { warnManagersAfterMinutes } }`,
      { id: channelId, input: { warnManagersAfterMinutes: 1 } },
      setup.adminToken,
    );
  });
  afterAll(async () => {
    await visitor?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('warns the manager past the threshold, with a notification, and not the agent', async () => {
    managerConsole = await openConsole(browser, server, manager, { fakeClock: true });
    agentConsole = await openConsole(browser, server, agent, { fakeClock: true });
    await becomePresent(managerConsole.page);
    await becomePresent(agentConsole.page);

    visitor = await ApiVisitor.start(server.url, { channelId, message: 'Is anyone there?', name: 'Wanda Waiting', email: 'wanda@example.com' });
    for (const { page } of [managerConsole, agentConsole]) await page.getByRole('list', { name: 'Incoming chats' }).getByText('Wanda Waiting').waitFor();
    expect(await managerConsole.page.locator('.wait-warnings').count()).toBe(0);

    await Promise.all([managerConsole.page.clock.fastForward('02:00'), agentConsole.page.clock.fastForward('02:00')]);

    const warning = managerConsole.page.locator('.wait-warnings');
    await expectText(warning, /Wanda Waiting\s*has waited over 1 min.*Technical support/);
    const notifications = await managerConsole.page.evaluate(() => (window as unknown as { __notifications: { title: string }[] }).__notifications);
    expect(notifications.map((n) => n.title)).toContain('Waiting over 1 min in Technical support');
    await saveScreenshot(managerConsole.page, 'manager-wait-warning');
    // The agent without the manager flag moved just as far in time and got nothing.
    expect(await agentConsole.page.locator('.wait-warnings').count()).toBe(0);

    // Once someone answers, the warning goes away.
    const { token } = await login(server.url, agent.email, agent.password);
    await gql(server.url, `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`, { id: visitor.sessionId }, token);
    await warning.waitFor({ state: 'detached' });
  });
});
