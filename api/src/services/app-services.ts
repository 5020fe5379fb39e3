import { Redis } from 'ioredis';
import type { AppConfig } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { createAppPubSub, type AppPubSub } from '../pubsub';
import { createAgentService, type AgentService } from './agents';
import { createAuthService, type AuthService } from './auth';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter';

/** The domain services one API instance runs with; handed to every resolver through the context. */
export interface AppServices {
  prisma: PrismaClient;
  config: AppConfig;
  pubsub: AppPubSub;
  rateLimiter: RateLimiter;
  auth: AuthService;
  agents: AgentService;
  close(): Promise<void>;
}

export function createAppServices(prisma: PrismaClient, config: AppConfig): AppServices {
  const pubsub = createAppPubSub(config.redisUrl);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  redis?.on('error', () => {});
  const rateLimiter = redis ? createRedisRateLimiter(redis) : createMemoryRateLimiter();
  const auth = createAuthService(prisma, rateLimiter, config);
  return {
    prisma,
    config,
    pubsub,
    rateLimiter,
    auth,
    agents: createAgentService(prisma),
    async close() {
      await pubsub.close();
      redis?.disconnect();
    },
  };
}
