import type { WebSocket } from 'ws';
import type { Principal } from '../../platform/principal';
import type { EventBus } from '../../platform/pubsub';
import { createCredentialWatch } from '../../platform/revocations';

export const WS_UNAUTHENTICATED = 4401;

export function closeUnauthenticated(socket: WebSocket, message: string) {
  socket.close(WS_UNAUTHENTICATED, `UNAUTHENTICATED: ${message}`.slice(0, 120));
}

/**
 * The open WebSockets of each agent session and API token: revoking the credential (on any
 * instance) or reaching its expiry closes its sockets with 4401, which clients treat as "log in
 * again". Each subscription stream also ends on its own (credential-streams.ts), whatever its transport.
 */
export function createCredentialSockets(bus: EventBus) {
  const credentials = createCredentialWatch(bus);

  /** Watches a socket that authenticated as `principal` until it closes; false when it was closed at once. */
  function track(principal: Principal, socket: WebSocket): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    const unwatch = credentials.watch(principal, (message) => closeUnauthenticated(socket, message));
    if (socket.readyState !== socket.OPEN) return false;
    socket.once('close', unwatch);
    return true;
  }

  return { track, stop: credentials.stop };
}

export type CredentialSockets = ReturnType<typeof createCredentialSockets>;
