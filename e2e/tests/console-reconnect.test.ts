import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, type TestPage } from '../support/browser';
import { becomePresent, bubbleTexts, composer, createChannelAgents, expectText, openConsole } from '../support/console';
import { ApiVisitor, gql } from '../support/graphql';

// The API restarts under an open conversation: the console says the connection is lost, keeps
// what the agent sends meanwhile, and on reconnect resumes from its last cursor, so every message
// from either side is there exactly once and in order.
describe('console across a server restart', () => {
  let server: ApiServer;
  let browser: Browser;
  let agent: TestPage;
  let visitor: ApiVisitor;
  let adminToken: string;
  let channelId: string;

  beforeAll(async () => {
    // A visitor may send 20 messages per 10 s by default; the long conversation below needs more.
    [server, browser] = await Promise.all([startApiServer({ env: { SEND_MESSAGE_LIMIT_PER_VISITOR: '1000' } }), launchChromium()]);
    const setup = await createChannelAgents(server, 'Technical support', [{ key: 'alice', name: 'Alice Agent', flags: { canRespond: true } }]);
    adminToken = setup.adminToken;
    channelId = setup.channelId;
    agent = await openConsole(browser, server, setup.agents.alice!);
    await becomePresent(agent.page);
    visitor = await ApiVisitor.start(server.url, {
      channelId: setup.channelId,
      message: 'Hello before the restart',
      name: 'Rita Restart',
      email: 'rita@example.com',
    });
    await agent.page.getByRole('link', { name: /^Chats/ }).click();
    await expectText(agent.page.locator('.queue-count'), /1\s*in queue/);
    await agent.page.getByRole('button', { name: 'Get next in queue' }).click();
    await agent.page.getByRole('heading', { name: 'Rita Restart', level: 2 }).waitFor();
  });
  afterAll(async () => {
    await visitor?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('loses no message in either direction', async () => {
    const page = agent.page;
    await composer(page).fill('Reply before the restart');
    await composer(page).press('Enter');
    await visitor.waitForMessage('Reply before the restart');

    await server.stop();
    await expectText(page.locator('.connection-banner'), /Connection lost/, 30_000);

    // Written while the server is down: kept on screen, not lost.
    await composer(page).fill('Written while the server was down');
    await composer(page).press('Enter');
    await page.locator('.message-outgoing', { hasText: 'Written while the server was down' }).waitFor();
    expect(await composer(page).inputValue()).toBe('');

    await server.restart();
    // The visitor writes at once, before the console has reconnected: it must catch up from its cursor.
    for (const body of ['After the restart 1', 'After the restart 2', 'After the restart 3']) await visitor.send(body);

    await page.locator('.connection-banner').waitFor({ state: 'detached', timeout: 45_000 });
    await visitor.waitForMessage('Written while the server was down');
    await page.locator('.message-visitor .message-body', { hasText: 'After the restart 3' }).waitFor();
    await page.locator('.message-outgoing').waitFor({ state: 'detached' });

    const stored = await gql<{ chatSession: { messages: { messages: { body: string; authorKind: string }[] } } }>(
      server.url,
      `query($id: ID!) { chatSession(id: $id) { messages(last: 100) { messages { body authorKind } } } }`,
      { id: visitor.sessionId },
      adminToken,
    );
    const expected = stored.chatSession.messages.messages.filter((m) => m.authorKind !== 'SYSTEM').map((m) => m.body);
    // Each message stored once; the visitor's three in the order sent (the agent's retry may land
    // between them, depending on when the console reconnected).
    expect(expected.slice(0, 2)).toEqual(['Hello before the restart', 'Reply before the restart']);
    expect([...expected.slice(2)].sort()).toEqual(['After the restart 1', 'After the restart 2', 'After the restart 3', 'Written while the server was down']);
    expect(expected.filter((b) => b.startsWith('After the restart'))).toEqual(['After the restart 1', 'After the restart 2', 'After the restart 3']);
    // The console shows exactly what the server stored, in the same order, nothing twice.
    expect(await bubbleTexts(page)).toEqual(expected);
    // And so did the visitor.
    expect(
      visitor.events.values.flatMap((v) => (v.chatEvents.message && v.chatEvents.message.authorKind !== 'SYSTEM' ? [v.chatEvents.message.body] : [])),
    ).toEqual(expected);
  });

  it('pages back through a long conversation, every message once and in order', async () => {
    const page = agent.page;
    const long = await ApiVisitor.start(server.url, { channelId, message: 'Long chat 0', name: 'Lena Long', email: 'lena@example.com' });
    for (let i = 1; i <= 70; i += 1) await long.send(`Long chat ${i}`);
    await expectText(page.locator('.queue-count'), /1\s*in queue/);
    await page.getByRole('button', { name: 'Get next in queue' }).click();
    await page.getByRole('heading', { name: 'Lena Long', level: 2 }).waitFor();
    await page.locator('.message-body', { hasText: 'Long chat 70' }).waitFor();
    // The first page holds the newest 50 messages; the rest come as the agent scrolls up.
    expect((await bubbleTexts(page)).length).toBeLessThan(71);
    await page.getByRole('button', { name: 'Load earlier messages' }).waitFor();
    await page.locator('.message-list').evaluate((list) => list.scrollTo({ top: 0 }));
    await page.getByText('Start of the conversation').waitFor();
    expect(await bubbleTexts(page)).toEqual(Array.from({ length: 71 }, (_, i) => `Long chat ${i}`));
    await long.close();
  });
});
