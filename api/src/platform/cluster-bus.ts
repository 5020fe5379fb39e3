// The in-machine bus of a node:cluster without Redis: a worker delivers its own publish() at once
// and sends it to the primary over the cluster IPC channel; the primary relays it to every other
// worker. One IPC channel per worker is FIFO, so each publisher's order is kept everywhere.
import cluster from 'node:cluster';

const MESSAGE_TYPE = 'livechat:bus';

export interface ClusterBusMessage {
  type: typeof MESSAGE_TYPE;
  topic: string;
  key: string;
  payload: unknown;
  publishedAt: number;
}

function isBusMessage(message: unknown): message is ClusterBusMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === MESSAGE_TYPE;
}

/** True in a cluster worker, where the primary relays; false in a single process or the primary. */
export function inClusterWorker(): boolean {
  return cluster.isWorker && typeof process.send === 'function';
}

/** Worker side: sends each message to the primary and hands relayed ones to `receive`. */
export function connectClusterBus(receive: (message: ClusterBusMessage) => void) {
  const onMessage = (message: unknown) => {
    if (isBusMessage(message)) receive(message);
  };
  process.on('message', onMessage);
  return {
    send(message: Omit<ClusterBusMessage, 'type'>) {
      // A worker whose channel closed is shutting down; its own listeners already got the event.
      if (process.connected) process.send?.({ type: MESSAGE_TYPE, ...message } satisfies ClusterBusMessage);
    },
    close() {
      process.off('message', onMessage);
    },
  };
}

/** Primary side: relays each worker's bus messages to every other live worker. Returns the function that stops it. */
export function relayClusterBus(): () => void {
  const onMessage = (from: { id: number }, message: unknown) => {
    if (!isBusMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {}))
      if (worker && worker.id !== from.id && worker.isConnected()) worker.send(message, undefined, () => {}); // a worker that just died misses it, as a Redis subscriber would
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}
