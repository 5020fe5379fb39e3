import { cleanup, fireEvent, render, screen, within } from '@solidjs/testing-library';
import { createStore } from 'solid-js/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message } from './chat-fixtures';
import type { ConversationData } from './conversation-state';
import { linkify } from './linkify';
import { buildRows } from './message-rows';
import { MessageList } from './MessageList';

function renderList(
  overrides: Partial<ConversationData> = {},
  handlers: Partial<{ onRetry: (id: string) => void; onDiscard: (id: string) => void; onLoadOlder: () => void }> = {},
) {
  const [state, setState] = createStore<ConversationData>({
    messages: [],
    outgoing: [],
    hasMore: false,
    status: 'ACTIVE',
    visitorReadCursor: 0,
    agentReadCursor: 0,
    visitorTyping: false,
    agentTyping: null,
    ...overrides,
  });
  render(() => (
    <MessageList
      state={state}
      visitorName="Vera"
      loadingOlder={false}
      onLoadOlder={handlers.onLoadOlder ?? (() => {})}
      onRetry={handlers.onRetry ?? (() => {})}
      onDiscard={handlers.onDiscard ?? (() => {})}
    />
  ));
  return setState;
}

const agentMessage = (cursor: number, body: string) => message(cursor, { authorKind: 'AGENT', body, author: { id: 'alice', displayName: 'Alice' } });

describe('MessageList', () => {
  afterEach(cleanup);

  it('shows visitor, agent and system messages with their times, the author once per run', () => {
    renderList({
      messages: [
        message(1, { body: 'Hello' }),
        message(2, { body: 'Anyone?' }),
        message(3, { authorKind: 'SYSTEM', systemType: 'AGENT_JOINED', body: 'Alice joined the chat.' }),
        agentMessage(4, 'Hi Vera!'),
        message(5, { authorKind: 'SYSTEM', systemType: 'REQUEST_CREATED', body: 'Request R-7 was created.' }),
      ],
    });
    const log = screen.getByRole('log', { name: 'Conversation with Vera' });
    expect(within(log).getAllByText('Vera')).toHaveLength(1);
    expect(within(log).getByText('Alice')).toBeTruthy();
    expect(within(log).getByText('Hello').closest('li')?.classList.contains('message-visitor')).toBe(true);
    expect(within(log).getByText('Hi Vera!').closest('li')?.classList.contains('message-agent')).toBe(true);
    const joined = within(log).getByText('Alice joined the chat.').closest('li')!;
    expect(joined.classList.contains('system-message')).toBe(true);
    expect(joined.textContent).not.toContain('Only agents see this');
    expect(within(log).getByText('Request R-7 was created.').closest('li')!.textContent).toContain('Only agents see this');
    expect([...log.querySelectorAll('time')].map((t) => t.getAttribute('datetime'))).toEqual([1, 2, 3, 4, 5].map((c) => message(c).createdAt));
  });

  it('marks agent messages delivered until the visitor read past them', () => {
    const setState = renderList({ messages: [agentMessage(1, 'First'), agentMessage(2, 'Second')], visitorReadCursor: 1 });
    const receipt = (text: string) => screen.getByText(text).closest('li')!.querySelector('.receipt')!.textContent;
    expect(receipt('First')).toContain('Seen by the visitor');
    expect(receipt('Second')).toContain('Delivered');
    setState('visitorReadCursor', 2);
    expect(receipt('Second')).toContain('Seen by the visitor');
  });

  it('keeps a failed send on screen with Retry and Discard', () => {
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    renderList(
      {
        outgoing: [
          { clientMessageId: 'c1', body: 'Sending now', createdAt: '2026-01-10T09:10:00.000Z', state: 'sending' },
          { clientMessageId: 'c2', body: 'This failed', createdAt: '2026-01-10T09:11:00.000Z', state: 'failed', error: 'Cannot reach the server.' },
        ],
      },
      { onRetry, onDiscard },
    );
    expect(screen.getByText('Sending…')).toBeTruthy();
    const failed = screen.getByText('This failed').closest('li')!;
    expect(within(failed).getByRole('alert').textContent).toBe('Not sent: Cannot reach the server.');
    fireEvent.click(within(failed).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith('c2');
    fireEvent.click(within(failed).getByRole('button', { name: 'Discard' }));
    expect(onDiscard).toHaveBeenCalledWith('c2');
  });

  it('shows attachments: images inline at their size, other files as downloads', () => {
    renderList({
      messages: [
        message(1, {
          body: '',
          attachments: [
            {
              id: 'a1',
              fileName: 'photo.png',
              contentType: 'image/png',
              size: 2048,
              width: 640,
              height: 480,
              isImage: true,
              url: '/attachments/a1/photo.png?token=t',
            },
            {
              id: 'a2',
              fileName: 'invoice.pdf',
              contentType: 'application/pdf',
              size: 1_500_000,
              width: null,
              height: null,
              isImage: false,
              url: '/attachments/a2/invoice.pdf?token=t',
            },
          ],
        }),
      ],
    });
    const image = screen.getByRole('img', { name: 'photo.png' }) as HTMLImageElement;
    expect([image.getAttribute('src'), image.getAttribute('width'), image.getAttribute('height')]).toEqual(['/attachments/a1/photo.png?token=t', '640', '480']);
    const file = screen.getByRole('link', { name: /invoice\.pdf/ });
    expect(file.getAttribute('href')).toBe('/attachments/a2/invoice.pdf?token=t');
    expect(file.textContent).toContain('1.4 MB');
  });

  it('shows who is typing, and offers older messages', () => {
    const onLoadOlder = vi.fn();
    const setState = renderList({ messages: [message(5)], hasMore: true, visitorTyping: true }, { onLoadOlder });
    expect(screen.getByText('Vera is typing…')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load earlier messages' }));
    expect(onLoadOlder).toHaveBeenCalled();
    setState({ visitorTyping: false, agentTyping: 'Bob', hasMore: false });
    expect(screen.queryByText('Vera is typing…')).toBeNull();
    expect(screen.getByText('Bob is typing…')).toBeTruthy();
    expect(screen.getByText('Start of the conversation')).toBeTruthy();
  });
});

describe('buildRows', () => {
  it('puts a day separator before the first message of each day', () => {
    const rows = buildRows(
      [
        message(1, { createdAt: '2026-01-09T10:00:00.000Z' }),
        message(2, { createdAt: '2026-01-10T08:00:00.000Z' }),
        message(3, { createdAt: '2026-01-10T09:00:00.000Z' }),
      ],
      [],
      new Date('2026-01-10T12:00:00.000Z'),
    );
    expect(rows.map((r) => (r.kind === 'day' ? r.label : r.kind))).toEqual(['Yesterday', 'message', 'Today', 'message', 'message']);
  });
});

describe('linkify', () => {
  it('turns web addresses into links and never interprets HTML', () => {
    const { container } = render(() => <p>{linkify('See https://example.com/help?a=1. <b>not bold</b>')}</p>);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://example.com/help?a=1');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toBe('See https://example.com/help?a=1. <b>not bold</b>');
  });
});
