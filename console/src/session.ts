import { createSignal, type Accessor } from 'solid-js';
import { authTokenStorageKey, getAuthToken, setAuthToken } from './auth-token';
import { clearOutboxes } from './chats/outbox';

export interface SessionStore {
  /** The agent's bearer token; null when signed out. */
  token: Accessor<string | null>;
  signIn(token: string): void;
  /**
   * Forgets the token and any unsent messages (the next person at this browser must not send
   * them); `notice` is shown on the login page.
   */
  signOut(notice?: string): void;
  /**
   * Call before revoking this session on the server: the server then closes the live socket with
   * 4401 at once, which is the sign-out under way and not an expiry to report.
   */
  beginSignOut(): void;
  /** The server refused the token (expired, revoked, or the account was deactivated). */
  expire(): void;
  notice: Accessor<string | null>;
}

export const SESSION_EXPIRED_NOTICE = 'Your session has ended (it expired or was signed out elsewhere). Please sign in again.';

export function createSessionStore(): SessionStore {
  const [token, setToken] = createSignal<string | null>(getAuthToken());
  const [notice, setNotice] = createSignal<string | null>(null);
  let signingOut = false;

  // Signing in or out in one tab does the same in the others.
  window.addEventListener('storage', (event) => {
    if (event.key === authTokenStorageKey) setToken(event.newValue);
  });

  function end(message?: string) {
    signingOut = false;
    setAuthToken(null);
    setToken(null);
    setNotice(message ?? null);
  }

  return {
    token,
    notice,
    signIn(value) {
      setAuthToken(value);
      setNotice(null);
      setToken(value);
    },
    signOut(message) {
      clearOutboxes();
      end(message);
    },
    beginSignOut() {
      signingOut = true;
    },
    // Unsent messages stay, stored under this agent only: they go out if the same agent signs in again
    // within a day and still handles the chat.
    expire() {
      if (token() && !signingOut) end(SESSION_EXPIRED_NOTICE);
    },
  };
}
