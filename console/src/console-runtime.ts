import { createSignal, type Accessor } from 'solid-js';
import type { Client as WsClient } from 'graphql-ws';
import type { Client } from '@urql/core';
import { createGraphqlConnection, type SocketStatus } from './graphql-client';
import { createSessionStore, type SessionStore } from './session';

/** Everything the app needs from outside the component tree: session, API client and socket. */
export interface ConsoleRuntime {
  session: SessionStore;
  client: Client;
  socket: WsClient;
  socketStatus: Accessor<SocketStatus>;
  /** Increments each time the socket is back after a loss. */
  reconnects: Accessor<number>;
}

export function createConsoleRuntime(endpoint?: string): ConsoleRuntime {
  const session = createSessionStore();
  const [socketStatus, setSocketStatus] = createSignal<SocketStatus>('idle');
  const [reconnects, setReconnects] = createSignal(0);
  const { client, socket } = createGraphqlConnection({
    endpoint,
    getToken: session.token,
    onUnauthenticated: () => session.expire(),
    onSocketStatus: setSocketStatus,
    onReconnected: () => setReconnects((n) => n + 1),
  });
  return { session, client, socket, socketStatus, reconnects };
}
