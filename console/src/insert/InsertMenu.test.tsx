import { cleanup, fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { gql, login } from 'e2e/support/graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGraphqlConnection } from '../graphql-client';
import { createInsertSource, type InsertSource } from './insert-source';
import { InsertMenu } from './InsertMenu';

// The Insert menu against the real API (seeded templates, FAQ and this agent's quick replies),
// so what is tested is the server's search as the agent types, not a stand-in.
describe('InsertMenu', () => {
  let server: ApiServer;
  let source: InsertSource;
  let sessionId: string;

  beforeAll(async () => {
    server = await startApiServer({ requireBuiltConsole: false });
    const admin = await login(server.url, server.adminEmail, server.adminPassword);
    const { channels } = await gql<{ channels: { id: string; name: string }[] }>(server.url, `{ channels { id name } }`, {}, admin.token);
    await gql(server.url, `mutation { setPresence(presence: PRESENT) { id } }`, {}, admin.token);
    await gql(server.url, `mutation($input: StartChatInput!) { startChat(input: $input) { session { id } } }`, {
      input: {
        channelId: channels.find((c) => c.name === 'Technical support')!.id,
        message: 'I forgot my password',
        name: 'Vera Visitor',
        email: 'vera@example.com',
      },
    });
    const taken = await gql<{ getNextInQueue: { id: string } }>(server.url, `mutation { getNextInQueue { id } }`, {}, admin.token);
    sessionId = taken.getNextInQueue.id;
    await gql(server.url, `mutation { createQuickReply(input: { name: "Opening hours", content: "We are open 8–16 on weekdays." }) { id } }`, {}, admin.token);
    const { client } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => admin.token });
    source = createInsertSource(client);
  });
  afterAll(async () => {
    await server?.dispose();
  });
  afterEach(cleanup);

  function open() {
    const onInsertText = vi.fn<(text: string) => void>();
    const onClose = vi.fn();
    const onSent = vi.fn();
    render(() => <InsertMenu sessionId={sessionId} source={source} onInsertText={onInsertText} onSent={onSent} onClose={onClose} />);
    return { onInsertText, onClose, onSent, search: screen.getByRole('combobox', { name: /Search templates/ }) as HTMLInputElement };
  }

  const optionNames = () => screen.queryAllByRole('option').map((o) => o.querySelector('.insert-option-title')?.textContent);

  it('browses templates by folder, with favourites first, and fills in the variables of the one picked', async () => {
    const { onInsertText, search } = open();
    expect(document.activeElement).toBe(search);
    const greetings = await screen.findByRole('group', { name: 'Greetings' });
    expect(
      within(greetings)
        .getAllByRole('option')
        .map((o) => o.querySelector('.insert-option-title')?.textContent),
    ).toEqual(['Goodbye', 'Hello', 'One moment']);

    fireEvent.click(within(greetings).getByRole('button', { name: 'Add One moment to favourites' }));
    const favourites = await screen.findByRole('group', { name: 'Favourites' });
    expect(within(favourites).getAllByRole('option')).toHaveLength(1);
    expect(optionNames()[0]).toBe('One moment');

    // The first option is active; Enter asks the server to fill it in for this chat.
    expect(screen.getAllByRole('option')[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(onInsertText).toHaveBeenCalledWith('Thanks, Vera Visitor. Give me a moment to look into this.'));
  });

  it('searches as you type, with counts per kind, and moves through results with the arrow keys', async () => {
    const { onInsertText, search } = open();
    await screen.findByRole('group', { name: 'Greetings' });
    fireEvent.input(search, { target: { value: 'goo' } });
    await screen.findByRole('group', { name: 'Matching templates' });
    await waitFor(() => expect(optionNames()).toEqual(['Goodbye']));

    fireEvent.input(search, { target: { value: 'password' } });
    await waitFor(() => expect(screen.getByText(/Nothing matches “password”/)).toBeTruthy());
    expect(screen.getByText(/Matches in FAQ \(1\)/)).toBeTruthy();
    fireEvent.keyDown(search, { key: 'ArrowRight', ctrlKey: true });
    expect(screen.getByRole('tab', { name: /FAQ/ }).getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(optionNames()).toEqual(['How do I reset my password?']));
    fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() =>
      expect(onInsertText).toHaveBeenCalledWith('How do I reset my password?\nOpen Settings → Account → Reset password, and follow the link we email you.'),
    );

    fireEvent.input(search, { target: { value: 'we' } });
    fireEvent.click(screen.getByRole('tab', { name: /Quick replies/ }));
    await waitFor(() => expect(optionNames()).toEqual(['Opening hours']));
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    fireEvent.keyDown(search, { key: 'ArrowUp' });
    fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(onInsertText).toHaveBeenLastCalledWith('We are open 8–16 on weekdays.'));
  });

  it('takes the best match when Enter comes before the search answered', async () => {
    const { onInsertText, search } = open();
    await screen.findByRole('group', { name: 'Greetings' });
    fireEvent.input(search, { target: { value: 'hello' } });
    fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(onInsertText).toHaveBeenCalledTimes(1));
    expect(onInsertText).toHaveBeenCalledWith('Hi Vera Visitor, this is Admin. How can I help you today?');
  });

  it('manages quick replies in place: add, edit, delete', async () => {
    const { search } = open();
    fireEvent.click(screen.getByRole('tab', { name: /Quick replies/ }));
    await waitFor(() => expect(optionNames()).toContain('Opening hours'));
    fireEvent.click(screen.getByRole('button', { name: 'Manage quick replies' }));

    fireEvent.click(screen.getByRole('button', { name: '+ New quick reply' }));
    fireEvent.input(screen.getByLabelText('Name (private)'), { target: { value: 'Refund policy' } });
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'Refunds take 5 working days.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add quick reply' }));
    await screen.findByRole('button', { name: 'Edit Refund policy' });

    fireEvent.click(screen.getByRole('button', { name: 'Edit Refund policy' }));
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'Refunds take 3 working days.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Refunds take 3 working days.');

    fireEvent.click(screen.getByRole('button', { name: 'Delete Opening hours' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Edit Opening hours' })).toBeNull());

    // The server has exactly what the agent sees.
    const stored = await source.search('refunds');
    expect(stored.quickReplies.map((q) => [q.name, q.content])).toEqual([['Refund policy', 'Refunds take 3 working days.']]);
    expect((await source.library()).quickReplies.map((q) => q.name)).toEqual(['Refund policy']);

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(optionNames()).toEqual(['Refund policy']));
    expect(document.activeElement).toBe(search);
  });

  it('shows a server refusal clearly and closes on Escape', async () => {
    const { onClose, search } = open();
    fireEvent.click(screen.getByRole('tab', { name: /Quick replies/ }));
    await waitFor(() => expect(optionNames()).toEqual(['Refund policy']));
    fireEvent.click(screen.getByRole('button', { name: 'Manage quick replies' }));
    fireEvent.click(await screen.findByRole('button', { name: '+ New quick reply' }));
    fireEvent.input(screen.getByLabelText('Name (private)'), { target: { value: 'x'.repeat(100) } });
    // 4001 characters: the browser's maxLength does not stop a programmatic value; the server does.
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'y'.repeat(4001) } });
    fireEvent.click(screen.getByRole('button', { name: 'Add quick reply' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/content/i);

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    fireEvent.keyDown(search, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
