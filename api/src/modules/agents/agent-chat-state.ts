import type { MessageAuthor } from '../../generated/prisma/enums';
import type { AgentSignal } from '../../platform/pubsub';

/**
 * What a message or read receipt changed in one chat, carried in the 'agent' signal of its
 * handling agent, so that agent's console feed updates the row and the badges without a query.
 * Only built for changes made of messages and read receipts; anything else (status, transfers)
 * comes without one and makes the feed read the database.
 */
export interface ChatChange {
  lastEventCursor: number;
  lastActivityAt: string;
  /** The newest message of the change (its MessageDto); null when there is none. */
  lastMessage: unknown | null;
  /** Set by visitor and agent messages only, as the session row does. */
  lastMessageAt: string | null;
  lastMessageAuthor: MessageAuthor | null;
  /** Cursors of the visitor messages in the change. */
  visitorMessageCursors: number[];
  /** The handling agent's read receipt in the change. */
  agentReadUpTo: number | null;
}

export type AgentChatSignal = AgentSignal & { change?: ChatChange };

/** One changed row of the agent's chat list; null fields did not change. */
export interface AgentChatRow {
  sessionId: string;
  lastEventCursor: number;
  lastActivityAt: string;
  lastMessage: unknown | null;
  lastMessageAt: string | null;
  lastMessageAuthor: MessageAuthor | null;
  unreadCount: number;
  agentReadCursor: number;
}

/** An active chat the agent handles, as read from the database: its read cursor and its unread visitor messages. */
export interface HandledChat {
  sessionId: string;
  agentReadSeq: number;
  unreadCursors: number[];
}

/**
 * One agentEvents subscription's memory of the chats its agent handles: each one's read cursor
 * and unread visitor message cursors. Cursors are kept as sets, so a signal that the last
 * database read already saw changes nothing when it arrives: the counts stay exact.
 */
export function createAgentChatState() {
  const chats = new Map<string, { readUpTo: number; unread: Set<number> }>();

  function reset(handled: readonly HandledChat[]) {
    chats.clear();
    for (const chat of handled)
      chats.set(chat.sessionId, { readUpTo: chat.agentReadSeq, unread: new Set(chat.unreadCursors.filter((c) => c > chat.agentReadSeq)) });
  }

  /** Whether every signal can be applied from memory: a message or read change in a chat this agent handles. */
  function canApply(signals: readonly AgentChatSignal[]): boolean {
    return signals.length > 0 && signals.every((s) => s.reason === 'chats' && !!s.change && !!s.sessionId && chats.has(s.sessionId));
  }

  /** Applies mergeable signals (see canApply) and returns the changed rows, one per chat. */
  function apply(signals: readonly AgentChatSignal[]): AgentChatRow[] {
    const rows = new Map<string, AgentChatRow>();
    for (const { sessionId, change } of signals) {
      const chat = chats.get(sessionId!)!;
      for (const cursor of change!.visitorMessageCursors) if (cursor > chat.readUpTo) chat.unread.add(cursor);
      if (change!.agentReadUpTo != null && change!.agentReadUpTo > chat.readUpTo) {
        chat.readUpTo = change!.agentReadUpTo;
        for (const cursor of chat.unread) if (cursor <= chat.readUpTo) chat.unread.delete(cursor);
      }
      const before = rows.get(sessionId!);
      // Signals of one chat may arrive out of order across instances: the newest cursor wins.
      const newer = !before || change!.lastEventCursor >= before.lastEventCursor;
      const latest = newer ? change! : before;
      const older = newer ? before : change!;
      rows.set(sessionId!, {
        sessionId: sessionId!,
        lastEventCursor: latest.lastEventCursor,
        lastActivityAt: latest.lastActivityAt,
        lastMessage: latest.lastMessage ?? older?.lastMessage ?? null,
        lastMessageAt: latest.lastMessageAt ?? older?.lastMessageAt ?? null,
        lastMessageAuthor: latest.lastMessageAuthor ?? older?.lastMessageAuthor ?? null,
        unreadCount: 0,
        agentReadCursor: 0,
      });
    }
    for (const row of rows.values()) {
      const chat = chats.get(row.sessionId)!;
      row.unreadCount = chat.unread.size;
      row.agentReadCursor = chat.readUpTo;
    }
    return [...rows.values()];
  }

  function unreadTotal(): number {
    let total = 0;
    for (const chat of chats.values()) total += chat.unread.size;
    return total;
  }

  return { reset, canApply, apply, unreadTotal };
}
