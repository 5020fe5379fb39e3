/**
 * localStorage that never throws (blocked storage, private modes, full quota) and tells of
 * changes made by other tabs. Keys are prefixed so they never clash with the host page's.
 */
const PREFIX = 'chat-widget:';

export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, value);
  } catch {
    // Without storage the chat still works; it just does not survive a reload.
  }
}

/** Calls back when another tab changes `key`; returns the unsubscribe function. */
export function onStoredChange(key: string, callback: (value: string | null) => void): () => void {
  const listener = (event: StorageEvent) => {
    if (event.key === PREFIX + key || event.key === null) callback(readStored(key));
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
