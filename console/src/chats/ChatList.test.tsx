import { Router, Route } from '@solidjs/router';
import { cleanup, render, screen, within } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatListItem } from '../workspace-operations';
import { chatItem } from './chat-fixtures';
import { ChatList } from './ChatList';

function renderList(chats: ChatListItem[], selectedId?: string) {
  render(() => (
    <Router>
      <Route path="*" component={() => <ChatList chats={chats} meId="me" selectedId={selectedId} now={Date.parse('2026-01-10T09:03:00.000Z')} />} />
    </Router>
  ));
}

const rows = () => screen.getAllByRole('link');

describe('ChatList', () => {
  afterEach(cleanup);

  it('groups and orders rows, and names each section', () => {
    renderList([
      chatItem({ id: 'ended', status: 'ENDED', endedAt: '2026-01-10T08:00:00.000Z', visitor: { id: 'v1', name: 'Edda Ended', email: null } }),
      chatItem({ id: 'older', lastMessageAt: '2026-01-10T08:50:00.000Z', visitor: { id: 'v2', name: 'Olga Older', email: null } }),
      chatItem({ id: 'newer', lastMessageAt: '2026-01-10T09:02:00.000Z', visitor: { id: 'v3', name: 'Nina Newer', email: null } }),
    ]);
    expect(rows().map((r) => r.querySelector('.chat-row-name')?.textContent)).toEqual(['Nina Newer', 'Olga Older', 'Edda Ended']);
    expect(within(screen.getByRole('region', { name: /Ongoing/ })).getAllByRole('link')).toHaveLength(2);
    expect(within(screen.getByRole('region', { name: /Completed/ })).getByRole('link').textContent).toContain('Ended');
    expect(screen.queryByRole('region', { name: /Offered to you/ })).toBeNull();
  });

  it('says in words what the dot, the unread badge and the channel show', () => {
    renderList([
      chatItem({ id: 'a', unreadCount: 3, lastMessageAuthor: 'VISITOR', channel: { id: 'c1', name: 'Sales' }, visitor: { id: 'v', name: 'Ann', email: null } }),
      chatItem({
        id: 'b',
        unreadCount: 0,
        lastMessageAuthor: 'AGENT',
        lastMessageAt: '2026-01-10T08:00:00.000Z',
        visitor: { id: 'w', name: 'Ben', email: null },
      }),
    ]);
    const [ann, ben] = rows();
    expect(ann!.textContent).toContain('Visitor wrote last.');
    expect(ann!.textContent).toContain('3 unread messages.');
    expect(ann!.querySelector('.count-badge')?.textContent).toBe('3');
    expect(ann!.querySelector('.author-dot-visitor')).not.toBeNull();
    expect(ann!.querySelector('.channel-tag')?.textContent).toBe('Sales');
    expect(ben!.textContent).toContain('Agent wrote last.');
    expect(ben!.textContent).not.toContain('unread');
    expect(ben!.querySelector('.count-badge')).toBeNull();
    expect(ben!.querySelector('.author-dot-agent')).not.toBeNull();
  });

  it('flags transfers waiting for an answer, to me and from me', () => {
    const transfer = (from: string, to: string) => ({
      id: `t-${to}`,
      status: 'PENDING' as const,
      note: null,
      createdAt: '2026-01-10T09:00:00.000Z',
      fromAgent: { id: from, name: from === 'me' ? 'Me' : 'Carla Colleague', nickname: null },
      toAgent: { id: to, name: to === 'me' ? 'Me' : 'Dan Desk', nickname: null },
    });
    renderList([
      chatItem({
        id: 'to-me',
        agent: { id: 'carla', displayName: 'Carla' },
        pendingTransfer: transfer('carla', 'me'),
        visitor: { id: 'v1', name: 'Ida Incoming', email: null },
      }),
      chatItem({ id: 'from-me', pendingTransfer: transfer('me', 'dan'), visitor: { id: 'v2', name: 'Otto Outgoing', email: null } }),
    ]);
    const offered = within(screen.getByRole('region', { name: /Offered to you/ })).getByRole('link');
    expect(offered.textContent).toContain('Transfer from Carla Colleague waiting for your answer.');
    expect(offered.classList.contains('has-transfer')).toBe(true);
    const outgoing = within(screen.getByRole('region', { name: /Ongoing/ })).getByRole('link');
    expect(outgoing.textContent).toContain('Transfer to Dan Desk waiting to be accepted.');
    expect(outgoing.querySelector('.transfer-warning')).not.toBeNull();
  });

  it('marks the open chat and links every row to its conversation', () => {
    renderList([chatItem({ id: 'one' }), chatItem({ id: 'two', lastMessageAt: '2026-01-10T08:00:00.000Z' })], 'two');
    expect(rows().map((r) => r.getAttribute('href'))).toEqual(['/chats/one', '/chats/two']);
    expect(rows()[1]!.getAttribute('aria-current')).toBe('page');
    expect(rows()[0]!.getAttribute('aria-current')).toBeNull();
  });

  it('explains an empty list', () => {
    renderList([]);
    expect(screen.getByText(/No ongoing chats/)).toBeTruthy();
  });
});
