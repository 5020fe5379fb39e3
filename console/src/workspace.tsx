import { createContext, createSignal, onCleanup, useContext, type ParentProps } from 'solid-js';
import { errorMessage } from './api';
import { useRuntime } from './runtime';
import { followAgentEvents, loadMe, loadMyChats } from './workspace-data';
import type { AgentEvent, Badges, ChatListItem, Me, Workspace } from './workspace-operations';

const WorkspaceContext = createContext<Workspace>();

/**
 * The signed-in agent's live state, shared by every tab: who I am, the badges, and my chat list,
 * refreshed whenever agentEvents says something changed (no polling).
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
        } catch (error) {
          setMyChatsError(errorMessage(error));
        }
      } while (refreshAgain);
      setMyChatsLoaded(true);
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  const stopAgentEvents = followAgentEvents(client, {
    error: (caught) => setMyChatsError(errorMessage(caught)),
    event(event) {
      setBadges(event.badges);
      // My memberships and my channels' settings (names, wait-warning thresholds) come with `me`.
      if (event.reasons.some((r) => r === 'channels' || r === 'settings')) void refreshMe();
      // The queue, presence and other members of a channel do not change my own chat list.
      const needsList = event.reasons.some((r) => r !== 'queue' && r !== 'presence' && r !== 'members');
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
