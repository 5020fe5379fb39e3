import { createSignal, createUniqueId, For, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { errorMessage } from '../../api';
import { Checkbox } from '../forms';
import { MEMBER_FLAGS, NEW_MEMBER_FLAGS, type AgentOption, type MemberFlags, type MemberRow } from './members';

interface MembersPanelProps {
  members: MemberRow[];
  /** Every agent; active non-members are offered for adding. */
  agents: AgentOption[];
  /** Saves one flag change; the switch flips at once and flips back if this fails. */
  onSetFlags(agentId: string, flags: Partial<MemberFlags>): Promise<MemberRow>;
  onAdd(agentId: string, flags: MemberFlags): Promise<MemberRow>;
  onRemove(agentId: string): Promise<void>;
}

/** A channel's agents with their four flags, changed one click at a time; adding and removing agents. */
export function MembersPanel(props: MembersPanelProps) {
  const [rows, setRows] = createStore<MemberRow[]>(props.members.map((m) => ({ ...m, agent: { ...m.agent } })));
  const [status, setStatus] = createSignal<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [newAgentId, setNewAgentId] = createSignal('');
  const [newFlags, setNewFlags] = createStore<MemberFlags>({ ...NEW_MEMBER_FLAGS });
  const addId = createUniqueId();

  const candidates = () => props.agents.filter((a) => a.active && !rows.some((r) => r.agent.id === a.id));
  const nobodyResponds = () => rows.length > 0 && !rows.some((r) => r.canRespond && r.agent.active);

  async function toggle(row: MemberRow, key: keyof MemberFlags, value: boolean) {
    const index = rows.findIndex((r) => r.agent.id === row.agent.id);
    setRows(index, key, value);
    setStatus(null);
    try {
      const saved = await props.onSetFlags(row.agent.id, { [key]: value });
      setRows(index, (current) => ({ ...current, ...pickFlags(saved) }));
      const label = MEMBER_FLAGS.find((f) => f.key === key)!.label;
      setStatus({ tone: 'success', text: `${row.agent.name}: ${label} ${value ? 'on' : 'off'}.` });
    } catch (error) {
      setRows(index, key, !value);
      setStatus({ tone: 'error', text: `Could not change ${row.agent.name}: ${errorMessage(error)}` });
    }
  }

  async function add(event: SubmitEvent) {
    event.preventDefault();
    const agentId = newAgentId();
    if (!agentId) return;
    setBusy('add');
    setStatus(null);
    try {
      const added = await props.onAdd(agentId, { ...newFlags });
      setRows(produce((list) => void list.push(added)));
      setRows((list) => [...list].sort((a, b) => a.agent.name.localeCompare(b.agent.name)));
      setNewAgentId('');
      setNewFlags({ ...NEW_MEMBER_FLAGS });
      setStatus({ tone: 'success', text: `${added.agent.name} added.` });
    } catch (error) {
      setStatus({ tone: 'error', text: `Could not add the agent: ${errorMessage(error)}` });
    } finally {
      setBusy(null);
    }
  }

  async function remove(row: MemberRow) {
    setBusy(row.agent.id);
    setStatus(null);
    try {
      await props.onRemove(row.agent.id);
      setRows((list) => list.filter((r) => r.agent.id !== row.agent.id));
      setConfirming(null);
      setStatus({ tone: 'success', text: `${row.agent.name} removed from the channel.` });
    } catch (error) {
      setStatus({ tone: 'error', text: `Could not remove ${row.agent.name}: ${errorMessage(error)}` });
    } finally {
      setBusy(null);
    }
  }

  return (
    <div class="members-panel">
      <Show
        when={rows.length > 0}
        fallback={
          <p class="empty-note">No agents in this channel yet. Add one below: without a member who can respond, visitors always get the offline form.</p>
        }
      >
        <table class="admin-table members-table">
          <caption class="sr-only">Channel members and what each may do</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <For each={MEMBER_FLAGS}>
                {(flag) => (
                  <th scope="col" title={flag.description}>
                    {flag.label}
                  </th>
                )}
              </For>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={rows}>
              {(row) => (
                <tr>
                  <th scope="row">
                    <span class="agent-name">{row.agent.name}</span>
                    <Show when={row.agent.email}>
                      <span class="muted small">{` ${row.agent.email}`}</span>
                    </Show>
                    <Show when={!row.agent.active}>
                      <span class="tag tag-muted">Deactivated</span>
                    </Show>
                  </th>
                  <For each={MEMBER_FLAGS}>
                    {(flag) => (
                      <td class="flag-cell">
                        <input
                          type="checkbox"
                          checked={row[flag.key]}
                          aria-label={`${flag.label}: ${row.agent.name}`}
                          title={flag.description}
                          onChange={(event) => void toggle(row, flag.key, event.currentTarget.checked)}
                        />
                      </td>
                    )}
                  </For>
                  <td class="actions-cell">
                    <Show
                      when={confirming() === row.agent.id}
                      fallback={
                        <button
                          aria-label={`Remove ${row.agent.name}`}
                          type="button"
                          class="button button-small button-ghost"
                          onClick={() => setConfirming(row.agent.id)}
                        >
                          Remove
                        </button>
                      }
                    >
                      <span class="confirm-inline" role="group" aria-label={`Remove ${row.agent.name}?`}>
                        <button type="button" class="button button-small button-danger" disabled={busy() === row.agent.id} onClick={() => void remove(row)}>
                          Remove {row.agent.name}
                        </button>
                        <button type="button" class="button button-small" onClick={() => setConfirming(null)}>
                          Cancel
                        </button>
                      </span>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={nobodyResponds()}>
        <p class="notice notice-warning">No active member can respond, so visitors always get the offline form.</p>
      </Show>
      <p class="status-line" classList={{ 'is-error': status()?.tone === 'error' }} role="status" aria-live="polite">
        {status()?.text ?? ''}
      </p>

      <form class="add-member" onSubmit={add} aria-label="Add an agent to the channel">
        <div class="form-field">
          <label for={addId}>Add agent</label>
          <select id={addId} value={newAgentId()} onChange={(event) => setNewAgentId(event.currentTarget.value)} disabled={candidates().length === 0}>
            <option value="">{candidates().length === 0 ? 'Every active agent is a member' : 'Choose an agent…'}</option>
            <For each={candidates()}>
              {(agent) => (
                <option value={agent.id}>
                  {agent.name}
                  {agent.email ? ` (${agent.email})` : ''}
                </option>
              )}
            </For>
          </select>
        </div>
        <fieldset class="flag-choices">
          <legend>With</legend>
          <For each={MEMBER_FLAGS}>
            {(flag) => <Checkbox label={flag.label} checked={newFlags[flag.key]} onChange={(checked) => setNewFlags(flag.key, checked)} />}
          </For>
        </fieldset>
        <button type="submit" class="button button-primary" disabled={!newAgentId() || busy() === 'add'}>
          {busy() === 'add' ? 'Adding…' : 'Add to channel'}
        </button>
      </form>
    </div>
  );
}

function pickFlags(row: MemberFlags): MemberFlags {
  return { canRespond: row.canRespond, getsNotifications: row.getsNotifications, canListenIn: row.canListenIn, isManager: row.isManager };
}
