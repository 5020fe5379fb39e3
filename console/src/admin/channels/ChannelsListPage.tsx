import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { useRuntime } from '../../runtime';
import { AdminPageHeader } from '../AdminPageHeader';
import { ResourceView } from '../ResourceView';
import { loadChannels } from './channel-data';
import type { ChannelRow } from './operations';

function memberSummary(channel: ChannelRow): string {
  const members = channel.members.filter((m) => m.agent.active);
  const responders = members.filter((m) => m.canRespond);
  const present = responders.filter((m) => m.agent.presence === 'PRESENT');
  if (members.length === 0) return 'No members';
  return `${members.length} ${members.length === 1 ? 'member' : 'members'}, ${present.length} of ${responders.length} who can respond Present`;
}

export function ChannelsListPage() {
  const { client } = useRuntime();
  const [showArchived, setShowArchived] = createSignal(false);
  const [channels, { refetch }] = createResource(() => loadChannels(client));
  const visible = () => (channels() ?? []).filter((c) => showArchived() || !c.archivedAt);
  const archivedCount = () => (channels() ?? []).filter((c) => c.archivedAt).length;

  return (
    <div class="admin-page">
      <AdminPageHeader title="Channels" intro="Each channel has its own agents, opening hours, widget and forms, and its own embed snippet.">
        <A class="button button-primary" href="/admin/channels/new">
          New channel
        </A>
      </AdminPageHeader>
      <ResourceView resource={channels} what="the channels" onRetry={refetch} loadingText="Loading channels…">
        {() => (
          <>
            <Show when={archivedCount() > 0}>
              <label class="check">
                <input type="checkbox" checked={showArchived()} onChange={(e) => setShowArchived(e.currentTarget.checked)} />
                <span>Show archived channels ({archivedCount()})</span>
              </label>
            </Show>
            <Show when={visible().length > 0} fallback={<p class="empty-note">No channels yet. Create one to put a chat on your website.</p>}>
              <table class="admin-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Members</th>
                    <th scope="col">Hours</th>
                    <th scope="col">Language</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={visible()}>
                    {(channel) => (
                      <tr classList={{ 'is-archived': !!channel.archivedAt }}>
                        <th scope="row">
                          <A href={`/admin/channels/${channel.id}`}>{channel.name}</A>
                          <Show when={channel.archivedAt}>
                            <span class="tag tag-muted">Archived</span>
                          </Show>
                          <Show when={channel.description}>
                            <span class="muted small block">{channel.description}</span>
                          </Show>
                        </th>
                        <td>{memberSummary(channel)}</td>
                        <td>{channel.openingHoursEnabled ? 'Opening hours' : 'Always open'}</td>
                        <td>{channel.language}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </>
        )}
      </ResourceView>
    </div>
  );
}
