import { useNavigate } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../api';
import { createNow } from '../ui/clock';
import { acceptChat, followDashboard, loadChannels } from './dashboard-data';
import type { DashboardSnapshot } from './operations';
import { useRuntime } from '../runtime';
import { formatClock, formatRelative, visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import { ChannelFilter, loadChannelSelection, saveChannelSelection } from './ChannelFilter';
import { StatTiles } from './StatTiles';
import { WarningIcon } from '../ui/icons';
import { ErrorNotice } from '../ui/ErrorNotice';

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function DashboardPage() {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const navigate = useNavigate();
  const now = createNow();
  const [channels] = createResource(() => loadChannels(client));
  const [selection, setSelection] = createSignal<string[] | null>(loadChannelSelection());
  const [snapshot, setSnapshot] = createSignal<{ data: DashboardSnapshot; receivedAt: number }>();
  const [error, setError] = createSignal<string | null>(null);
  const [accepting, setAccepting] = createSignal<string | null>(null);

  // One live subscription per channel selection; a new selection replaces it.
  createEffect(() => {
    const channelIds = selection();
    setSnapshot(undefined);
    setError(null);
    const stop = followDashboard(
      client,
      { channelIds, timeZone },
      {
        snapshot(data) {
          setError(null);
          setSnapshot({ data, receivedAt: Date.now() });
        },
        error: (caught) => setError(errorMessage(caught)),
      },
    );
    onCleanup(stop);
  });

  function changeSelection(ids: string[] | null) {
    saveChannelSelection(ids);
    setSelection(ids);
  }

  /** Seconds waited now: the snapshot's value plus the time since it arrived. */
  const elapsed = () => {
    const s = snapshot();
    return s ? Math.max(0, (now() - s.receivedAt) / 1000) : 0;
  };

  const listenable = () => {
    const memberships = workspace.memberships();
    const me = workspace.me();
    return (channelId: string) => me?.role === 'ADMIN' || memberships.some((m) => m.channel.id === channelId && (m.canListenIn || m.isManager));
  };
  const showOngoing = () => workspace.me()?.role === 'ADMIN' || workspace.memberships().some((m) => m.canListenIn || m.isManager);
  const warnAfter = (channelId: string) => workspace.waitWarningMinutes(channelId);

  async function answer(sessionId: string) {
    setAccepting(sessionId);
    try {
      await acceptChat(client, sessionId);
      navigate(`/chats/${sessionId}`);
    } catch (caught) {
      const message = errorMessage(caught);
      showToast({ tone: 'error', message: message.includes('took') || message.includes('CONFLICT') ? message : `Could not take the chat: ${message}` });
    } finally {
      setAccepting(null);
    }
  }

  return (
    <section class="page dashboard" aria-labelledby="dashboard-title">
      <header class="page-header">
        <div>
          <h1 id="dashboard-title">Dashboard</h1>
          <p class="muted">
            Live for {selection() ? `${selection()!.length} selected ${selection()!.length === 1 ? 'channel' : 'channels'}` : 'all your channels'}. Today counts
            from midnight ({timeZone}).
          </p>
        </div>
        <ChannelFilter channels={channels() ?? []} loading={channels.loading} selection={selection()} onChange={changeSelection} />
      </header>

      <ErrorNotice error={error()} />

      <StatTiles stats={snapshot()?.data.stats} elapsedSeconds={elapsed()} />

      <div class="dashboard-lists">
        <section class="panel" aria-labelledby="incoming-title">
          <header class="panel-header">
            <h2 id="incoming-title">
              Incoming <span class="muted">({snapshot()?.data.incoming.length ?? 0})</span>
            </h2>
            <span class="muted small">Open a chat to answer it</span>
          </header>
          <Show when={snapshot()} fallback={<ListSkeleton />}>
            <Show
              when={snapshot()!.data.incoming.length > 0}
              fallback={<EmptyList title="Nobody is waiting" text="New chats appear here the moment a visitor asks for help." />}
            >
              <ul class="dashboard-list" aria-label="Incoming chats">
                <For each={snapshot()!.data.incoming}>
                  {(item) => {
                    const wait = () => item.waitSeconds + elapsed();
                    const threshold = () => warnAfter(item.session.channel.id);
                    const overdue = () => threshold() != null && wait() >= threshold()! * 60;
                    return (
                      <li class="dashboard-row" classList={{ 'is-overdue': overdue() }}>
                        <div class="dashboard-row-main">
                          <span class="row-title">{visitorLabel(item.session.visitor)}</span>
                          <span class="muted small">
                            {item.session.channel.name} · #{item.position} in queue
                          </span>
                          <Show when={item.session.messages.messages[0]}>{(message) => <span class="row-preview">{message().body}</span>}</Show>
                        </div>
                        <div class="dashboard-row-side">
                          <span class="wait" classList={{ 'wait-overdue': overdue() }} title="Time waited">
                            <span class="sr-only">Waiting for </span>
                            {formatClock(wait())}
                            <Show when={overdue()}>
                              <span class="sr-only"> (over the {threshold()} minute threshold)</span>
                              <WarningIcon />
                            </Show>
                          </span>
                          <button
                            type="button"
                            class="button button-primary button-small"
                            disabled={accepting() !== null}
                            aria-label={`Answer ${visitorLabel(item.session.visitor)}`}
                            onClick={() => answer(item.session.id)}
                          >
                            {accepting() === item.session.id ? 'Opening…' : 'Answer'}
                          </button>
                        </div>
                      </li>
                    );
                  }}
                </For>
              </ul>
            </Show>
          </Show>
        </section>

        <Show when={showOngoing()}>
          <section class="panel" aria-labelledby="ongoing-title">
            <header class="panel-header">
              <h2 id="ongoing-title">
                Ongoing <span class="muted">({snapshot()?.data.ongoing.length ?? 0})</span>
              </h2>
              <span class="muted small">Listen in without the agent being told</span>
            </header>
            <Show when={snapshot()} fallback={<ListSkeleton />}>
              <Show
                when={snapshot()!.data.ongoing.length > 0}
                fallback={<EmptyList title="No chats in progress" text="Chats agents are handling show up here." />}
              >
                <ul class="dashboard-list" aria-label="Ongoing chats">
                  <For each={snapshot()!.data.ongoing}>
                    {(chat) => (
                      <li class="dashboard-row">
                        <div class="dashboard-row-main">
                          <span class="row-title">{visitorLabel(chat.visitor)}</span>
                          <span class="muted small">
                            {chat.channel.name} · with {chat.agent?.displayName ?? 'nobody'}
                            {chat.agent?.id === workspace.me()?.id ? ' (you)' : ''}
                          </span>
                        </div>
                        <div class="dashboard-row-side">
                          <span class="muted small">{chat.startedAt ? `started ${formatRelative(chat.startedAt, now())}` : ''}</span>
                          <Show
                            when={chat.agent?.id !== workspace.me()?.id}
                            fallback={
                              <button type="button" class="button button-small" onClick={() => navigate(`/chats/${chat.id}`)}>
                                Open
                              </button>
                            }
                          >
                            <button
                              type="button"
                              class="button button-small"
                              disabled={!listenable()(chat.channel.id)}
                              aria-label={`Listen in to ${visitorLabel(chat.visitor)} with ${chat.agent?.displayName ?? 'an agent'}`}
                              onClick={() => navigate(`/chats/${chat.id}?listen=1`)}
                            >
                              Listen in
                            </button>
                          </Show>
                        </div>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </Show>
          </section>
        </Show>
      </div>
    </section>
  );
}

function ListSkeleton() {
  return (
    <div class="list-skeleton" aria-busy="true" role="status" aria-label="Loading">
      <div class="skeleton-row" />
      <div class="skeleton-row" />
      <div class="skeleton-row" />
    </div>
  );
}

function EmptyList(props: { title: string; text: string }) {
  return (
    <div class="empty-list">
      <strong>{props.title}</strong>
      <span class="muted">{props.text}</span>
    </div>
  );
}
