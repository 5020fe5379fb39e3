import type { Redis } from 'ioredis';
import { rateLimited } from '../errors';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** Fixed-window counters. With Redis they are shared by every API instance. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
}

export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, limit, windowSeconds) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowSeconds * 1000 };
        windows.set(key, w);
        if (windows.size > 100_000) for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
      }
      w.count += 1;
      return w.count <= limit
        ? { allowed: true, retryAfterSeconds: 0 }
        : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export function createRedisRateLimiter(redis: Redis, keyPrefix = 'ratelimit:'): RateLimiter {
  // While Redis is unreachable, count per instance instead of failing every limited request
  // (sendMessage, startChat, login): a Redis outage must not stop chats, which need only the database.
  const fallback = createMemoryRateLimiter();
  const down = () => redis.status === 'reconnecting' || redis.status === 'close' || redis.status === 'end';
  return {
    async hit(key, limit, windowSeconds) {
      if (down()) return fallback.hit(key, limit, windowSeconds);
      const reply = (await redis.eval(HIT_SCRIPT, 1, keyPrefix + key, windowSeconds * 1000).catch(() => null)) as [number, number] | null;
      if (!reply) return fallback.hit(key, limit, windowSeconds);
      const [count, ttlMs] = reply;
      return count <= limit
        ? { allowed: true, retryAfterSeconds: 0 }
        : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    },
    async reset(key) {
      await fallback.reset(key);
      if (!down()) await redis.del(keyPrefix + key).catch(() => {});
    },
  };
}

/** Counts one call against `key`; past the limit, RATE_LIMITED with the seconds until the window resets. */
export async function enforceRateLimit(limiter: RateLimiter, key: string, { limit, windowSeconds }: RateLimit): Promise<void> {
  const result = await limiter.hit(key, limit, windowSeconds);
  if (!result.allowed) throw rateLimited(result.retryAfterSeconds);
}
