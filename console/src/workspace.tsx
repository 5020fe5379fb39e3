import { createContext, createSignal, onCleanup, useContext, type ParentProps } from 'solid-js';
import { errorMessage } from './api';
import { useRuntime } from './runtime';
import { followAgentEvents, loadMe, loadMyChats, watchMyChats } from './workspace-data';
import type { AgentEvent, Badges, ChatListItem, Me, Workspace } from './workspace-operations';

const WorkspaceContext = createContext<Workspace>();

/**
 * The signed-in agent's live state, shared by every tab: who I am, the badges, and my chat list.
 * agentEvents' rows (messages, read receipts) are merged into the cached list; the list is
 * loaded again only for what they do not cover: other changes, and resync after a gap (no polling).
 */
export function WorkspaceProvider(props: ParentProps<{ me: Me }>) {
  const { client } = useRuntime();
  const [me, setMe] = createSignal<Me | undefined>(props.me);
  const [badges, setBadges] = createSignal<Badges>();
  const [myChats, setMyChats] = createSignal<ChatListItem[]>([]);
  const [myChatsLoaded, setMyChatsLoaded] = createSignal(false);
  const [myChatsError, setMyChatsError] = createSignal<string | null>(null);
  const listeners = new Set<(event: AgentEvent) => void>();

  // A refresh asked for while one is in flight runs once more after it: the answer in flight may
  // have been read before the change that asked for it (and urql shares identical queries in flight).
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  function refreshMyChats(): Promise<void> {
    if (refreshing !== null) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        try {
          setMyChats(await loadMyChats(client));
          setMyChatsError(null);
          watchCachedList();
        } catch (error) {
          setMyChatsError(errorMessage(error));
        }
      } while (refreshAgain);
      setMyChatsLoaded(true);
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  // Started once the cache holds the list, so watching it never sends a request of its own.
  let stopWatching: (() => void) | null = null;
  function watchCachedList() {
    stopWatching ??= watchMyChats(client, setMyChats);
  }
  onCleanup(() => stopWatching?.());

  /** Whether the event's rows (already merged into the cache) cover every chat it names that is in my list. */
  function mergedIntoList(event: AgentEvent) {
    if (!event.chats.length || event.reasons.some((r) => r !== 'chats')) return false;
    // Files: the list is loaded as before (rare, and the e2e preview of a file row is checked against it).
    if (event.chats.some((r) => r.lastMessage?.attachments.length)) return false;
    const listed = new Set(myChats().map((c) => c.id));
    const merged = new Set(event.chats.map((r) => r.sessionId));
    return event.sessionIds.every((id) => merged.has(id) && listed.has(id));
  }

  const stopAgentEvents = followAgentEvents(client, {
    error: (caught) => setMyChatsError(errorMessage(caught)),
    event(event) {
      setBadges(event.badges);
      // My memberships and my channels' settings (names, wait-warning thresholds) come with `me`.
      if (event.reasons.some((r) => r === 'channels' || r === 'settings')) void refreshMe();
      // The queue, presence and other members of a channel do not change my own chat list.
      const needsList = event.reasons.some((r) => r !== 'queue' && r !== 'presence' && r !== 'members') && !mergedIntoList(event);
      const refreshed = needsList || !myChatsLoaded() ? refreshMyChats() : Promise.resolve();
      void refreshed.then(() => {
        for (const listener of listeners) listener(event);
      });
    },
  });
  onCleanup(stopAgentEvents);

  // Only the newest answer is applied when refreshes overlap.
  let meSeq = 0;
  async function refreshMe() {
    const seq = ++meSeq;
    const fresh = await loadMe(client).catch(() => null);
    if (fresh && seq === meSeq) setMe(fresh);
  }

  const memberships = () => me()?.memberships ?? [];
  const membership = (channelId: string) => memberships().find((m) => m.channel.id === channelId);

  const workspace: Workspace = {
    me,
    setMe,
    memberships,
    membership,
    waitWarningMinutes(channelId) {
      const m = membership(channelId);
      if (!m) return null;
      const forAgents = m.channel.warnAgentsAfterMinutes;
      const forManagers = m.isManager ? m.channel.warnManagersAfterMinutes : null;
      if (forAgents == null) return forManagers ?? null;
      return forManagers == null ? forAgents : Math.min(forAgents, forManagers);
    },
    badges,
    myChats,
    myChatsLoaded,
    myChatsError,
    refreshMyChats,
    onAgentEvent(listener) {
      listeners.add(listener);
      onCleanup(() => listeners.delete(listener));
    },
  };
  return <WorkspaceContext.Provider value={workspace}>{props.children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace() outside <WorkspaceProvider>');
  return workspace;
}
