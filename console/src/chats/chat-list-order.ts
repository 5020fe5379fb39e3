import type { ChatListItem } from '../workspace-operations';

export interface ChatListSections {
  /** Transfers offered to me, waiting for my answer: they need me first. */
  offered: ChatListItem[];
  /** Chats I am handling, the most recent message first. */
  ongoing: ChatListItem[];
  /** My chats that ended in the last 8 hours, most recently ended first. */
  completed: ChatListItem[];
}

const time = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : 0);

export function arrangeChatList(chats: ChatListItem[], meId: string | undefined): ChatListSections {
  const offered: ChatListItem[] = [];
  const ongoing: ChatListItem[] = [];
  const completed: ChatListItem[] = [];
  for (const chat of chats) {
    if (chat.pendingTransfer && chat.pendingTransfer.toAgent.id === meId) offered.push(chat);
    else if (chat.status === 'ACTIVE' && chat.agent?.id === meId) ongoing.push(chat);
    else if (chat.status === 'ENDED' || chat.status === 'CLOSED') completed.push(chat);
  }
  offered.sort((a, b) => time(b.pendingTransfer?.createdAt) - time(a.pendingTransfer?.createdAt));
  // By the last message, not lastActivityAt: a read receipt or a transfer note must not make a
  // row jump to the top while the agent works through the list.
  ongoing.sort((a, b) => time(lastMessageTime(b)) - time(lastMessageTime(a)) || a.id.localeCompare(b.id));
  completed.sort((a, b) => time(b.endedAt) - time(a.endedAt) || a.id.localeCompare(b.id));
  return { offered, ongoing, completed };
}

function lastMessageTime(chat: ChatListItem) {
  return chat.lastMessageAt ?? chat.startedAt ?? chat.requestedAt;
}

/** The list in display order, for next/previous chat shortcuts. */
export function flatChatOrder(sections: ChatListSections): string[] {
  return [...sections.offered, ...sections.ongoing, ...sections.completed].map((c) => c.id);
}

/** The chat to open after `currentId` in `direction` (wrapping), or the first one. */
export function adjacentChat(order: string[], currentId: string | undefined, direction: 1 | -1): string | undefined {
  if (!order.length) return undefined;
  const index = currentId ? order.indexOf(currentId) : -1;
  if (index === -1) return direction === 1 ? order[0] : order[order.length - 1];
  return order[(index + direction + order.length) % order.length];
}

/** The one-line preview under a chat's name. */
export function lastMessagePreview(chat: ChatListItem): string {
  const message = chat.messages.messages[0];
  if (!message) return '';
  if (message.body) return message.body.replace(/\s+/g, ' ');
  const file = message.attachments[0];
  return file ? `📎 ${file.fileName}` : '';
}
