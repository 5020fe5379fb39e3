import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import { connectClusterBus, inClusterWorker } from './cluster-bus';

/**
 * Topics are fixed and few; the key inside a message routes it to local listeners:
 * - chat:    key = session id, payload = ChatEventDto
 * - channel: key = channel id, payload = ChannelSignal (queue or session list changed)
 * - agent:   key = agent id,   payload = AgentSignal
 * - credentials: key = 'revoked', payload = Revocation (sessions and API tokens whose sockets must close)
 *
 * Each API instance subscribes to these topics once, at start, and fans messages out in
 * process. A per-subscription Redis SUBSCRIBE would leave a window in which a just-published
 * event is lost; here a listener is registered synchronously before the subscriber replays
 * from the database, so replay and live events meet without a gap.
 */
/** Signals that make consoles and dashboards refresh; they carry no private data. */
// 'settings': an admin changed the channel; 'members': its member list or a member's flags changed;
// 'channels': the agent's own memberships changed.
// `activity`: only messages or read receipts, no status change; feeds may refresh for it later.
export type ChannelSignal = { reason: 'queue' | 'sessions' | 'presence' | 'settings' | 'members'; sessionId?: string; activity?: true };
export type AgentSignal = { reason: 'chats' | 'transfer' | 'presence' | 'channels'; sessionId?: string; transferId?: string };

export type BusTopic = 'chat' | 'channel' | 'agent' | 'credentials';
const TOPICS: readonly BusTopic[] = ['chat', 'channel', 'agent', 'credentials'];
const CHANNEL_PREFIX = 'livechat:';

type Listener = (payload: unknown) => void;
type Envelope = { key: string; payload: unknown; publishedAt?: number };

export interface BusMetrics {
  /** Seconds from publish to delivery on this instance, per topic. */
  delivered(topic: BusTopic, lagSeconds: number): void;
}

export interface EventBus {
  /** 'cluster': a node:cluster worker without Redis, relaying through the primary (platform/cluster-bus.ts). */
  kind: 'memory' | 'cluster' | 'redis';
  /** Connection state: 'ready' when publishing and receiving work. */
  status(): string;
  /** Resolves once this instance receives the topics (Redis SUBSCRIBE confirmed). */
  ready: Promise<void>;
  /** Fire and forget: delivery never blocks the caller; events are stored before they are published. */
  publish(topic: BusTopic, key: string, payload: unknown): void;
  /** Registers synchronously; returns the function that unregisters. */
  listen(topic: BusTopic, key: string, listener: Listener): () => void;
  /** Called after the Redis connection came back: messages may have been lost meanwhile, so catch up from the database. */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createEventBus(redisUrl?: string, metrics?: BusMetrics): EventBus {
  const listeners = new Map<string, Set<Listener>>();
  const resyncListeners = new Set<() => void>();
  const routeKey = (topic: string, key: string) => `${topic}\u0000${key}`;

  function deliver(topic: BusTopic, detail: Envelope | null) {
    if (!detail) return;
    // Wall-clock time, so the lag across instances (through Redis) counts too.
    if (metrics && typeof detail.publishedAt === 'number') metrics.delivered(topic, Math.max(0, Date.now() - detail.publishedAt) / 1000);
    const set = listeners.get(routeKey(topic, detail.key));
    if (set) for (const listener of [...set]) listener(detail.payload);
  }

  function listen(topic: BusTopic, key: string, listener: Listener) {
    const k = routeKey(topic, key);
    let set = listeners.get(k);
    if (!set) {
      set = new Set();
      listeners.set(k, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) listeners.delete(k);
    };
  }

  function onResync(listener: () => void) {
    resyncListeners.add(listener);
    return () => resyncListeners.delete(listener);
  }

  if (!redisUrl && inClusterWorker()) {
    const target = new EventTarget();
    for (const topic of TOPICS) target.addEventListener(topic, (event) => deliver(topic, (event as CustomEvent).detail));
    const dispatch = (topic: string, detail: Envelope) => target.dispatchEvent(new CustomEvent(topic, { detail }));
    const channel = connectClusterBus(({ topic, key, payload, publishedAt }) => dispatch(topic, { key, payload, publishedAt }));
    return {
      kind: 'cluster',
      status: () => (process.connected ? 'ready' : 'disconnected'),
      ready: Promise.resolve(),
      publish: (topic, key, payload) => {
        const detail: Envelope = { key, payload, publishedAt: Date.now() };
        // The other workers get what Redis would give them: the JSON form of the payload.
        channel.send({ topic, key, payload, publishedAt: detail.publishedAt! });
        queueMicrotask(() => dispatch(topic, detail));
      },
      listen,
      onResync,
      close: async () => {
        channel.close();
        listeners.clear();
      },
    };
  }

  if (!redisUrl) {
    const target = new EventTarget();
    for (const topic of TOPICS) target.addEventListener(topic, (event) => deliver(topic, (event as CustomEvent).detail));
    return {
      kind: 'memory',
      status: () => 'ready',
      ready: Promise.resolve(),
      publish: (topic, key, payload) => {
        const detail: Envelope = { key, payload, publishedAt: Date.now() };
        // Asynchronous like Redis, so publishers never run subscriber code inside their own call.
        queueMicrotask(() => target.dispatchEvent(new CustomEvent(topic, { detail })));
      },
      listen,
      onResync,
      close: async () => listeners.clear(),
    };
  }

  // redis-event-target needs one connection that publishes and one in subscriber mode.
  const options = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) } as const;
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  for (const client of [publishClient, subscribeClient]) client.on('error', () => {});
  const target = createRedisEventTarget({ publishClient, subscribeClient });
  for (const topic of TOPICS) target.addEventListener(CHANNEL_PREFIX + topic, (event) => deliver(topic, (event as CustomEvent).detail));
  const channels = TOPICS.map((t) => CHANNEL_PREFIX + t);

  let lostConnection = false;
  subscribeClient.on('close', () => (lostConnection = true));
  subscribeClient.on('ready', () => {
    if (!lostConnection) return;
    lostConnection = false;
    // Resubscribe explicitly and wait for it, so the catch-up read starts after delivery resumed.
    subscribeClient.subscribe(...channels).then(
      () => {
        for (const listener of resyncListeners) listener();
      },
      () => {},
    );
  });

  return {
    kind: 'redis',
    status: () => (subscribeClient.status !== 'ready' ? subscribeClient.status : publishClient.status),
    ready: subscribeClient.subscribe(...channels).then(() => undefined),
    publish: (topic, key, payload) => {
      target.dispatchEvent(new CustomEvent(CHANNEL_PREFIX + topic, { detail: { key, payload, publishedAt: Date.now() } satisfies Envelope }));
    },
    listen,
    onResync,
    async close() {
      listeners.clear();
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
