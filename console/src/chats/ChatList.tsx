import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { formatRelative, initials, visitorLabel } from '../ui/format';
import type { ChatListItem } from '../workspace-operations';
import { arrangeChatList, lastMessagePreview } from './chat-list-order';
import { WarningIcon } from '../ui/icons';

interface ChatListProps {
  chats: ChatListItem[];
  meId: string | undefined;
  selectedId?: string;
  now: number;
}

/** My chats: transfers offered to me, then ongoing, then completed in the last 8 hours. */
export function ChatList(props: ChatListProps) {
  const sections = () => arrangeChatList(props.chats, props.meId);
  return (
    <nav class="chat-list" aria-label="My chats">
      <Show when={sections().offered.length}>
        <Section {...props} title="Offered to you" chats={sections().offered} />
      </Show>
      <Section
        {...props}
        title="Ongoing"
        chats={sections().ongoing}
        empty="No ongoing chats. Take the next one from the queue, or answer one on the Dashboard."
      />
      <Show when={sections().completed.length}>
        <Section {...props} title="Completed (last 8 hours)" chats={sections().completed} />
      </Show>
    </nav>
  );
}

function Section(props: ChatListProps & { title: string; chats: ChatListItem[]; empty?: string }) {
  const id = () => `chat-list-${props.title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section class="chat-list-section" aria-labelledby={id()}>
      <h3 id={id()} class="chat-list-heading">
        {props.title} <span class="muted">{props.chats.length}</span>
      </h3>
      <Show when={props.chats.length} fallback={<p class="chat-list-empty muted small">{props.empty}</p>}>
        <ul>
          <For each={props.chats}>{(chat) => <ChatRow chat={chat} meId={props.meId} selected={chat.id === props.selectedId} now={props.now} />}</For>
        </ul>
      </Show>
    </section>
  );
}

export function ChatRow(props: { chat: ChatListItem; meId: string | undefined; selected: boolean; now: number }) {
  const chat = () => props.chat;
  const ended = () => chat().status === 'ENDED' || chat().status === 'CLOSED';
  const transfer = () => chat().pendingTransfer;
  const transferText = () => {
    const t = transfer();
    if (!t) return '';
    return t.toAgent.id === props.meId ? `Transfer from ${t.fromAgent.name} waiting for your answer` : `Transfer to ${t.toAgent.name} waiting to be accepted`;
  };
  const lastAuthor = () => chat().lastMessageAuthor;
  const dotText = () => (lastAuthor() === 'VISITOR' ? 'Visitor wrote last' : lastAuthor() === 'AGENT' ? 'Agent wrote last' : 'No messages yet');

  return (
    <li>
      <A
        href={`/chats/${chat().id}`}
        class="chat-row"
        classList={{ 'is-selected': props.selected, 'is-ended': ended(), 'has-transfer': !!transfer(), 'has-unread': chat().unreadCount > 0 }}
        aria-current={props.selected ? 'page' : undefined}
        data-chat-id={chat().id}
      >
        <span class="avatar" aria-hidden="true">
          {initials(visitorLabel(chat().visitor))}
          <span class={`author-dot author-dot-${(lastAuthor() ?? 'none').toLowerCase()}`} title={dotText()} />
        </span>
        <span class="chat-row-main">
          <span class="chat-row-top">
            <span class="chat-row-name">{visitorLabel(chat().visitor)}</span>
            <span class="chat-row-time muted small">{formatRelative(chat().lastMessageAt ?? chat().lastActivityAt, props.now)}</span>
          </span>
          <span class="chat-row-preview">{lastMessagePreview(chat())}</span>
          <span class="chat-row-bottom">
            <span class="channel-tag">{chat().channel.name}</span>
            <Show when={ended()}>
              <span class="tag">Ended</span>
            </Show>
            <Show when={transfer()}>
              <span class="transfer-warning" title={transferText()}>
                <WarningIcon />
              </span>
            </Show>
            <Show when={chat().unreadCount > 0}>
              <span class="count-badge count-badge-accent" title={`${chat().unreadCount} unread`}>
                <span aria-hidden="true">{chat().unreadCount}</span>
              </span>
            </Show>
          </span>
        </span>
        {/* One sentence for screen readers: what the dot, the badge and the icon show. */}
        <span class="sr-only">
          {`. ${dotText()}.`}
          {chat().unreadCount > 0 ? ` ${chat().unreadCount} unread ${chat().unreadCount === 1 ? 'message' : 'messages'}.` : ''}
          {transfer() ? ` ${transferText()}.` : ''}
        </span>
      </A>
    </li>
  );
}
