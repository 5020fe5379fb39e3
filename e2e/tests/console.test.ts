import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, newTestPage, saveScreenshot, updateDocsScreenshot, type TestPage } from '../support/browser';
import { becomePresent, bubbleTexts, composer, createChannelAgents, expectText, openConsole, type AgentAccount } from '../support/console';
import { ApiVisitor, gql } from '../support/graphql';

// Two agents (Alice answers; Bob can listen in) and visitors driven through the public API, on
// the real server with its embedded database. The steps build on each other, in order.
describe('agent console', () => {
  let server: ApiServer;
  let browser: Browser;
  let adminToken: string;
  let alice: AgentAccount;
  let bob: AgentAccount;
  let aliceConsole: TestPage;
  let bobConsole: TestPage;
  let vera: ApiVisitor;
  let walter: ApiVisitor;
  let channelId: string;

  const page = () => aliceConsole.page;
  const notificationsOf = (p: Page) => p.evaluate(() => (window as unknown as { __notifications: { title: string; body?: string }[] }).__notifications);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiServer(), launchChromium()]);
    const setup = await createChannelAgents(server, 'Technical support', [
      { key: 'alice', name: 'Alice Agent', flags: { canRespond: true, getsNotifications: true } },
      { key: 'bob', name: 'Bob Backup', flags: { canRespond: true, getsNotifications: false, canListenIn: true } },
    ]);
    adminToken = setup.adminToken;
    channelId = setup.channelId;
    alice = setup.agents.alice!;
    bob = setup.agents.bob!;
    // Alice is in Sales too (without notifications), so her dashboard has two channels to filter.
    const { channels } = await gql<{ channels: { id: string; name: string }[] }>(server.url, `{ channels { id name } }`, {}, adminToken);
    await gql(
      server.url,
      `mutation($channelId: ID!, $agentId: ID!) { setChannelMember(channelId: $channelId, agentId: $agentId, flags: { canRespond: true, getsNotifications: false }) { canRespond } }`,
      { channelId: channels.find((c) => c.name === 'Sales')!.id, agentId: alice.id },
      adminToken,
    );
  });
  afterAll(async () => {
    await vera?.close();
    await walter?.close();
    await browser?.close();
    await server?.dispose();
  });

  it('refuses a wrong password with a clear message, then signs in', async () => {
    aliceConsole = await openConsole(browser, server, alice).catch(async (error) => {
      throw new Error(`${error}\n${server.output()}`);
    });
    // The wrong-password path, in a second context so Alice's session stays.
    const stranger = await newTestPage(browser);
    await stranger.page.goto(`${server.url}/console/dashboard`);
    await stranger.page.getByLabel('Email').fill(alice.email);
    await stranger.page.getByLabel('Password').fill('not-the-password');
    await stranger.page.getByRole('button', { name: 'Sign in' }).click();
    // The server's own words: the same for an unknown email, so they reveal no account.
    await expectText(stranger.page.getByRole('alert'), 'Invalid email or password.');
    await stranger.close();

    await becomePresent(page());
    bobConsole = await openConsole(browser, server, bob);
    await becomePresent(bobConsole.page);
    // Bob has can-listen-in: his dashboard shows the ongoing list; Alice's does not.
    await bobConsole.page.getByRole('heading', { name: /Ongoing/ }).waitFor();
    expect(
      await page()
        .getByRole('heading', { name: /Ongoing/ })
        .count(),
    ).toBe(0);
  });

  it('shows a new chat live on the dashboard with its badge, a notification and a sound', async () => {
    vera = await ApiVisitor.start(server.url, {
      channelId,
      message: 'Hi, my invoice shows the wrong amount.',
      name: 'Vera Visitor',
      email: 'vera@example.com',
      company: 'Acme',
    });

    const incoming = page().getByRole('list', { name: 'Incoming chats' });
    await incoming.getByText('Vera Visitor').waitFor();
    await expectText(incoming, /my invoice shows the wrong amount/);
    await expectText(page().getByRole('link', { name: /Dashboard/ }), /1 incoming chat not yet answered/);
    await expectText(page().getByRole('list', { name: 'Live statistics' }), /Waiting\s*1/);

    // Alice gets notifications in this channel: a browser notification and the chime.
    await page().waitForFunction(() => (window as unknown as { __notifications: unknown[] }).__notifications.length > 0);
    expect(await notificationsOf(page())).toEqual([{ title: 'New chat in Technical support', body: 'Vera Visitor: Hi, my invoice shows the wrong amount.' }]);
    expect(await page().evaluate(() => (window as unknown as { __chimes: number }).__chimes)).toBeGreaterThan(0);
    // Bob's membership has notifications off.
    await bobConsole.page.getByRole('list', { name: 'Incoming chats' }).getByText('Vera Visitor').waitFor();
    expect(await notificationsOf(bobConsole.page)).toEqual([]);

    await saveScreenshot(page(), 'dashboard');
  });

  it('takes the next chat from the queue on the Chats tab', async () => {
    await page()
      .getByRole('link', { name: /^Chats/ })
      .click();
    await expectText(page().locator('.queue-count'), /1\s*in queue/);
    await page().getByRole('button', { name: 'Get next in queue' }).click();
    await page().getByRole('heading', { name: 'Vera Visitor', level: 2 }).waitFor();
    await expectText(page().locator('.status-pill'), 'Active');
    await expectText(page().locator('.queue-count'), /0\s*in queue/);
    await expectText(page().getByRole('link', { name: /^Chats/ }), /1 chat you are handling/);
    // The visitor is told an agent joined.
    await vera.events.waitFor(
      (v) => v.chatEvents.type === 'AGENT_JOINED' || v.chatEvents.message?.systemType === 'AGENT_JOINED' || v.chatEvents.status === 'ACTIVE',
    );
  });

  it('exchanges messages live both ways, with typing indicators and read receipts', async () => {
    // Visitor → agent, with the typing indicator first.
    // Typing is live-only: the visitor repeats it while typing, as the widget does, so the
    // indicator shows once the conversation's subscription is up.
    const indicator = page().getByText('Vera Visitor is typing…');
    for (let attempt = 0; !(await indicator.isVisible()); attempt += 1) {
      if (attempt === 30) throw new Error('the typing indicator never showed');
      await vera.setTyping(true);
      await indicator.waitFor({ timeout: 500 }).catch(() => undefined);
    }
    await vera.send('The invoice number is 2024-118.');
    await page().locator('.message-visitor .message-body', { hasText: 'The invoice number is 2024-118.' }).waitFor();
    expect(await page().getByText('Vera Visitor is typing…').count()).toBe(0);

    // Agent → visitor: Shift+Enter adds a line, Enter sends; the visitor sees the agent typing.
    await composer(page()).click();
    await composer(page()).pressSequentially('Thanks Vera!');
    await vera.events.waitFor((v) => v.chatEvents.type === 'TYPING' && v.chatEvents.typing?.by === 'AGENT' && v.chatEvents.typing.isTyping);
    await composer(page()).press('Shift+Enter');
    await composer(page()).pressSequentially('Let me look at invoice 2024-118.');
    expect(await composer(page()).inputValue()).toBe('Thanks Vera!\nLet me look at invoice 2024-118.');
    await composer(page()).press('Enter');
    const sent = await vera.waitForMessage('Thanks Vera!\nLet me look at invoice 2024-118.');
    expect(await composer(page()).inputValue()).toBe('');
    expect(sent.chatEvents.message?.clientMessageId).toMatch(/^[0-9a-f-]{36}$/);

    // Read receipt: delivered (✓) until the visitor reads it, then seen (✓✓).
    const ownMessage = page().locator('.message-agent', { hasText: 'Let me look at invoice 2024-118.' });
    await ownMessage.getByText('Delivered').waitFor({ state: 'attached' });
    await vera.markRead(sent.chatEvents.message!.cursor);
    await ownMessage.getByText('Seen by the visitor').waitFor({ state: 'attached' });

    // The agent read the visitor's messages: the server has the read cursor (no unread left).
    await expectText(page().locator('.chat-row', { hasText: 'Vera Visitor' }), /Agent wrote last/);
    expect(await page().locator('.chat-row .count-badge').count()).toBe(0);
  });

  it('shows unread counts and who wrote last in the chat list, and moves between chats by keyboard', async () => {
    // Alice switches browser notifications off (the chime stays on): the setting is hers, on the server.
    await page()
      .getByRole('button', { name: /Alice Agent/ })
      .click();
    await page().getByLabel('Browser notification for new chats').uncheck();
    await page()
      .getByRole('button', { name: /Alice Agent/ })
      .click();
    const chimesBefore = await page().evaluate(() => (window as unknown as { __chimes: number }).__chimes);

    walter = await ApiVisitor.start(server.url, {
      channelId,
      message: 'Do you ship to Norway?',
      name: 'Walter Wanderer',
      email: 'walter@example.com',
      company: 'Fjord AS',
    });
    await expectText(page().locator('.queue-count'), /1\s*in queue/);
    await page().waitForFunction((before) => (window as unknown as { __chimes: number }).__chimes > before, chimesBefore);
    expect(await notificationsOf(page())).toHaveLength(1);

    // Answered from the Dashboard this time, after checking the channel filter.
    await page()
      .getByRole('link', { name: /Dashboard/ })
      .click();
    const incoming = page().getByRole('list', { name: 'Incoming chats' });
    await incoming.getByText('Walter Wanderer').waitFor();
    await page().getByRole('group', { name: 'Channels shown' }).getByRole('button', { name: 'Sales' }).click();
    await page().getByText('Nobody is waiting').waitFor();
    await expectText(page().getByRole('list', { name: 'Live statistics' }), /Waiting\s*0/);
    await page().getByRole('button', { name: 'All channels' }).click();
    await incoming.getByRole('button', { name: 'Answer Walter Wanderer' }).click();
    await page().getByRole('heading', { name: 'Walter Wanderer', level: 2 }).waitFor();

    await composer(page()).fill('Hi Walter! Yes, we ship to Norway in 2–3 working days.');
    await composer(page()).press('Enter');
    await walter.waitForMessage('Hi Walter! Yes, we ship to Norway in 2–3 working days.');
    await walter.send('Great, and is shipping free?');
    await page().locator('.message-body', { hasText: 'is shipping free?' }).waitFor();

    // Vera writes while Alice looks at Walter's chat: Vera's row gets an unread badge and the visitor dot.
    await vera.send('Are you still there?');
    const veraRow = page().locator('.chat-row', { hasText: 'Vera Visitor' });
    // The row's sentence for screen readers says what the dot and the badge show.
    await expectText(veraRow.locator('.sr-only'), '. Visitor wrote last. 1 unread message.');
    await expectText(veraRow.locator('.chat-row-preview'), 'Are you still there?');
    // The most recent message first.
    await expectText(page().locator('.chat-list-section').first().locator('.chat-row').first(), /Vera Visitor/);
    for (const dismiss of await page().getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click();
    await updateDocsScreenshot(await saveScreenshot(page(), 'chats'), 'console-chats.png');

    // Keyboard: Alt+↓ opens the next chat, Alt+I focuses the reply box, ? shows the shortcuts.
    await page()
      .locator('body')
      .click({ position: { x: 5, y: 400 } });
    await page().keyboard.press('Alt+ArrowUp');
    await page().getByRole('heading', { name: 'Vera Visitor', level: 2 }).waitFor();
    // Opening it reads it: the badge goes, and Vera still wrote last.
    await page().locator('.chat-row', { hasText: 'Vera Visitor' }).locator('.count-badge').waitFor({ state: 'detached' });
    await expectText(veraRow.locator('.sr-only'), '. Visitor wrote last.');
    expect(await veraRow.locator('.author-dot').getAttribute('class')).toBe('author-dot author-dot-visitor');
    await page().keyboard.press('Alt+ArrowDown');
    await page().getByRole('heading', { name: 'Walter Wanderer', level: 2 }).waitFor();
    await page().keyboard.press('Alt+KeyI');
    expect(await page().evaluate(() => document.activeElement?.id)).toBe('composer-input');
    await page().locator('.message-list').click();
    await page().keyboard.press('Shift+Slash');
    const help = page().getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expectText(help, /Next chat in the list/);
    await expectText(help, /Open Insert/);
    await page().keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page().locator('.chat-row', { hasText: 'Vera Visitor' }).click();
    await page().getByRole('heading', { name: 'Vera Visitor', level: 2 }).waitFor();
  });

  it('inserts a reply template with its variables filled in', async () => {
    await composer(page()).click();
    await page().keyboard.press('Alt+KeyK');
    const search = page().getByRole('combobox', { name: /Search templates/ });
    await search.fill('hello');
    await page().getByRole('option', { name: /Hello/ }).waitFor();
    await search.press('Enter');
    await page()
      .getByRole('dialog', { name: /Insert a template/ })
      .waitFor({ state: 'detached' });
    expect(await composer(page()).inputValue()).toBe('Hi Vera Visitor, this is Alice Agent. How can I help you today?');
    await composer(page()).press('Enter');
    await vera.waitForMessage('Hi Vera Visitor, this is Alice Agent. How can I help you today?');
  });

  it('sends an attachment by upload and shows the image preview', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
    await page().locator('input[type=file][aria-label="Attach files"]').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: png });
    const message = await vera.events.waitFor((v) => (v.chatEvents.message?.attachments.length ?? 0) > 0);
    expect(message.chatEvents.message).toMatchObject({
      authorKind: 'AGENT',
      attachments: [{ fileName: 'screenshot.png', contentType: 'image/png', isImage: true }],
    });
    const image = page().locator('.message-agent img.attachment-image[alt="screenshot.png"]');
    await image.waitFor();
    await page().waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.message-agent img.attachment-image[alt="screenshot.png"]');
      return !!img && img.complete && img.naturalWidth === 4;
    });
  });

  it('sends a file dropped on the conversation, and creates a contact with its company from the chat', async () => {
    await page().locator('.chat-row', { hasText: 'Walter Wanderer' }).click();
    await page().getByRole('heading', { name: 'Walter Wanderer', level: 2 }).waitFor();
    await page()
      .locator('.conversation')
      .evaluate((pane) => {
        const data = new DataTransfer();
        data.items.add(new File(['Order 7, 2 boxes\n'], 'order-notes.txt', { type: 'text/plain' }));
        pane.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        pane.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      });
    const received = await walter.events.waitFor((v) => v.chatEvents.message?.attachments.some((a) => a.fileName === 'order-notes.txt') ?? false);
    expect(received.chatEvents.message?.attachments[0]).toMatchObject({ contentType: expect.stringMatching(/^text\/plain/), isImage: false });
    await page()
      .getByRole('link', { name: /order-notes\.txt/ })
      .waitFor();

    const panel = page().getByRole('complementary', { name: 'Contact' });
    await panel.getByRole('button', { name: '+ Create contact from this chat' }).click();
    // The names are left empty for the server to split the visitor's name.
    expect(await panel.getByLabel('First name').inputValue()).toBe('');
    expect(await panel.getByLabel('Last name').inputValue()).toBe('');
    expect(await panel.getByLabel('Email').inputValue()).toBe('walter@example.com');
    expect(await panel.getByLabel('Also create a company').isChecked()).toBe(true);
    expect(await panel.getByLabel('Company name').inputValue()).toBe('Fjord AS');
    await panel.getByLabel('Job title').fill('Buyer');
    await panel.getByRole('button', { name: 'Create contact and company' }).click();
    await expectText(panel.locator('.contact-card'), /Buyer at Fjord AS/);

    const { chatSession } = await gql<{ chatSession: { contact: { name: string; email: string } | null; company: { name: string } | null } }>(
      server.url,
      `query($id: ID!) { chatSession(id: $id) { contact { name email } company { name } } }`,
      { id: walter.sessionId },
      adminToken,
    );
    expect(chatSession).toEqual({ contact: { name: 'Walter Wanderer', email: 'walter@example.com' }, company: { name: 'Fjord AS' } });

    await page().locator('.chat-row', { hasText: 'Vera Visitor' }).click();
    await page().getByRole('heading', { name: 'Vera Visitor', level: 2 }).waitFor();
  });

  it('lets Bob listen in read-only without anyone being told', async () => {
    const bp = bobConsole.page;
    await bp.getByRole('link', { name: 'Dashboard' }).click();
    const ongoing = bp.getByRole('list', { name: 'Ongoing chats' });
    await ongoing.getByText('Vera Visitor').waitFor();
    await ongoing.getByRole('button', { name: /Listen in to Vera Visitor with Alice Agent/ }).click();
    await bp.getByRole('heading', { name: 'Vera Visitor', level: 2 }).waitFor();
    await expectText(bp.locator('.conversation-banner'), /Listening in to Alice Agent’s chat/);
    expect(await composer(bp).count()).toBe(0);
    expect(await bubbleTexts(bp)).toContain('The invoice number is 2024-118.');
    await saveScreenshot(bp, 'listen-in');

    await vera.send('Hello again from Vera');
    await bp.locator('.message-body', { hasText: 'Hello again from Vera' }).waitFor();
    await composer(page()).fill('Alice here, still checking.');
    await composer(page()).press('Enter');
    await bp.locator('.message-body', { hasText: 'Alice here, still checking.' }).waitFor();
    // The visitor got no event about the listener.
    expect(vera.events.values.some((v) => /listen/i.test(JSON.stringify(v)))).toBe(false);
  });

  it('offers a transfer that the receiver rejects, then one the sender cancels', async () => {
    // Bob is on his Dashboard: the offer reaches him there as a prompt.
    await bobConsole.page.getByRole('link', { name: /Dashboard/ }).click();
    await page().getByRole('button', { name: 'Transfer' }).click();
    const dialog = page().getByRole('dialog', { name: 'Transfer chat' });
    await dialog.getByRole('radio', { name: /Bob Backup/ }).check();
    await dialog.getByLabel(/Note for your colleague/).fill('Billing question, you know this customer.');
    await dialog.getByRole('button', { name: 'Offer transfer' }).click();
    await expectText(page().locator('.conversation-banner'), /Waiting for Bob Backup to accept/);
    await expectText(page().locator('.chat-row', { hasText: 'Vera Visitor' }), /Transfer to Bob Backup waiting to be accepted/);

    const prompt = bobConsole.page.getByRole('alertdialog', { name: 'Transfer request' });
    await expectText(prompt, /Alice Agent wants to hand you the chat with Vera Visitor/);
    await expectText(prompt, /Billing question, you know this customer/);
    await saveScreenshot(bobConsole.page, 'transfer-offered');
    await prompt.getByRole('button', { name: 'Reject' }).click();
    await prompt.waitFor({ state: 'detached' });

    await page().locator('.toast', { hasText: 'Bob Backup declined the transfer' }).waitFor();
    await page().locator('.conversation-banner', { hasText: 'Waiting for Bob Backup' }).waitFor({ state: 'detached' });
    await page()
      .locator('.system-message', { hasText: /reject|declin/i })
      .waitFor();
    expect(await composer(page()).isEditable()).toBe(true);

    // Offered again and withdrawn: the receiver's prompt goes away.
    await page().getByRole('button', { name: 'Transfer' }).click();
    await dialog.getByRole('radio', { name: /Bob Backup/ }).check();
    await dialog.getByRole('button', { name: 'Offer transfer' }).click();
    await prompt.waitFor();
    await page().getByRole('button', { name: 'Cancel transfer' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page().locator('.conversation-banner', { hasText: 'Waiting for Bob Backup' }).waitFor({ state: 'detached' });
  });

  it('hands the chat over when the receiver accepts; the sender is left read-only', async () => {
    await page().getByRole('button', { name: 'Transfer' }).click();
    const dialog = page().getByRole('dialog', { name: 'Transfer chat' });
    await dialog.getByRole('radio', { name: /Bob Backup/ }).check();
    await dialog.getByRole('button', { name: 'Offer transfer' }).click();
    const prompt = bobConsole.page.getByRole('alertdialog', { name: 'Transfer request' });
    await prompt.getByRole('button', { name: 'Accept' }).click();

    const bp = bobConsole.page;
    await bp.waitForURL(/\/chats\/[0-9a-f-]+$/);
    await bp.getByRole('heading', { name: 'Vera Visitor', level: 2 }).waitFor();
    await expectText(bp.locator('.status-pill'), 'Active');
    await composer(bp).fill('Hi Vera, Bob here. I will take it from here.');
    await composer(bp).press('Enter');
    await vera.waitForMessage('Hi Vera, Bob here. I will take it from here.');

    await expectText(page().locator('.composer-disabled'), /now handled by Bob Backup/);
    expect(await composer(page()).count()).toBe(0);
    await page().locator('.message-body', { hasText: 'Bob here' }).waitFor();
    await page().locator('.chat-row', { hasText: 'Vera Visitor' }).waitFor({ state: 'detached' });
  });

  it('links the chat to a suggested contact and shows its records', async () => {
    const { createContact } = await gql<{ createContact: { id: string } }>(
      server.url,
      `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      { input: { firstName: 'Vera', lastName: 'Visitor', email: 'vera@example.com', title: 'Controller' } },
      adminToken,
    );
    const bp = bobConsole.page;
    const panel = bp.getByRole('complementary', { name: 'Contact' });
    // The panel was loaded before the contact existed: search finds it too.
    await panel.getByLabel('Search contacts').fill('vera@example');
    await panel.getByRole('list', { name: 'Search results' }).getByText('Vera Visitor').waitFor();
    await bp.reload();
    await panel.getByRole('list', { name: 'Suggested contacts' }).getByText('Same email').waitFor();
    await panel.getByRole('button', { name: 'Link Vera Visitor to this chat' }).click();
    await expectText(panel.locator('.contact-card'), /Controller/);
    await expectText(panel.getByRole('tab', { name: /Requests/ }), 'Requests 0');
    await panel.getByRole('tab', { name: /Chats/ }).click();
    await expectText(panel.getByRole('tabpanel'), /Technical support/);

    const { chatSession } = await gql<{ chatSession: { contact: { id: string } | null } }>(
      server.url,
      `query($id: ID!) { chatSession(id: $id) { contact { id } } }`,
      { id: vera.sessionId },
      adminToken,
    );
    expect(chatSession.contact?.id).toBe(createContact.id);
  });

  it('creates a request with the log attached and puts the request number in the reply box', async () => {
    const bp = bobConsole.page;
    await bp.getByRole('button', { name: 'Create request' }).click();
    const dialog = bp.getByRole('dialog', { name: 'Create request' });
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Hi, my invoice shows the wrong amount.');
    await dialog.getByLabel('Priority').selectOption('HIGH');
    await dialog.getByRole('button', { name: 'Create request' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await composer(bp).inputValue()).toMatch(/R-\d+/);
    const readyMessage = await composer(bp).inputValue();
    await composer(bp).press('Enter');
    await vera.waitForMessage(readyMessage);
    await bp.locator('.system-message', { hasText: /R-\d+/ }).getByText('Only agents see this').waitFor();

    const number = /R-\d+/.exec(readyMessage)![0];
    const { requests } = await gql<{ requests: { edges: { node: { displayNumber: string; priority: string; chatLog: string; source: string } }[] } }>(
      server.url,
      `query($search: String) { requests(filter: { search: $search }, first: 1) { edges { node { displayNumber priority chatLog source } } } }`,
      { search: number },
      adminToken,
    );
    expect(requests.edges[0]?.node).toMatchObject({ displayNumber: number, priority: 'HIGH', source: 'CHAT' });
    expect(requests.edges[0]?.node.chatLog).toContain('The invoice number is 2024-118.');
    // The chat's contact was linked to the request: the side panel lists it.
    const panel = bp.getByRole('complementary', { name: 'Contact' });
    await panel.getByRole('tab', { name: /Requests/ }).click();
    await expectText(panel.getByRole('tabpanel').locator('.record-title strong'), number);
    expect(await panel.getByRole('tabpanel').locator('.record').count()).toBe(1);
    await saveScreenshot(bp, 'chats-contact-panel');
  });

  it('ends the chat; it moves to Completed', async () => {
    const bp = bobConsole.page;
    await bp.getByRole('button', { name: 'End chat' }).click();
    await bp.getByRole('alertdialog', { name: 'End this chat?' }).getByRole('button', { name: 'End chat' }).click();
    await expectText(bp.locator('.status-pill'), 'Ended');
    await vera.events.waitFor((v) => v.chatEvents.status === 'ENDED');
    await expectText(bp.locator('.chat-list-section', { hasText: 'Completed' }), /Vera Visitor/);
  });

  it('signs out from the menu, and the token stops working', async () => {
    const bp = bobConsole.page;
    const token = await bp.evaluate(() => localStorage.getItem('livechat.console.token'));
    await bp.getByRole('button', { name: /Bob Backup/ }).click();
    await bp.getByRole('button', { name: 'Sign out' }).click();
    await bp.getByRole('heading', { name: 'Sign in to Live Chat' }).waitFor();
    await expectText(bp.getByRole('status'), 'You are signed out.');
    await expect(gql(server.url, `{ me { id } }`, {}, token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('goes back to the login page when the session is revoked', async () => {
    await gql(server.url, `mutation($id: ID!) { revokeAgentSessions(agentId: $id) }`, { id: alice.id }, adminToken);
    // Without her doing anything: the server closes her live socket with 4401 at once.
    await page().getByRole('heading', { name: 'Sign in to Live Chat' }).waitFor();
    await expectText(page().getByRole('status'), /session has ended/);
    expect([...aliceConsole.errors, ...bobConsole.errors].filter((e) => !/status of (401|404)|Failed to load resource/.test(e))).toEqual([]);
  });
});
