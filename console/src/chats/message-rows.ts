import { formatDay } from '../ui/format';
import type { OutgoingMessage, ServerMessage } from './conversation-state';

/** One line of the message list: a day separator, a stored message or one still on its way. */
export type MessageRow =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: ServerMessage; showAuthor: boolean }
  | { kind: 'outgoing'; key: string; message: OutgoingMessage };

/** Day separators, and the author shown once per run of messages from the same side. */
export function buildRows(messages: ServerMessage[], outgoing: OutgoingMessage[], now = new Date()): MessageRow[] {
  const rows: MessageRow[] = [];
  let lastDay = '';
  let lastAuthor = '';
  for (const message of messages) {
    const day = formatDay(message.createdAt, now);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${message.cursor}`, label: day });
      lastDay = day;
      lastAuthor = '';
    }
    const author = message.authorKind === 'SYSTEM' ? '' : `${message.authorKind}:${message.author?.id ?? ''}`;
    rows.push({ kind: 'message', key: message.id, message, showAuthor: author !== '' && author !== lastAuthor });
    lastAuthor = author;
  }
  for (const message of outgoing) rows.push({ kind: 'outgoing', key: `out-${message.clientMessageId}`, message });
  return rows;
}
