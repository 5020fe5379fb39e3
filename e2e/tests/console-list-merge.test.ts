import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, type TestPage } from '../support/browser';
import { becomePresent, createChannelAgents, expectText, openConsole, type AgentAccount } from '../support/console';
import { ApiVisitor, gql, login } from '../support/graphql';

// Issue 13: a message in one of my chats reaches my console's list through agentEvents' rows,
// merged into the normalised cache: no MyChats refetch, and markRead only for the open chat.
describe('console chat list under visitor messages', () => {
  let server: ApiServer;
  let browser: Browser;
  let ada: AgentAccount;
  let adaConsole: TestPage;
  const visitors: ApiVisitor[] = [];
  let channelId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiServer(), launchChromium()]);
    const setup = await createChannelAgents(server, 'Technical support', [
      { key: 'ada', name: 'Ada Agent', flags: { canRespond: true, getsNotifications: false } },
    ]);
    channelId = setup.channelId;
    ada = setup.agents.ada!;
  });
  afterAll(async () => {
    for (const visitor of visitors) await visitor.close();
    await browser?.close();
    await server?.dispose();
  });

  it('merges 10 visitor messages in 3 chats (1 open) without refetching the list, and marks only the open chat read', async () => {
    adaConsole = await openConsole(browser, server, ada);
    const page = adaConsole.page;
    await becomePresent(page);
    const { token } = await login(server.url, ada.email, ada.password);
    const names = ['Olga Open', 'Pia Second', 'Quinn Third'];
    for (const name of names) {
      const visitor = await ApiVisitor.start(server.url, {
        channelId,
        message: `Hello from ${name}`,
        name,
        email: `${name.split(' ')[0]!.toLowerCase()}@example.com`,
      });
      visitors.push(visitor);
      await gql(server.url, `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`, { id: visitor.sessionId }, token);
    }
    const rowOf = (name: string) => page.locator('.chat-row', { hasText: name });

    await page.goto(`${server.url}/console/chats/${visitors[0]!.sessionId}`);
    await page.getByRole('heading', { name: 'Olga Open', level: 2 }).waitFor();
    for (const name of names) await rowOf(name).waitFor();
    await expectText(rowOf('Olga Open').locator('.sr-only'), /Visitor wrote last\.$/);
    await page.waitForLoadState('networkidle');

    const operations: { name: string; variables: Record<string, unknown> }[] = [];
    // urql sends short queries as GET (operationName in the URL) and mutations as POST.
    const record = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname !== '/graphql') return;
      if (request.method() === 'GET') {
        const name = url.searchParams.get('operationName');
        if (name) operations.push({ name, variables: JSON.parse(url.searchParams.get('variables') ?? '{}') });
        return;
      }
      const body = request.postDataJSON() as { operationName?: string; variables?: Record<string, unknown> } | null;
      if (body?.operationName) operations.push({ name: body.operationName, variables: body.variables ?? {} });
    };
    page.on('request', record);

    const sent = [0, 0, 0];
    for (let i = 0; i < 10; i += 1) {
      const which = i % 3;
      const body = `Message ${i + 1} for ${names[which]}`;
      await visitors[which]!.send(body);
      sent[which]! += 1;
      // Each message shows in its row before the next is sent, so each is its own event.
      await expectText(rowOf(names[which]!).locator('.chat-row-preview'), body);
    }
    await page.locator('.message-body', { hasText: 'Message 10 for Olga Open' }).waitFor();
    for (const [i, name] of names.entries()) {
      // The open chat is read as messages arrive; the others count their first message too.
      const unread = i === 0 ? '' : ` ${sent[i]! + 1} unread messages.`;
      await expectText(rowOf(name).locator('.sr-only'), new RegExp(`Visitor wrote last\\.${unread.replace(/\./g, '\\.')}$`));
    }
    await page.waitForLoadState('networkidle');
    page.off('request', record);

    // Something was recorded at all: the open chat's read receipts.
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((o) => o.name === 'MyChats')).toEqual([]);
    const reads = operations.filter((o) => o.name === 'MarkRead');
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads.map((o) => o.variables.sessionId))).toEqual(new Set([visitors[0]!.sessionId]));
    // The list is ordered by the last message: Olga got message 10.
    await expectText(page.locator('.chat-list-section').first().locator('.chat-row').first(), /Olga Open/);
  });
});
