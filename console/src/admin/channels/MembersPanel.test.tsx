import { cleanup, fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { MembersPanel, type MemberFlags, type MemberRow } from './MembersPanel';

const ada: MemberRow = { agent: { id: 'a1', name: 'Ada', email: 'ada@example.com', active: true }, canRespond: true, getsNotifications: true, canListenIn: false, isManager: false };
const bob: MemberRow = { agent: { id: 'b1', name: 'Bob', active: true }, canRespond: false, getsNotifications: false, canListenIn: true, isManager: true };
const agents = [
  { id: 'a1', name: 'Ada', active: true },
  { id: 'b1', name: 'Bob', active: true },
  { id: 'c1', name: 'Cleo', email: 'cleo@example.com', active: true },
  { id: 'd1', name: 'Dag', active: false },
];

/** A stand-in server: stores flags per agent and can be told to refuse the next call. */
function fakeChannel(initial: MemberRow[]) {
  const rows = new Map(initial.map((r) => [r.agent.id, structuredClone(r)]));
  const calls: string[] = [];
  let refuse: ApiError | null = null;
  const check = () => {
    if (refuse) {
      const error = refuse;
      refuse = null;
      throw error;
    }
  };
  return {
    calls,
    rows,
    refuseNext(error: ApiError) {
      refuse = error;
    },
    async onSetFlags(agentId: string, flags: Partial<MemberFlags>) {
      calls.push(`set ${agentId} ${JSON.stringify(flags)}`);
      check();
      const row = rows.get(agentId)!;
      Object.assign(row, flags);
      return structuredClone(row);
    },
    async onAdd(agentId: string, flags: MemberFlags) {
      calls.push(`add ${agentId} ${JSON.stringify(flags)}`);
      check();
      const agent = agents.find((a) => a.id === agentId)!;
      const row: MemberRow = { agent: { ...agent }, ...flags };
      rows.set(agentId, row);
      return structuredClone(row);
    },
    async onRemove(agentId: string) {
      calls.push(`remove ${agentId}`);
      check();
      rows.delete(agentId);
    },
  };
}

function renderPanel(members = [ada, bob]) {
  const server = fakeChannel(members);
  render(() => <MembersPanel members={members} agents={agents} onSetFlags={server.onSetFlags} onAdd={server.onAdd} onRemove={server.onRemove} />);
  return server;
}

const checkbox = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;

afterEach(cleanup);

describe('MembersPanel', () => {
  it('shows each member’s four flags as labelled checkboxes', () => {
    renderPanel();
    const flags = (name: string) => ['Can respond', 'Notifications', 'Can listen in', 'Manager'].map((flag) => checkbox(`${flag}: ${name}`).checked);
    expect(flags('Ada')).toEqual([true, true, false, false]);
    expect(flags('Bob')).toEqual([false, false, true, true]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Agent', 'Can respond', 'Notifications', 'Can listen in', 'Manager', 'Actions']);
  });

  it('saves one flag per click and says so', async () => {
    const server = renderPanel();
    fireEvent.click(checkbox('Manager: Ada'));
    expect(checkbox('Manager: Ada').checked).toBe(true);
    await screen.findByText('Ada: Manager on.');
    expect(server.calls).toEqual(['set a1 {"isManager":true}']);
    expect(server.rows.get('a1')!.isManager).toBe(true);
  });

  it('flips a flag back and explains when saving it fails', async () => {
    const server = renderPanel();
    server.refuseNext(new ApiError('Requires an admin session.', 'FORBIDDEN'));
    fireEvent.click(checkbox('Can respond: Bob'));
    await screen.findByText('Could not change Bob: Requires an admin session.');
    expect(checkbox('Can respond: Bob').checked).toBe(false);
    expect(server.rows.get('b1')!.canRespond).toBe(false);
  });

  it('warns when no active member can respond', async () => {
    renderPanel([bob]);
    expect(screen.getByText(/No active member can respond/)).toBeTruthy();
    fireEvent.click(checkbox('Can respond: Bob'));
    await waitFor(() => expect(screen.queryByText(/No active member can respond/)).toBeNull());
  });

  it('adds an active non-member with the chosen flags, in name order', async () => {
    const server = renderPanel();
    const select = screen.getByLabelText('Add agent') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Choose an agent…', 'Cleo (cleo@example.com)']);
    const add = screen.getByRole('button', { name: 'Add to channel' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.change(select, { target: { value: 'c1' } });
    const form = screen.getByRole('form', { name: 'Add an agent to the channel' });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Notifications' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Can listen in' }));
    fireEvent.click(add);
    await screen.findByText('Cleo added.');
    expect(server.calls).toEqual(['add c1 {"canRespond":true,"getsNotifications":false,"canListenIn":true,"isManager":false}']);
    expect(screen.getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['Ada ada@example.com', 'Bob', 'Cleo cleo@example.com']);
    expect(checkbox('Can listen in: Cleo').checked).toBe(true);
    expect((screen.getByLabelText('Add agent') as HTMLSelectElement).options[0]!.textContent).toBe('Every active agent is a member');
  });

  it('removes a member only after confirming', async () => {
    const server = renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Remove Ada' }));
    expect(server.calls).toEqual([]);
    const confirm = within(screen.getByRole('group', { name: 'Remove Ada?' }));
    fireEvent.click(confirm.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: 'Remove Ada?' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Remove Ada' }));
    fireEvent.click(within(screen.getByRole('group', { name: 'Remove Ada?' })).getByRole('button', { name: 'Remove Ada' }));
    await screen.findByText('Ada removed from the channel.');
    expect(server.calls).toEqual(['remove a1']);
    expect(screen.queryByRole('checkbox', { name: 'Manager: Ada' })).toBeNull();
  });
});
