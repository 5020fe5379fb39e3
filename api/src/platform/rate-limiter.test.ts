import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, createRedisRateLimiter, enforceRateLimit, type RateLimiter } from './rate-limiter';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl);
const clients: Redis[] = [redis];
// Until a client is ready the limiter counts in memory (as during an outage), so wait for it.
const ready = (client: Redis) => (client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', resolve)));
beforeAll(() => ready(redis));
afterAll(() => Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect()))));

const prefix = () => `test:${randomBytes(4).toString('hex')}`;
const implementations: [string, () => RateLimiter][] = [
  ['memory', () => createMemoryRateLimiter(prefix())],
  ['redis', () => createRedisRateLimiter(redis, prefix())],
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

  it('opens a new window once the old one has passed', async () => {
    const limiter = create();
    await limiter.hit('w', 1, 1);
    expect((await limiter.hit('w', 1, 1)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await limiter.hit('w', 1, 1)).allowed).toBe(true);
  });

  it('named limiters keep their own counters and can be reset', async () => {
    const limiter = create();
    const fails = limiter.limiter({ name: 'fails', points: 1, durationSeconds: 60 });
    await fails.consume('r');
    await expect(fails.consume('r')).rejects.toMatchObject({ msBeforeNext: expect.any(Number) });
    // The same key in hit()'s key space is another counter.
    expect((await limiter.hit('r', 1, 60)).allowed).toBe(true);
    await fails.delete('r');
    await expect(fails.consume('r')).resolves.toMatchObject({ remainingPoints: 0 });
  });

  it('enforceRateLimit throws RATE_LIMITED with retryAfter', async () => {
    const limiter = create();
    await enforceRateLimit(limiter, 'e', { limit: 1, windowSeconds: 30 });
    await expect(enforceRateLimit(limiter, 'e', { limit: 1, windowSeconds: 30 })).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
    });
  });
});

it('the redis limiter shares counts between instances (as two API servers would)', async () => {
  const shared = prefix();
  const a = createRedisRateLimiter(redis, shared);
  const other = new Redis(redisUrl);
  clients.push(other);
  await ready(other);
  const b = createRedisRateLimiter(other, shared);
  await a.hit('shared', 2, 60);
  await b.hit('shared', 2, 60);
  expect((await a.hit('shared', 2, 60)).allowed).toBe(false);
});

it('while Redis is unreachable, the redis limiter still counts, in memory', async () => {
  // A port that accepts nothing: ioredis keeps reconnecting and never becomes ready.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const down = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  down.on('error', () => {});
  clients.push(down);
  const limiter = createRedisRateLimiter(down, prefix());
  expect((await limiter.hit('outage', 2, 60)).allowed).toBe(true);
  expect((await limiter.hit('outage', 2, 60)).allowed).toBe(true);
  const refused = await limiter.hit('outage', 2, 60);
  expect(refused).toMatchObject({ allowed: false });
  expect(refused.retryAfterSeconds).toBeGreaterThan(0);
});
