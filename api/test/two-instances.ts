import { chatLimitsFromEnv } from '../src/platform/config';
import { createPostgresDatabase, startTestApp, type TestApp } from './harness';
import { startRedisProcess, type RedisProcess } from './redis-process';

export interface TwoInstances {
  /** A private redis-server the test may kill and restart. */
  redis: RedisProcess;
  database: { url: string; drop(): Promise<void> };
  a: TestApp;
  b: TestApp;
  stop(): Promise<void>;
}

/** Two API instances on one PostgreSQL database and one private Redis, as behind a load balancer. */
export async function startTwoInstances(): Promise<TwoInstances> {
  // Bursts from one address: the send limits have tests of their own.
  const chat = { ...chatLimitsFromEnv({}), sendMessagePerVisitor: { limit: 1000, windowSeconds: 10 }, sendMessagePerIp: { limit: 5000, windowSeconds: 10 } };
  const redis = await startRedisProcess();
  const database = await createPostgresDatabase();
  // One after the other: both apply migrations to the same database.
  const a = await startTestApp({ databaseUrl: database.url, redisUrl: redis.url, chat });
  const b = await startTestApp({ databaseUrl: database.url, redisUrl: redis.url, chat });
  return {
    redis,
    database,
    a,
    b,
    async stop() {
      await a.stop();
      await b.stop();
      await redis.kill();
      await database.drop();
    },
  };
}
