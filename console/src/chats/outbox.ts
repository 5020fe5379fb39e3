/**
 * Text messages not yet confirmed by the server, per chat, kept in localStorage so a reload or a
 * crash while offline never loses what the agent wrote. Resending is safe: the server stores a
 * clientMessageId once.
 */
export interface StoredOutgoing {
  clientMessageId: string;
  body: string;
  createdAt: string;
}

const key = (sessionId: string) => `livechat.console.outbox.${sessionId}`;

export function loadOutbox(sessionId: string): StoredOutgoing[] {
  try {
    const value = JSON.parse(localStorage.getItem(key(sessionId)) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((v): v is StoredOutgoing => typeof v?.clientMessageId === 'string' && typeof v?.body === 'string') : [];
  } catch {
    return [];
  }
}

export function saveOutbox(sessionId: string, items: StoredOutgoing[]) {
  if (items.length) localStorage.setItem(key(sessionId), JSON.stringify(items));
  else localStorage.removeItem(key(sessionId));
}
