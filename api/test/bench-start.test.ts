import { describe, expect, it } from 'vitest';
import { startChild } from '../bench/child';
import { createPostgresDatabase, testEngine } from './harness';

// `pnpm bench` (and BENCH_ENGINE=pglite) starts our API through bench/child.ts with the flags the
// bench needs (--expose-gc); this runs that start path on this project's engine, so a documented
// bench command cannot break unseen.
describe(`the bench's API child on ${testEngine}`, () => {
  it('starts with the bench flags, sets up agents and accepted chats, and collects garbage on request', async () => {
    const database = testEngine === 'postgresql' ? await createPostgresDatabase() : null;
    const { DATABASE_URL: _d, REDIS_URL: _r, PORT: _p, ...env } = process.env;
    const server = await startChild('our-api', 'server.ts', { ...env, NODE_ENV: 'production', ...(database ? { DATABASE_URL: database.url } : {}) });
    try {
      expect(server.engine).toBe(testEngine);
      await server.call('gc');
      expect(server.rssKiB()).toBeGreaterThan(0);
      const { channelId, agents } = await server.call<{ channelId: string; agents: { id: string; token: string }[] }>('setupChannel', {
        agents: 2,
        label: 'start path',
      });
      expect(agents).toHaveLength(2);
      const chats = await server.call<{ sessionId: string; visitorToken: string }[]>('startChats', { channelId, count: 2, acceptBy: agents.map((a) => a.id) });
      expect(new Set(chats.map((chat) => chat.sessionId)).size).toBe(2);
      const health = await fetch(new URL('/health', server.url));
      expect(health.status).toBe(200);
    } finally {
      await server.stop();
      await database?.drop();
    }
  });
});
