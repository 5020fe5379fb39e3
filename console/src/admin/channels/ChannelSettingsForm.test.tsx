import { createServer, type AddressInfo } from 'node:net';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import type { Client } from '@urql/core';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { gql, login } from 'e2e/support/graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runMutation, runQuery } from '../../api';
import { readFragment } from '../../graphql';
import { createGraphqlConnection } from '../../graphql-client';
import { formFromChannel, newChannelForm, type ChannelForm, type ChannelInput } from './channel-form';
import { ChannelAdminQuery, ChannelSettingsFields, UpdateChannelMutation } from './operations';
import { contrastWithWhite, folderPaths } from './channel-settings';
import { ChannelSettingsForm } from './ChannelSettingsForm';

type Save = (input: ChannelInput & { name: string }) => Promise<ChannelForm>;

// Saving goes to the real API (embedded database), so what the form shows for a refusal is what
// the server really answers; the checks made before sending need no server.
let server: ApiServer;
let adminToken: string;
let client: Client;
beforeAll(async () => {
  server = await startApiServer({ requireBuiltConsole: false });
  adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
  ({ client } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => adminToken }));
});
afterAll(async () => {
  await server?.dispose();
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const api = <T = any>(query: string, variables: Record<string, unknown> = {}) => gql<T>(server.url, query, variables, adminToken);
const unique = (name: string) => `${name} ${crypto.randomUUID().slice(0, 6)}`;

/** A new channel on the server and the editor's save for it, as the channel editor page wires them. */
async function channelOnServer(name = unique('Support')) {
  const { createChannel } = await api<{ createChannel: { id: string } }>(`mutation($name: String!) { createChannel(input: { name: $name }) { id } }`, { name });
  const id = createChannel.id;
  const loaded = await runQuery(client, ChannelAdminQuery, { id });
  const save: Save = async (input) =>
    formFromChannel(readFragment(ChannelSettingsFields, (await runMutation(client, UpdateChannelMutation, { id, input })).updateChannel));
  return { id, name, initial: formFromChannel(readFragment(ChannelSettingsFields, loaded.channel)), save };
}

function renderForm(onSave: Save, initial: ChannelForm = { ...newChannelForm('UTC'), name: 'Support' }) {
  const saves: (ChannelInput & { name: string })[] = [];
  const dirty: boolean[] = [];
  render(() => (
    <ChannelSettingsForm
      initial={initial}
      faqFolders={[
        { id: 'f2', name: 'Billing', parent: { id: 'f1' } },
        { id: 'f1', name: 'Public', parent: null },
      ]}
      submitLabel="Save changes"
      onDirtyChange={(value) => dirty.push(value)}
      onSave={(input) => {
        saves.push(input);
        return onSave(input);
      }}
    />
  ));
  return { saves, dirty };
}

/** A control by its accessible name (the required mark is aria-hidden, so not part of it). */
const field = (name: string, role: 'textbox' | 'combobox' | 'checkbox' = 'textbox') => screen.getByRole(role, { name }) as HTMLInputElement;
const saveButton = () => screen.getByRole('button', { name: 'Save changes' }) as HTMLButtonElement;
const errorOf = (control: HTMLElement) => {
  const ids = control.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)).find((el) => el?.classList.contains('field-error'))?.textContent ?? null;
};

afterEach(cleanup);

describe('ChannelSettingsForm', () => {
  it('enables saving only with changes, sends every setting and confirms', async () => {
    const channel = await channelOnServer();
    const { saves, dirty } = renderForm(channel.save, channel.initial);
    expect(saveButton().disabled).toBe(true);
    fireEvent.input(field('Badge header'), { target: { value: 'Talk to us' } });
    expect(saveButton().disabled).toBe(false);
    expect(screen.getByText('You have unsaved changes.')).toBeTruthy();
    expect(dirty).toEqual([false, true]);

    fireEvent.click(saveButton());
    await screen.findByText('Saved.');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ name: channel.name, badgeHeader: 'Talk to us', language: 'en', widgetColor: '#2563eb', openingHours: expect.any(Array) });
    expect(Object.keys(saves[0]!).sort()).toHaveLength(30);
    expect(saveButton().disabled).toBe(true);
    expect(dirty.at(-1)).toBe(false);
    // The server has it.
    const { channel: stored } = await api(`query($id: ID!) { channel(id: $id) { badgeHeader widgetColor } }`, { id: channel.id });
    expect(stored).toEqual({ badgeHeader: 'Talk to us', widgetColor: '#2563eb' });
  });

  it('checks the form before sending: each problem sits next to its field and the first one gets focus', async () => {
    const { saves } = renderForm(async () => {
      throw new Error('must not be called');
    });
    fireEvent.input(field('Name'), { target: { value: '  ' } });
    fireEvent.input(field('Colour'), { target: { value: '#12' } });
    fireEvent.click(saveButton());
    expect(saves).toEqual([]);
    expect(screen.getByRole('status').textContent).toBe('Fix the 2 problems marked below, then save again.');
    expect(errorOf(field('Name'))).toBe('Enter a name.');
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(field('Colour'))).toBe('Use a colour written #rrggbb.');
    expect(document.activeElement).toBe(field('Name'));

    // Once shown, problems clear as they are fixed.
    fireEvent.input(field('Name'), { target: { value: 'Sales' } });
    expect(errorOf(field('Name'))).toBeNull();
    expect(field('Name').getAttribute('aria-invalid')).toBe('false');
    expect(errorOf(field('Colour'))).toBe('Use a colour written #rrggbb.');
  });

  it('shows a VALIDATION error from the server next to the field it names, and focuses it', async () => {
    // The form only checks that a logo URL starts with http(s); the server parses it.
    const channel = await channelOnServer();
    renderForm(channel.save, channel.initial);
    fireEvent.input(field('Logo URL'), { target: { value: 'https://[bad-host/logo.png' } });
    fireEvent.click(saveButton());
    await screen.findByText('Not saved: fix the problem marked below.');
    expect(errorOf(field('Logo URL'))).toBe('Must be an absolute URL starting with https:// or http://');
    expect(field('Logo URL').getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(field('Logo URL')));
    // The change is kept for fixing, not thrown away, and the server kept the old value.
    expect(field('Logo URL').value).toBe('https://[bad-host/logo.png');
    expect(saveButton().disabled).toBe(false);
    expect((await api(`query($id: ID!) { channel(id: $id) { widgetLogoUrl } }`, { id: channel.id })).channel.widgetLogoUrl).toBeNull();
  });

  it('shows a name clash (CONFLICT) at the name, and other failures as a general message', async () => {
    const taken = await channelOnServer(unique('Sales'));
    const channel = await channelOnServer();
    renderForm(channel.save, channel.initial);
    fireEvent.input(field('Name'), { target: { value: taken.name.toLowerCase() } });
    fireEvent.click(saveButton());
    await waitFor(() => expect(errorOf(field('Name'))).toBe(`A channel named "${taken.name}" already exists.`));
    cleanup();

    // Nothing answering at all: a port that was free a moment ago refuses the connection.
    const unreachable = createGraphqlConnection({ endpoint: `http://127.0.0.1:${await closedPort()}/graphql`, getToken: () => adminToken }).client;
    renderForm(async (input) => {
      await runMutation(unreachable, UpdateChannelMutation, { id: channel.id, input });
      throw new Error('nothing listens there; this save cannot succeed');
    }, channel.initial);
    fireEvent.input(field('Welcome message'), { target: { value: 'Hello from the returns team' } });
    fireEvent.click(saveButton());
    await screen.findByText('Not saved: Cannot reach the server. Check your connection and try again.');
  });

  it('discards unsaved changes back to the last saved settings', () => {
    renderForm(async () => newChannelForm());
    fireEvent.input(field('Welcome message'), { target: { value: 'Changed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(field('Welcome message').value).toBe('Hi! How can we help you?');
    expect(saveButton().disabled).toBe(true);
  });

  it('offers FAQ folders by path, and needs one for FAQ suggestions', async () => {
    renderForm(async () => newChannelForm());
    const select = field('FAQ folder', 'combobox') as unknown as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['No folder', 'Public', 'Public / Billing']);
    fireEvent.click(field('Suggest FAQ entries', 'checkbox'));
    fireEvent.click(saveButton());
    expect(errorOf(select)).toBe('Choose the FAQ folder suggestions come from.');
    fireEvent.change(select, { target: { value: 'f2' } });
    expect(errorOf(select)).toBeNull();
  });

  it('inserts queue variables and refuses unknown ones', () => {
    renderForm(async () => newChannelForm());
    const message = field('Queue message');
    fireEvent.input(message, { target: { value: 'Wait: ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Insert {averageWait}' }));
    expect(message.value).toBe('Wait: {averageWait}');
    fireEvent.input(message, { target: { value: 'Wait {mins}' } });
    fireEvent.click(saveButton());
    expect(errorOf(message)).toBe('{mins} is not a variable. Use {queuePosition} or {averageWait}.');
  });
});

describe('helpers', () => {
  it('builds folder paths and measures colour contrast', () => {
    expect(
      folderPaths([
        { id: 'b', name: 'B', parent: { id: 'a' } },
        { id: 'a', name: 'A' },
      ]),
    ).toEqual([
      { id: 'a', path: 'A' },
      { id: 'b', path: 'A / B' },
    ]);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21);
    expect(contrastWithWhite('blue')).toBeNull();
  });
});
