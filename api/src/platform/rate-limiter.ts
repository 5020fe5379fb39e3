import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from './errors';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the key may be used again (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface LimiterOptions {
  /** Its own key space (e.g. `login-fails:ip`), so limiters with other points never share counters. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * rate-limiter-flexible's fixed-window counters. With Redis they are shared by every API instance;
 * while Redis is unreachable each instance counts on its own (the insurance limiter), so a Redis
 * outage does not stop chats, which need only the database.
 */
export interface RateLimiter {
  /** Counts one call against `key` (one key is always used with the same limit and window). */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** A limiter with its own points and window, for callers that also block, reward or delete keys (login protection). */
  limiter(options: LimiterOptions): RateLimiterAbstract;
}

type StoreOptions = { keyPrefix: string; points: number; duration: number };

/** Seconds a refusal tells the client to wait; at least 1. */
export function retryAfterSeconds(refusal: RateLimiterRes): number {
  return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
}

/** Told of every refusal: the key for hit(), the limiter's name for limiter(). */
export type OnRateLimitRefused = (limit: string) => void;

function createRateLimiter(store: (options: StoreOptions) => RateLimiterAbstract, keyPrefix: string, onRefused: OnRateLimitRefused = () => {}): RateLimiter {
  const byWindow = new Map<string, RateLimiterAbstract>();
  const named = new Map<string, RateLimiterAbstract>();
  return {
    async hit(key, limit, windowSeconds) {
      const id = `${limit}/${windowSeconds}`;
      let limiter = byWindow.get(id);
      if (!limiter) {
        limiter = store({ keyPrefix, points: limit, duration: windowSeconds });
        byWindow.set(id, limiter);
      }
      try {
        await limiter.consume(key);
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          onRefused(key);
          return { allowed: false, retryAfterSeconds: retryAfterSeconds(refusal) };
        }
        throw refusal;
      }
    },
    limiter({ name, points, durationSeconds }) {
      const id = `${name}/${points}/${durationSeconds}`;
      const existing = named.get(id);
      if (existing) return existing;
      const limiter = countRefusals(store({ keyPrefix: `${keyPrefix}:${name}`, points, duration: durationSeconds }), () => onRefused(name));
      named.set(id, limiter);
      return limiter;
    },
  };
}

/** A consume() past the points rejects with a RateLimiterRes: that is a refusal. */
function countRefusals(limiter: RateLimiterAbstract, refused: () => void): RateLimiterAbstract {
  const consume = limiter.consume.bind(limiter);
  limiter.consume = (...args: Parameters<RateLimiterAbstract['consume']>) =>
    consume(...args).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) refused();
      throw rejection;
    });
  return limiter;
}

export function createMemoryRateLimiter(keyPrefix = 'ratelimit', onRefused?: OnRateLimitRefused): RateLimiter {
  return createRateLimiter((options) => new RateLimiterMemory(options), keyPrefix, onRefused);
}

export function createRedisRateLimiter(redis: Redis, keyPrefix = 'ratelimit', onRefused?: OnRateLimitRefused): RateLimiter {
  return createRateLimiter(
    (options) =>
      new RateLimiterRedis({
        ...options,
        storeClient: redis,
        // Not "ready" (reconnecting, closed): count in memory at once instead of queueing behind the outage.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    keyPrefix,
    onRefused,
  );
}

/** Counts one call against `key`; past the limit, RATE_LIMITED with the seconds until the window resets. */
export async function enforceRateLimit(limiter: RateLimiter, key: string, { limit, windowSeconds }: RateLimit): Promise<void> {
  const result = await limiter.hit(key, limit, windowSeconds);
  if (!result.allowed) throw rateLimited(result.retryAfterSeconds);
}
