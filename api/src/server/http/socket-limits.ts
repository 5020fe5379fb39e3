import type { IncomingMessage } from 'node:http';
import type { GraphQLError } from 'graphql';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { WebSocket } from 'ws';
import type { SocketLimits, TrustProxy } from '../../platform/config';
import { AppError, rateLimited } from '../../platform/errors';
import { clientAddress } from '../../platform/client-address';

/**
 * Too many sockets from one address, or a socket that sends operations too fast (like HTTP 429).
 * Not 4429: graphql-ws uses that for "too many initialisation requests", which its client treats as
 * fatal and never retries; 4290 is retried, and our clients wait longer before they do.
 */
export const WS_TOO_MANY_REQUESTS = 4290;

function closeTooMany(socket: WebSocket, reason: string) {
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(WS_TOO_MANY_REQUESTS, `RATE_LIMITED: ${reason}`);
}

/**
 * Caps on graphql-ws sockets: open sockets per client address (counted per API instance), running
 * operations per socket, and operations started per socket per window.
 */
export function createSocketLimits(limits: SocketLimits, trustProxy: TrustProxy, onRefused: (limit: string) => void = () => {}) {
  const openByAddress = new Map<string, number>();
  const operations = new RateLimiterMemory({ points: limits.operationsPerSocket.limit, duration: limits.operationsPerSocket.windowSeconds });
  const socketKeys = new WeakMap<WebSocket, string>();
  let socketCount = 0;

  /** For the WebSocketServer's "connection" event: counts the socket, or closes it with 4290 past the cap. */
  function admit(socket: WebSocket, request: IncomingMessage) {
    const address = clientAddress(request, trustProxy);
    const open = openByAddress.get(address) ?? 0;
    if (open >= limits.connectionsPerIp) {
      onRefused('ws:connectionsPerIp');
      closeTooMany(socket, `more than ${limits.connectionsPerIp} open connections from one address`);
      return;
    }
    openByAddress.set(address, open + 1);
    socketKeys.set(socket, `socket-${++socketCount}`);
    socket.once('close', () => {
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left > 0) openByAddress.set(address, left);
      else openByAddress.delete(address);
    });
  }

  /**
   * For graphql-ws's onSubscribe: null to go on, or the errors that refuse this operation. A socket
   * past the operation rate is closed with 4290; `running` already holds the new operation's id.
   */
  async function checkOperation(socket: WebSocket, running: Record<string, unknown>): Promise<readonly GraphQLError[] | null> {
    const key = socketKeys.get(socket);
    const window = limits.operationsPerSocket.windowSeconds;
    if (!key || socket.readyState !== socket.OPEN) return [rateLimited(window)];
    try {
      await operations.consume(key);
    } catch {
      onRefused('ws:operationsPerSocket');
      closeTooMany(socket, `more than ${limits.operationsPerSocket.limit} operations in ${window} s on one connection`);
      return [rateLimited(window)];
    }
    if (Object.keys(running).length > limits.subscriptionsPerSocket) {
      onRefused('ws:subscriptionsPerSocket');
      return [
        new AppError('LIMIT_EXCEEDED', `At most ${limits.subscriptionsPerSocket} operations can run at once on one connection; complete one first.`, {
          limit: 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET',
          max: limits.subscriptionsPerSocket,
        }),
      ];
    }
    return null;
  }

  return { admit, checkOperation };
}
