import { cleanup, fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import type { Client } from '@urql/core';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { createAgent, gql, login } from 'e2e/support/graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runMutation, runQuery } from '../../api';
import { readFragment } from '../../graphql';
import { createGraphqlConnection } from '../../graphql-client';
import { ChannelAdminQuery, ChannelMemberFields, RemoveChannelMemberMutation, SetChannelMemberMutation } from './operations';
import type { MemberFlags } from './members';
import { MembersPanel } from './MembersPanel';

// The members panel against the real API (embedded database), wired as the channel editor wires
// it: what it shows after a click, a refusal included, is what the server answered.
let server: ApiServer;
let adminToken: string;
type Person = { id: string; email: string; password: string; name: string };
const people: Record<'ada' | 'bob' | 'cleo' | 'dag', Person> = {} as never;

const api = <T = any>(query: string, variables: Record<string, unknown> = {}, token = adminToken) => gql<T>(server.url, query, variables, token);
const SET_MEMBER = `mutation($c: ID!, $a: ID!, $flags: ChannelMemberInput) { setChannelMember(channelId: $c, agentId: $a, flags: $flags) { canRespond } }`;
const DEACTIVATE = `mutation($id: ID!) { updateAgent(id: $id, input: { active: false }) { id } }`;

async function person(name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 6)}@members.test`;
  return { ...(await createAgent(server.url, adminToken, { email, name })), name };
}

beforeAll(async () => {
  server = await startApiServer({ requireBuiltConsole: false });
  adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
  people.ada = await person('Ada');
  people.bob = await person('Bob');
  people.cleo = await person('Cleo');
  people.dag = await person('Dag');
  await api(DEACTIVATE, { id: people.dag.id });
});
afterAll(async () => {
  await server?.dispose();
});
afterEach(cleanup);

/** A new channel with Ada (responds, notifications) and Bob (listens in, manages). */
async function channelWithMembers(): Promise<string> {
  const { createChannel } = await api<{ createChannel: { id: string } }>(`mutation($name: String!) { createChannel(input: { name: $name }) { id } }`, {
    name: `Members ${crypto.randomUUID().slice(0, 6)}`,
  });
  const c = createChannel.id;
  await api(SET_MEMBER, { c, a: people.ada.id, flags: { canRespond: true, getsNotifications: true, canListenIn: false, isManager: false } });
  await api(SET_MEMBER, { c, a: people.bob.id, flags: { canRespond: false, getsNotifications: false, canListenIn: true, isManager: true } });
  return c;
}

/** The panel as the channel editor shows it to the admin whose token is `token`. */
async function renderPanel(channelId: string, token = adminToken) {
  const { client }: { client: Client } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => token });
  const loaded = await runQuery(client, ChannelAdminQuery, { id: channelId });
  const setMember = async (agentId: string, flags: Partial<MemberFlags>) =>
    readFragment(ChannelMemberFields, (await runMutation(client, SetChannelMemberMutation, { channelId, agentId, flags })).setChannelMember);
  render(() => (
    <MembersPanel
      members={loaded.channel.members.map((m) => readFragment(ChannelMemberFields, m))}
      agents={loaded.agents}
      onSetFlags={setMember}
      onAdd={setMember}
      onRemove={async (agentId) => {
        await runMutation(client, RemoveChannelMemberMutation, { channelId, agentId });
      }}
    />
  ));
}

/** The members and their flags as the server has them now. */
async function membersOnServer(channelId: string) {
  const { channel } = await api<{ channel: { members: ({ agent: { name: string } } & MemberFlags)[] } }>(
    `query($id: ID!) { channel(id: $id) { members { agent { name } canRespond getsNotifications canListenIn isManager } } }`,
    { id: channelId },
  );
  return Object.fromEntries(channel.members.map(({ agent, ...flags }) => [agent.name, flags]));
}

const checkbox = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;

describe('MembersPanel', () => {
  it('shows each member’s four flags as labelled checkboxes', async () => {
    await renderPanel(await channelWithMembers());
    const flags = (name: string) => ['Can respond', 'Notifications', 'Can listen in', 'Manager'].map((flag) => checkbox(`${flag}: ${name}`).checked);
    expect(flags('Ada')).toEqual([true, true, false, false]);
    expect(flags('Bob')).toEqual([false, false, true, true]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Agent',
      'Can respond',
      'Notifications',
      'Can listen in',
      'Manager',
      'Actions',
    ]);
  });

  it('saves one flag per click and says so', async () => {
    const channelId = await channelWithMembers();
    await renderPanel(channelId);
    fireEvent.click(checkbox('Manager: Ada'));
    expect(checkbox('Manager: Ada').checked).toBe(true);
    await screen.findByText('Ada: Manager on.');
    expect((await membersOnServer(channelId)).Ada).toEqual({ canRespond: true, getsNotifications: true, canListenIn: false, isManager: true });
  });

  it('flips a flag back and explains when the server refuses it', async () => {
    // Another admin has the page open; meanwhile they lose the admin role.
    const frida = await person('Frida');
    await api(`mutation($id: ID!) { updateAgent(id: $id, input: { role: ADMIN }) { id } }`, { id: frida.id });
    const fridaToken = (await login(server.url, frida.email, frida.password)).token;
    const channelId = await channelWithMembers();
    await renderPanel(channelId, fridaToken);
    await api(`mutation($id: ID!) { updateAgent(id: $id, input: { role: AGENT }) { id } }`, { id: frida.id });

    fireEvent.click(checkbox('Can respond: Bob'));
    const refusal = await screen.findByText(/^Could not change Bob: /);
    const { errors } = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fridaToken}` },
      body: JSON.stringify({ query: SET_MEMBER, variables: { c: channelId, a: people.bob.id, flags: { canRespond: true } } }),
    }).then((r) => r.json() as Promise<{ errors: { message: string; extensions: { code: string } }[] }>);
    expect(errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(refusal.textContent).toBe(`Could not change Bob: ${errors[0]!.message}`);
    expect(checkbox('Can respond: Bob').checked).toBe(false);
    expect((await membersOnServer(channelId)).Bob!.canRespond).toBe(false);
  });

  it('warns when no active member can respond', async () => {
    const channelId = await channelWithMembers();
    await api(`mutation($c: ID!, $a: ID!) { removeChannelMember(channelId: $c, agentId: $a) { id } }`, { c: channelId, a: people.ada.id });
    await renderPanel(channelId);
    expect(screen.getByText(/No active member can respond/)).toBeTruthy();
    fireEvent.click(checkbox('Can respond: Bob'));
    await waitFor(() => expect(screen.queryByText(/No active member can respond/)).toBeNull());
    await screen.findByText('Bob: Can respond on.');
    expect((await membersOnServer(channelId)).Bob!.canRespond).toBe(true);
  });

  it('adds an active non-member with the chosen flags, in name order', async () => {
    const channelId = await channelWithMembers();
    await renderPanel(channelId);
    const select = screen.getByLabelText('Add agent') as HTMLSelectElement;
    const offered = [...select.options].map((o) => o.textContent);
    expect(offered[0]).toBe('Choose an agent…');
    expect(offered).toContain(`Cleo (${people.cleo.email})`);
    // Members and deactivated agents are not offered.
    expect(offered.filter((o) => /^(Ada|Bob|Dag) /.test(o ?? ''))).toEqual([]);
    const add = screen.getByRole('button', { name: 'Add to channel' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.change(select, { target: { value: people.cleo.id } });
    const form = screen.getByRole('form', { name: 'Add an agent to the channel' });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Notifications' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Can listen in' }));
    fireEvent.click(add);
    await screen.findByText('Cleo added.');
    expect((await membersOnServer(channelId)).Cleo).toEqual({ canRespond: true, getsNotifications: false, canListenIn: true, isManager: false });
    expect(screen.getAllByRole('rowheader').map((h) => h.textContent)).toEqual([
      `Ada ${people.ada.email}`,
      `Bob ${people.bob.email}`,
      `Cleo ${people.cleo.email}`,
    ]);
    expect(checkbox('Can listen in: Cleo').checked).toBe(true);
    expect([...(screen.getByLabelText('Add agent') as HTMLSelectElement).options].map((o) => o.textContent)).not.toContain(`Cleo (${people.cleo.email})`);
  });

  it('says why when the server refuses to add an agent deactivated since the page loaded', async () => {
    const erin = await person('Erin');
    const channelId = await channelWithMembers();
    await renderPanel(channelId);
    await api(DEACTIVATE, { id: erin.id });
    fireEvent.change(screen.getByLabelText('Add agent'), { target: { value: erin.id } });
    fireEvent.click(screen.getByRole('button', { name: 'Add to channel' }));
    await screen.findByText('Could not add the agent: agentId: this agent is deactivated; reactivate the account first');
    expect(screen.queryByRole('rowheader', { name: /^Erin / })).toBeNull();
    expect(Object.keys(await membersOnServer(channelId))).toEqual(['Ada', 'Bob']);
  });

  it('removes a member only after confirming', async () => {
    const channelId = await channelWithMembers();
    await renderPanel(channelId);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Ada' }));
    const confirm = within(screen.getByRole('group', { name: 'Remove Ada?' }));
    fireEvent.click(confirm.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: 'Remove Ada?' })).toBeNull();
    expect(Object.keys(await membersOnServer(channelId))).toEqual(['Ada', 'Bob']);

    fireEvent.click(screen.getByRole('button', { name: 'Remove Ada' }));
    fireEvent.click(within(screen.getByRole('group', { name: 'Remove Ada?' })).getByRole('button', { name: 'Remove Ada' }));
    await screen.findByText('Ada removed from the channel.');
    expect(Object.keys(await membersOnServer(channelId))).toEqual(['Bob']);
    expect(screen.queryByRole('checkbox', { name: 'Manager: Ada' })).toBeNull();
  });
});
