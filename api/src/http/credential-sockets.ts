import type { WebSocket } from 'ws';
import type { Principal } from '../context';
import type { EventBus } from '../pubsub';
import { REVOCATION_KEY, type Revocation } from '../services/revocations';

export const WS_UNAUTHENTICATED = 4401;
/** How long a revocation is remembered for sockets that were still authenticating when it came. */
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

export function closeUnauthenticated(socket: WebSocket, message: string) {
  socket.close(WS_UNAUTHENTICATED, `UNAUTHENTICATED: ${message}`.slice(0, 120));
}

/**
 * The open WebSockets of each agent session and API token. A running subscription was authorized
 * when it started, so without this a revoked or expired credential would go on receiving live
 * events: revoking one (on any instance: the notice comes over the bus) or reaching its expiry
 * closes its sockets with 4401, which clients treat as "log in again".
 */
export function createCredentialSockets(bus: EventBus) {
  const open = new Map<string, Set<WebSocket>>();
  // A revocation can arrive while a socket is still authenticating with the same credential.
  const recentlyRevoked = new Map<string, number>();

  const stopListening = bus.listen('credentials', REVOCATION_KEY, (payload) => {
    const revocation = payload as Revocation;
    const now = Date.now();
    for (const [key, at] of recentlyRevoked) if (now - at > REMEMBER_REVOKED_MS) recentlyRevoked.delete(key);
    const revoked = [
      ...(revocation.agentAuthSessionIds ?? []).map((id) => [agentSessionKey(id), AGENT_SESSION.revoked] as const),
      ...(revocation.apiTokenIds ?? []).map((id) => [apiTokenKey(id), API_TOKEN.revoked] as const),
    ];
    for (const [key, message] of revoked) {
      recentlyRevoked.set(key, now);
      for (const socket of [...(open.get(key) ?? [])]) closeUnauthenticated(socket, message);
    }
  });

  /** Watches a socket that authenticated as `principal` until it closes; false when it was closed at once. */
  function track(principal: Principal, socket: WebSocket): boolean {
    const credential = credentialOf(principal);
    if (!credential || socket.readyState !== socket.OPEN) return socket.readyState === socket.OPEN;
    const { key } = credential;
    if (recentlyRevoked.has(key)) {
      closeUnauthenticated(socket, credential.messages.revoked);
      return false;
    }
    let sockets = open.get(key);
    if (!sockets) open.set(key, (sockets = new Set()));
    sockets.add(socket);

    let expiryTimer: ReturnType<typeof setTimeout> | undefined;
    const watchExpiry = () => {
      if (!credential.expiresAt) return;
      const remaining = credential.expiresAt.getTime() - Date.now();
      if (remaining <= 0) return closeUnauthenticated(socket, credential.messages.expired);
      expiryTimer = setTimeout(watchExpiry, Math.min(remaining, MAX_TIMER_MS));
      expiryTimer.unref();
    };
    watchExpiry();

    socket.once('close', () => {
      clearTimeout(expiryTimer);
      sockets.delete(socket);
      if (sockets.size === 0) open.delete(key);
    });
    return true;
  }

  return { track, stop: stopListening };
}

export type CredentialSockets = ReturnType<typeof createCredentialSockets>;
