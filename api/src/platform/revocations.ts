import type { Principal } from './principal';
import type { EventBus } from './pubsub';

/** Credentials that stopped working: every API instance ends the live streams opened with them. */
export interface Revocation {
  agentAuthSessionIds?: string[];
  apiTokenIds?: string[];
}

export const REVOCATION_KEY = 'revoked';

/** Published after the revocation is committed, so a socket that reconnects is refused. */
export function announceRevocation(bus: EventBus, revocation: Revocation) {
  if (!revocation.agentAuthSessionIds?.length && !revocation.apiTokenIds?.length) return;
  bus.publish('credentials', REVOCATION_KEY, revocation);
}

/** How long a revocation is remembered for streams whose credential was checked just before it came. */
const REMEMBER_REVOKED_MS = 60_000;
/** setTimeout's largest delay; a later expiry is checked again after that long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const AGENT_SESSION = { revoked: 'This session has been revoked. Log in again.', expired: 'This session has expired. Log in again.' };
const API_TOKEN = { revoked: 'This API token has been revoked.', expired: 'This API token has expired.' };

interface Credential {
  key: string;
  expiresAt: Date | null;
  messages: { revoked: string; expired: string };
}

const agentSessionKey = (id: string) => `agent-session:${id}`;
const apiTokenKey = (id: string) => `api-token:${id}`;

function credentialOf(principal: Principal): Credential | null {
  if (principal.kind === 'agent' && principal.authSessionId)
    return { key: agentSessionKey(principal.authSessionId), expiresAt: principal.sessionExpiresAt ?? null, messages: AGENT_SESSION };
  if (principal.kind === 'apiToken') return { key: apiTokenKey(principal.apiToken.id), expiresAt: principal.apiToken.expiresAt, messages: API_TOKEN };
  return null;
}

/**
 * Live things (WebSockets, subscription streams) opened with an agent session or API token. They
 * were authorized when they started, so without this a revoked or expired credential would go on
 * receiving events: revoking it (on any instance: the notice comes over the bus) or reaching its
 * expiry calls `end` with the reason, once.
 */
export function createCredentialWatch(bus: EventBus) {
  const watching = new Map<string, Set<(message: string) => void>>();
  // A revocation can arrive between a credential's check and the start of its watch.
  const recentlyRevoked = new Map<string, number>();

  const stop = bus.listen('credentials', REVOCATION_KEY, (payload) => {
    const revocation = payload as Revocation;
    const now = Date.now();
    for (const [key, at] of recentlyRevoked) if (now - at > REMEMBER_REVOKED_MS) recentlyRevoked.delete(key);
    const revoked = [
      ...(revocation.agentAuthSessionIds ?? []).map((id) => [agentSessionKey(id), AGENT_SESSION.revoked] as const),
      ...(revocation.apiTokenIds ?? []).map((id) => [apiTokenKey(id), API_TOKEN.revoked] as const),
    ];
    for (const [key, message] of revoked) {
      recentlyRevoked.set(key, now);
      for (const end of [...(watching.get(key) ?? [])]) end(message);
    }
  });

  /**
   * Calls `end` when `principal`'s credential is revoked or expires; returns the function that
   * stops watching. A credential revoked moments ago ends at once. Visitors are not watched.
   */
  function watch(principal: Principal, end: (message: string) => void): () => void {
    const credential = credentialOf(principal);
    if (!credential) return () => {};
    const { key } = credential;
    if (recentlyRevoked.has(key)) {
      end(credential.messages.revoked);
      return () => {};
    }
    let expiryTimer: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const unwatch = () => {
      clearTimeout(expiryTimer);
      const ends = watching.get(key);
      ends?.delete(endOnce);
      if (ends?.size === 0) watching.delete(key);
    };
    function endOnce(message: string) {
      if (ended) return;
      ended = true;
      unwatch();
      end(message);
    }
    let ends = watching.get(key);
    if (!ends) {
      ends = new Set();
      watching.set(key, ends);
    }
    ends.add(endOnce);

    const watchExpiry = () => {
      if (!credential.expiresAt) return;
      const remaining = credential.expiresAt.getTime() - Date.now();
      if (remaining <= 0) return endOnce(credential.messages.expired);
      expiryTimer = setTimeout(watchExpiry, Math.min(remaining, MAX_TIMER_MS));
      expiryTimer.unref();
    };
    watchExpiry();
    return unwatch;
  }

  return { watch, stop };
}

export type CredentialWatch = ReturnType<typeof createCredentialWatch>;
