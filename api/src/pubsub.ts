import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

/**
 * Topics and their payloads. Payloads cross Redis as JSON, so they carry ids and small facts,
 * never Prisma objects.
 */
export type PubSubTopics = {
  /** A system-wide heartbeat used by /health to prove publish→subscribe works end to end. */
  'system:ping': [payload: { at: number }];
};

export interface AppPubSub {
  pubsub: ReturnType<typeof createPubSub<PubSubTopics>>;
  kind: 'memory' | 'redis';
  /** Redis connection state (always 'ready' in memory). */
  status(): string;
  close(): Promise<void>;
}

export function createAppPubSub(redisUrl?: string): AppPubSub {
  if (!redisUrl) {
    return { pubsub: createPubSub<PubSubTopics>(), kind: 'memory', status: () => 'ready', close: async () => {} };
  }
  // The redis event target needs one connection that publishes and one in subscriber mode.
  const options = { maxRetriesPerRequest: null, enableAutoPipelining: true } as const;
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  for (const client of [publishClient, subscribeClient]) client.on('error', () => {});
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<PubSubTopics>({ eventTarget }),
    kind: 'redis',
    status: () => (publishClient.status === 'ready' && subscribeClient.status === 'ready' ? 'ready' : publishClient.status),
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
