import { describe, expect, it } from 'vitest';
import { type BenchChild, startChild } from '../bench/child';
import { runWithConsoles } from '../bench/consoles';
import { idleSockets } from '../bench/idle-sockets';
import { type ChatPair, runLoad } from '../bench/load';
import { createPostgresDatabase, testEngine } from './harness';

// The bench's console-load and idle-socket phases (bench/consoles.ts, bench/idle-sockets.ts) on a
// tiny size: real server children, real sockets, real database. Counts, never times.
const quiet = () => {};
// Each test starts server children and runs real loads; a busy machine needs more than the default.
const SLOW = 240_000;

async function ourServer(databaseUrl: string | undefined) {
  const { DATABASE_URL: _d, REDIS_URL: _r, PORT: _p, ...env } = process.env;
  return startChild('our-api', 'server.ts', {
    ...env,
    NODE_ENV: 'production',
    WS_MAX_CONNECTIONS_PER_IP: '1000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
}

async function chatsOn(server: BenchChild, count: number): Promise<ChatPair[]> {
  const { channelId, agents } = await server.call<{ channelId: string; agents: { id: string; token: string }[] }>('setupChannel', {
    agents: count,
    label: 'phases',
  });
  const started = await server.call<{ sessionId: string; visitorToken: string }[]>('startChats', { channelId, count, acceptBy: agents.map((a) => a.id) });
  return started.map((chat, i) => ({ sessionId: chat.sessionId, visitorToken: chat.visitorToken, agentToken: agents[i]!.token }));
}

describe(`the bench's console and idle-socket phases on ${testEngine}`, () => {
  it(
    'holds idle subscribed sockets on both servers and proves each one still delivers',
    async () => {
      const database = testEngine === 'postgresql' ? await createPostgresDatabase() : null;
      const ours = await ourServer(database?.url);
      const bare = await startChild('bare-relay', 'bare-relay.ts', process.env);
      try {
        const ourChats = await chatsOn(ours, 2);
        const bareChats: ChatPair[] = [0, 1].map(() => ({ sessionId: crypto.randomUUID(), visitorToken: null, agentToken: null }));
        for (const [label, server, chats] of [
          ['our API', ours, ourChats],
          ['bare relay', bare, bareChats],
        ] as const) {
          const r = await idleSockets({ label, server, chats, sockets: 12, idleMs: 100, log: quiet });
          expect(r.sockets).toBe(12);
          expect(r.sampleChats).toBe(2);
          expect(r.sampleSockets).toBe(12);
          expect(r.sampleDelivered).toBe(12);
          expect(r.closed).toBe(0);
          expect(r.alive).toBe(true);
          expect(r.rssBeforeKiB).toBeGreaterThan(0);
          expect(r.rssPerSocketKiB).not.toBeNull();
        }
      } finally {
        await Promise.all([ours.stop(), bare.stop()]);
        await database?.drop();
      }
    },
    SLOW,
  );

  it.each(['delta', 'refetch'] as const)(
    'runs the load with %s consoles and counts their requests and the database statements',
    async (mode) => {
      const database = testEngine === 'postgresql' ? await createPostgresDatabase() : null;
      const server = await ourServer(database?.url);
      try {
        const chats = await chatsOn(server, 2);
        const loadOptions = { label: 'without', rate: 4, seconds: 2, drainMs: 3000, gc: () => server.call('gc'), log: quiet };
        let statements: number | null = null;
        const without = await runLoad({
          ...loadOptions,
          url: server.url,
          chats,
          rssKiB: server.rssKiB,
          cpuMs: server.cpuMs,
          beforeMeasure: () => server.call('statementsStart'),
          afterMeasure: async () => {
            statements = await server.call<number>('statementsStop');
          },
        });
        expect(statements).toBeGreaterThan(0);
        const r = await runWithConsoles({
          mode,
          server,
          chats,
          without: { load: without, statements },
          load: { ...loadOptions, runId: 'consoles' },
          log: quiet,
        });
        expect(r.consoles).toBe(2);
        expect(r.errors).toBe(0);
        expect(r.load.lost).toBe(0);
        expect(r.load.sentOk).toBe(r.load.attempted);
        // Every message is persisted: at least one statement each, with and without consoles.
        expect(r.statementsPerMessage).toBeGreaterThanOrEqual(1);
        expect(r.statementsPerMessageWithout).toBeGreaterThanOrEqual(1);
        // Half the messages are the visitor's: each marks the open chat read (fewer when one is in flight).
        expect(r.requestsByDocument.markRead).toBeGreaterThan(0);
        expect(r.agentEventsPerMessage).toBeGreaterThan(0);
        if (mode === 'refetch') expect(r.requestsByDocument.myChats).toBeGreaterThan(0);
        else expect(r.requestsByDocument.myChats ?? 0).toBe(0);
      } finally {
        await server.stop();
        await database?.drop();
      }
    },
    SLOW,
  );
});
