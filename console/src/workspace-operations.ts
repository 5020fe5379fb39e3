import type { Accessor } from 'solid-js';
import { ChatListItemFields } from './chats/chat-fragments';
import { graphql, type ResultOf } from './graphql';

// The signed-in agent's shared state: who I am, my chats and the agentEvents that say when they changed.

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
      chats {
        sessionId
        lastEventCursor
        lastActivityAt
        lastMessageAt
        lastMessageAuthor
        unreadCount
        agentReadCursor
        lastMessage {
          id
          body
          authorKind
          systemType
          attachments {
            fileName
          }
        }
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
  /** Called for every agentEvents payload (after the chat list refresh it triggers, if any). */
  onAgentEvent(listener: (event: AgentEvent) => void): void;
}
