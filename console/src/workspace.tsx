import { createContext, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import { apiErrorFrom, errorMessage, runQuery } from './api';
import { ChatListItemFields } from './chats/chat-fragments';
import { graphql, readFragment, type ResultOf } from './graphql';
import { useRuntime } from './runtime';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      nickname
      email
      role
      presence
      notifyBrowser
      notifySound
      notifyManagerWarnings
      memberships {
        canRespond
        getsNotifications
        canListenIn
        isManager
        channel {
          id
          name
          warnAgentsAfterMinutes
          warnManagersAfterMinutes
        }
      }
    }
  }
`);

export const MyChatsQuery = graphql(
  `
    query MyChats {
      myChats {
        ...ChatListItemFields
      }
    }
  `,
  [ChatListItemFields],
);

export const AgentEventsSubscription = graphql(`
  subscription AgentEvents {
    agentEvents {
      reasons
      sessionIds
      transferIds
      badges {
        incoming
        myChats
        unread
        transfersToMe
      }
    }
  }
`);

export type Me = ResultOf<typeof MeQuery>['me'];
export type Membership = Me['memberships'][number];
export type ChatListItem = ResultOf<typeof ChatListItemFields>;
export type AgentEvent = ResultOf<typeof AgentEventsSubscription>['agentEvents'];
export type Badges = AgentEvent['badges'];

export interface Workspace {
  me: Accessor<Me | undefined>;
  setMe(me: Me): void;
  /** My channels with my flags in each (can respond, notifications, listen in, manager). */
  memberships: Accessor<Membership[]>;
  membership(channelId: string): Membership | undefined;
  /** Minutes after which a waiting chat of the channel is flagged for me; null when off. */
  waitWarningMinutes(channelId: string): number | null;
  /** Dashboard, Chats and queue counts from agentEvents; undefined until the first event. */
  badges: Accessor<Badges | undefined>;
  myChats: Accessor<ChatListItem[]>;
  myChatsLoaded: Accessor<boolean>;
  myChatsError: Accessor<string | null>;
  refreshMyChats(): Promise<void>;
  /** Called for every agentEvents payload (after the chat list refresh it triggers). */
  onAgentEvent(listener: (event: AgentEvent) => void): void;
}

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
          const data = await runQuery(client, MyChatsQuery, {});
          setMyChats(data.myChats.map((chat) => readFragment(ChatListItemFields, chat)));
          setMyChatsError(null);
        } catch (error) {
          setMyChatsError(errorMessage(error));
        }
      } while (refreshAgain);
      setMyChatsLoaded(true);
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  const subscription = client.subscription(AgentEventsSubscription, {}).subscribe((result) => {
    if (result.error) {
      setMyChatsError(errorMessage(apiErrorFrom(result.error)));
      return;
    }
    const event = result.data?.agentEvents;
    if (!event) return;
    setBadges(event.badges);
    // My memberships and my channels' settings (names, wait-warning thresholds) come with `me`.
    if (event.reasons.some((r) => r === 'channels' || r === 'settings')) void refreshMe();
    // The queue, presence and other members of a channel do not change my own chat list.
    const needsList = event.reasons.some((r) => r !== 'queue' && r !== 'presence' && r !== 'members');
    const refreshed = needsList || !myChatsLoaded() ? refreshMyChats() : Promise.resolve();
    void refreshed.then(() => {
      for (const listener of listeners) listener(event);
    });
  });
  onCleanup(() => subscription.unsubscribe());

  // Only the newest answer is applied when refreshes overlap.
  let meSeq = 0;
  async function refreshMe() {
    const seq = ++meSeq;
    const data = await runQuery(client, MeQuery, {}).catch(() => null);
    if (data && seq === meSeq) setMe(data.me);
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
