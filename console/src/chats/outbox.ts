/**
 * Text messages an agent sent that the server has not confirmed yet, per agent and chat, kept in
 * localStorage so a reload or a crash while offline never loses what they wrote. Resending is
 * safe: the server stores a clientMessageId once.
 *
 * Keyed by agent as well as chat, so on a shared workstation one agent's unsent text is never
 * sent under another agent's name; cleared when an agent signs out, and forgotten after a day
 * (a reply that old would no longer make sense to the visitor).
 */
export interface StoredOutgoing {
  clientMessageId: string;
  body: string;
  createdAt: string;
}

const PREFIX = 'livechat.console.outbox.';
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const key = (agentId: string, sessionId: string) => `${PREFIX}${agentId}.${sessionId}`;

// An unreadable date counts as stale (NaN compares false).
const isFresh = (item: StoredOutgoing, now: number) => now - Date.parse(item.createdAt) <= OUTBOX_MAX_AGE_MS;

/** This agent's unsent text for one chat, without entries older than OUTBOX_MAX_AGE_MS. */
export function loadOutbox(agentId: string, sessionId: string, now = Date.now()): StoredOutgoing[] {
  try {
    const value = JSON.parse(localStorage.getItem(key(agentId, sessionId)) ?? '[]') as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter(
      (v): v is StoredOutgoing => typeof v?.clientMessageId === 'string' && typeof v?.body === 'string' && typeof v?.createdAt === 'string' && isFresh(v, now),
    );
  } catch {
    return [];
  }
}

export function saveOutbox(agentId: string, sessionId: string, items: StoredOutgoing[]) {
  if (items.length) localStorage.setItem(key(agentId, sessionId), JSON.stringify(items));
  else localStorage.removeItem(key(agentId, sessionId));
}

/** Forgets every stored outbox on this browser (signing out). */
export function clearOutboxes() {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i);
    if (name?.startsWith(PREFIX)) keys.push(name);
  }
  for (const name of keys) localStorage.removeItem(name);
}
