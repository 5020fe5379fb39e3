import type { ChatListItem } from '../workspace-operations';
import type { ServerMessage } from './conversation-state';

/** Test data shaped exactly like the API's answers (the types come from the real queries). */
export function chatItem(overrides: Partial<ChatListItem> & { id: string }): ChatListItem {
  return {
    status: 'ACTIVE',
    requestedAt: '2026-01-10T09:00:00.000Z',
    startedAt: '2026-01-10T09:01:00.000Z',
    endedAt: null,
    lastActivityAt: '2026-01-10T09:02:00.000Z',
    lastMessageAt: '2026-01-10T09:02:00.000Z',
    lastMessageAuthor: 'VISITOR',
    unreadCount: 0,
    channel: { id: 'channel-support', name: 'Technical support' },
    visitor: { id: `visitor-${overrides.id}`, name: `Visitor ${overrides.id}`, email: null },
    agent: { id: 'me', displayName: 'Me' },
    pendingTransfer: null,
    messages: { messages: [{ body: 'Hello', authorKind: 'VISITOR', systemType: null, attachments: [] }] },
    ...overrides,
  };
}

export function message(cursor: number, overrides: Partial<ServerMessage> = {}): ServerMessage {
  return {
    id: `m${cursor}`,
    cursor,
    body: `Message ${cursor}`,
    authorKind: 'VISITOR',
    systemType: null,
    clientMessageId: null,
    createdAt: new Date(Date.UTC(2026, 0, 10, 9, cursor)).toISOString(),
    author: null,
    attachments: [],
    ...overrides,
  };
}
