import { describe, expect, it } from 'vitest';
import { chatItem } from './chat-fixtures';
import { adjacentChat, arrangeChatList, flatChatOrder, lastMessagePreview } from './chat-list-order';

const transferTo = (toId: string, createdAt = '2026-01-10T09:05:00.000Z') => ({
  id: `t-${toId}`,
  status: 'PENDING' as const,
  note: null,
  createdAt,
  fromAgent: { id: 'someone', name: 'Someone', nickname: null },
  toAgent: { id: toId, name: toId, nickname: null },
});

describe('arrangeChatList', () => {
  it('puts transfers offered to me first, then my ongoing chats by last message, then completed by end time', () => {
    const chats = [
      chatItem({ id: 'old-ongoing', lastMessageAt: '2026-01-10T09:00:00.000Z', lastActivityAt: '2026-01-10T09:30:00.000Z' }),
      chatItem({ id: 'ended-early', status: 'ENDED', endedAt: '2026-01-10T08:00:00.000Z' }),
      chatItem({ id: 'new-ongoing', lastMessageAt: '2026-01-10T09:10:00.000Z', lastActivityAt: '2026-01-10T09:10:00.000Z' }),
      chatItem({ id: 'offered', agent: { id: 'someone', displayName: 'Someone' }, pendingTransfer: transferTo('me') }),
      chatItem({ id: 'ended-late', status: 'ENDED', endedAt: '2026-01-10T08:30:00.000Z' }),
      chatItem({ id: 'closed', status: 'CLOSED', endedAt: '2026-01-10T07:00:00.000Z' }),
    ];
    const sections = arrangeChatList(chats, 'me');
    expect(sections.offered.map((c) => c.id)).toEqual(['offered']);
    // lastActivityAt (a read receipt, say) does not reorder: the last message does.
    expect(sections.ongoing.map((c) => c.id)).toEqual(['new-ongoing', 'old-ongoing']);
    expect(sections.completed.map((c) => c.id)).toEqual(['ended-late', 'ended-early', 'closed']);
    expect(flatChatOrder(sections)).toEqual(['offered', 'new-ongoing', 'old-ongoing', 'ended-late', 'ended-early', 'closed']);
  });

  it('keeps a chat I offered to someone else among my ongoing chats, and drops chats no longer mine', () => {
    const sections = arrangeChatList(
      [
        chatItem({ id: 'mine-offered-away', pendingTransfer: transferTo('colleague') }),
        chatItem({ id: 'taken-over', agent: { id: 'manager', displayName: 'Manager' } }),
      ],
      'me',
    );
    expect(sections.offered).toEqual([]);
    expect(sections.ongoing.map((c) => c.id)).toEqual(['mine-offered-away']);
    expect(sections.completed).toEqual([]);
  });

  it('falls back to the start time for a chat without messages', () => {
    const sections = arrangeChatList(
      [
        chatItem({ id: 'quiet', lastMessageAt: null, startedAt: '2026-01-10T09:20:00.000Z' }),
        chatItem({ id: 'talking', lastMessageAt: '2026-01-10T09:15:00.000Z' }),
      ],
      'me',
    );
    expect(sections.ongoing.map((c) => c.id)).toEqual(['quiet', 'talking']);
  });
});

describe('adjacentChat', () => {
  it('steps through the list and wraps around', () => {
    const order = ['a', 'b', 'c'];
    expect(adjacentChat(order, 'a', 1)).toBe('b');
    expect(adjacentChat(order, 'c', 1)).toBe('a');
    expect(adjacentChat(order, 'a', -1)).toBe('c');
    expect(adjacentChat(order, undefined, 1)).toBe('a');
    expect(adjacentChat(order, 'not-listed', -1)).toBe('c');
    expect(adjacentChat([], 'a', 1)).toBeUndefined();
  });
});

describe('lastMessagePreview', () => {
  it('shows the text on one line, or the file name of a file sent alone', () => {
    expect(
      lastMessagePreview(chatItem({ id: 'x', messages: { messages: [{ body: 'two\nlines', authorKind: 'VISITOR', systemType: null, attachments: [] }] } })),
    ).toBe('two lines');
    expect(
      lastMessagePreview(
        chatItem({ id: 'y', messages: { messages: [{ body: '', authorKind: 'AGENT', systemType: null, attachments: [{ fileName: 'invoice.pdf' }] }] } }),
      ),
    ).toBe('📎 invoice.pdf');
    expect(lastMessagePreview(chatItem({ id: 'z', messages: { messages: [] } }))).toBe('');
  });
});
