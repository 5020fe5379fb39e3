import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { useRuntime } from '../../runtime';
import { useWorkspace } from '../../workspace';
import { AdminPageHeader } from '../AdminPageHeader';
import { ResourceView } from '../ResourceView';
import { loadAgents } from './agents-data';
import type { AgentRow } from './operations';
import { AgentDialog } from './AgentDialog';

export function AgentsAdminPage() {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const [agents, { refetch, mutate }] = createResource(() => loadAgents(client));
  const [editing, setEditing] = createSignal<AgentRow | 'new' | null>(null);
  const [showInactive, setShowInactive] = createSignal(true);

  const visible = () => (agents() ?? []).filter((a) => showInactive() || a.active);
  const upsert = (saved: AgentRow) =>
    mutate((list) => {
      const rest = (list ?? []).filter((a) => a.id !== saved.id);
      return [...rest, saved].sort((a, b) => a.name.localeCompare(b.name));
    });

  return (
    <div class="admin-page">
      <AdminPageHeader title="Agents" intro="Everyone who signs in to the console. Admins also manage channels, knowledge and API tokens.">
        <button type="button" class="button button-primary" onClick={() => setEditing('new')}>
          New agent
        </button>
      </AdminPageHeader>
      <ResourceView resource={agents} what="the agents" onRetry={refetch} loadingText="Loading agents…">
        {() => (
          <>
            <label class="check">
              <input type="checkbox" checked={showInactive()} onChange={(e) => setShowInactive(e.currentTarget.checked)} />
              <span>Show deactivated accounts</span>
            </label>
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Channels</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={visible()}>
                  {(agent) => (
                    <tr classList={{ 'is-inactive': !agent.active }}>
                      <th scope="row">
                        {agent.name}
                        <Show when={agent.nickname}>
                          <span class="muted small"> ({agent.nickname})</span>
                        </Show>
                        <Show when={agent.id === workspace.me()?.id}>
                          <span class="tag">You</span>
                        </Show>
                      </th>
                      <td>{agent.email}</td>
                      <td>{agent.role === 'ADMIN' ? 'Admin' : 'Agent'}</td>
                      <td>
                        <Show when={agent.active} fallback={<span class="tag tag-muted">Deactivated</span>}>
                          {agent.presence === 'PRESENT' ? 'Present' : 'Away'}
                        </Show>
                      </td>
                      <td>
                        <Show when={agent.memberships.length > 0} fallback={<span class="muted">None</span>}>
                          <For each={agent.memberships}>
                            {(m, index) => (
                              <>
                                {index() > 0 ? ', ' : ''}
                                <A href={`/admin/channels/${m.channel.id}#members`}>{m.channel.name}</A>
                              </>
                            )}
                          </For>
                        </Show>
                      </td>
                      <td class="actions-cell">
                        <button aria-label={`Edit ${agent.name}`} type="button" class="button button-small" onClick={() => setEditing(agent)}>
                          Edit
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </>
        )}
      </ResourceView>
      <Show when={editing()} keyed>
        {(target) => (
          <AgentDialog
            agent={target === 'new' ? null : target}
            isSelf={target !== 'new' && target.id === workspace.me()?.id}
            onClose={() => setEditing(null)}
            onSaved={(saved, close) => {
              upsert(saved);
              if (close) setEditing(null);
            }}
          />
        )}
      </Show>
    </div>
  );
}
