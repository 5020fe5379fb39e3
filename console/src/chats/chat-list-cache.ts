import type { Cache, CacheExchangeOpts } from '@urql/exchange-graphcache';
import { graphql, type ResultOf } from '../graphql';
import type { AgentEvent } from '../workspace-operations';

// The console's normalised cache settings: agentEvents' rows are merged into the cached chat list,
// so a message or read receipt costs no MyChats refetch.

/** What a read receipt changes in a list row. */
const RowReadFields = graphql(`
  fragment RowReadFields on ChatSession {
    id
    lastActivityAt
    unreadCount
  }
`);

/** What a message changes in a list row (the preview is the list's `messages(last: 1)`). */
const RowMessageFields = graphql(`
  fragment RowMessageFields on ChatSession {
    id
    lastActivityAt
    unreadCount
    lastMessageAt
    lastMessageAuthor
    messages(last: 1) {
      messages {
        body
        authorKind
        systemType
        attachments {
          fileName
        }
      }
    }
  }
`);

type Row = AgentEvent['chats'][number];

/** Writes one agentEvents row into its cached ChatSession; a chat the cache does not hold is left to the list refetch. */
export function mergeChatRow(cache: Cache, row: Row) {
  const entity = { __typename: 'ChatSession', id: row.sessionId } as const;
  if (cache.resolve(entity, 'id') == null || row.lastMessage?.attachments.length) return;
  const base = { ...entity, lastActivityAt: row.lastActivityAt, unreadCount: row.unreadCount };
  if (!row.lastMessage) {
    cache.writeFragment(RowReadFields, base);
    return;
  }
  const message = row.lastMessage;
  const data: ResultOf<typeof RowMessageFields> & { __typename: 'ChatSession' } = {
    ...base,
    // A system message (e.g. "returned to the chat") moves the preview but not lastMessageAt, as on the server.
    lastMessageAt: row.lastMessageAt ?? (cache.resolve(entity, 'lastMessageAt') as string | null),
    lastMessageAuthor: row.lastMessageAuthor ?? (cache.resolve(entity, 'lastMessageAuthor') as Row['lastMessageAuthor']),
    messages: {
      __typename: 'MessagePage',
      messages: [
        {
          __typename: 'Message',
          body: message.body,
          authorKind: message.authorKind,
          systemType: message.systemType,
          attachments: message.attachments.map((a) => ({ __typename: 'Attachment', fileName: a.fileName })),
        },
      ],
    },
  } as never;
  cache.writeFragment(RowMessageFields, data);
}

export const cacheOptions: CacheExchangeOpts = {
  keys: {
    // The same visitor or agent reads differently per channel (verified email, photo): kept inside each chat, not shared.
    Visitor: () => null,
    ChatParticipant: () => null,
    // The list's preview selects messages and files without their id: kept inside the row.
    Message: (data) => (typeof data.id === 'string' ? data.id : null),
    Attachment: (data) => (typeof data.id === 'string' ? data.id : null),
  },
  updates: {
    Subscription: {
      agentEvents(result, _args, cache) {
        const event = (result as { agentEvents?: AgentEvent }).agentEvents;
        for (const row of event?.chats ?? []) mergeChatRow(cache, row);
      },
    },
  },
};
