import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
afterAll(() => redis.quit());

let clock = 1_000_000;
const implementations: [string, () => RateLimiter][] = [
  ['memory', () => createMemoryRateLimiter(() => clock)],
  ['redis', () => createRedisRateLimiter(redis, `test:${randomBytes(4).toString('hex')}:`)],
];

describe.each(implementations)('%s rate limiter', (_name, create) => {
  it('allows up to the limit, then refuses with a retry-after within the window', async () => {
    const limiter = create();
    for (let i = 0; i < 3; i++) expect((await limiter.hit('k', 3, 60)).allowed).toBe(true);
    const refused = await limiter.hit('k', 3, 60);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.hit('other-key', 3, 60)).allowed).toBe(true);
  });

  it('starts over after reset', async () => {
    const limiter = create();
    await limiter.hit('r', 1, 60);
    expect((await limiter.hit('r', 1, 60)).allowed).toBe(false);
    await limiter.reset('r');
    expect((await limiter.hit('r', 1, 60)).allowed).toBe(true);
  });
});

it('the memory limiter opens a new window once the old one has passed', async () => {
  let now = 0;
  const limiter = createMemoryRateLimiter(() => now);
  await limiter.hit('w', 1, 10);
  expect((await limiter.hit('w', 1, 10)).allowed).toBe(false);
  now = 10_001;
  expect((await limiter.hit('w', 1, 10)).allowed).toBe(true);
});

it('the redis limiter shares counts between instances (as two API servers would)', async () => {
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  const a = createRedisRateLimiter(redis, prefix);
  const b = createRedisRateLimiter(new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'), prefix);
  await a.hit('shared', 2, 60);
  await b.hit('shared', 2, 60);
  expect((await a.hit('shared', 2, 60)).allowed).toBe(false);
});
