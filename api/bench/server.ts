// Our real API, started with buildApp() in a process of its own for the bench. It prints its URL
// on stdout and answers set-up and verification requests from bench/run.ts over IPC.
//
// Env: DATABASE_URL (PostgreSQL; unset = embedded PGlite in memory or in BENCH_DATA_DIR), the rate-limit knobs of
// src/platform/config.ts, and BENCH_TRACE=1 to count and time every SQL statement (see op "trace");
// ops "statementsStart"/"statementsStop" count statements for one phase only.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp, type RunningApp } from '../src/server/app';
import { configFromEnv } from '../src/platform/config';
import { createLogger } from '../src/platform/logger';
import { generateToken, hashToken } from '../src/platform/tokens';
import { announceReady, serveParent } from './child';
import { cpuProfilerHandlers } from './cpu-profiler';

// --- Optional SQL tracing: wraps pg's Client.query, which adapter-pg uses for every statement.
type TraceRow = { count: number; totalMs: number };
const trace = new Map<string, TraceRow>();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
const poolWait = { count: 0, totalMs: 0, maxMs: 0 };
if (process.env.BENCH_TRACE === '1') {
  loopDelay.enable();
  // Time spent waiting for a pooled connection (adapter-pg takes one per query and per transaction).
  const connect = pg.Pool.prototype.connect as (...args: any[]) => any;
  (pg.Pool.prototype as any).connect = function (this: unknown, ...args: any[]) {
    const started = performance.now();
    const result = connect.apply(this, args);
    const done = () => {
      const ms = performance.now() - started;
      poolWait.count += 1;
      poolWait.totalMs += ms;
      poolWait.maxMs = Math.max(poolWait.maxMs, ms);
    };
    if (result && typeof result.then === 'function') result.then(done, done);
    return result;
  };
  const original = pg.Client.prototype.query as (...args: any[]) => any;
  (pg.Client.prototype as any).query = function (this: unknown, ...args: any[]) {
    const config = args[0];
    const text: string = typeof config === 'string' ? config : (config?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').slice(0, 160);
    const started = performance.now();
    const done = () => {
      const row = trace.get(key) ?? { count: 0, totalMs: 0 };
      row.count += 1;
      row.totalMs += performance.now() - started;
      trace.set(key, row);
    };
    // pg-pool's query() passes a callback; adapter-pg's transactions await a promise.
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last];
      args[last] = (...cbArgs: unknown[]) => {
        done();
        return callback(...cbArgs);
      };
    }
    const result = original.apply(this, args);
    if (result && typeof result.then === 'function') result.then(done, done);
    return result;
  };
}

// --- Statement counting for one phase (ops "statementsStart"/"statementsStop"): the API's own
// per-statement histogram (platform/metrics.ts dbQueryDuration, fed by every pooled connection on
// both engines) is read before and after, so no phase runs with any extra instrumentation.
let statementsAtStart = 0;
async function statementsSoFar() {
  const { values } = await running.services.metrics.dbQueryDuration.get();
  return values.filter((v) => v.metricName?.endsWith('_count')).reduce((n, v) => n + v.value, 0);
}

// Experiment knob: BENCH_PG_POOL_MAX overrides the API's connection-pool size (default 10, set in
// src/platform/db/client.ts), to see how much of the latency is waiting for a pooled connection.
if (process.env.BENCH_PG_POOL_MAX) {
  const max = Number(process.env.BENCH_PG_POOL_MAX);
  const OriginalPool = pg.Pool;
  (pg as any).Pool = class extends OriginalPool {
    constructor(options?: pg.PoolConfig) {
      super({ ...options, max });
    }
  };
}

const envConfig = configFromEnv(process.env);
// The logger production runs with (main.ts): JSON lines on stdout at LOG_LEVEL, info by default.
const logger = createLogger(envConfig);
const config = {
  ...envConfig,
  port: 0,
  host: '127.0.0.1',
  // Embedded PGlite keeps its data in memory for the bench, or in BENCH_DATA_DIR: the cluster
  // phase sets chats up there and then hands the folder to a WORKERS=2 primary.
  dataDir: process.env.BENCH_DATA_DIR || null,
  log: (line: string) => logger.info(line),
};
const app = buildApp(config, { logger });
let running: RunningApp;

async function setupChannel(args: { agents: number; label: string }) {
  const { prisma, agents: agentService } = running.services;
  const channel = await prisma.channel.create({
    data: { name: `Bench ${args.label} ${randomBytes(4).toString('hex')}`, prechatEnabled: false, prechatRequiredFields: [] },
  });
  // The first agent goes through the agent service; the others reuse its password hash, because
  // scrypt (about 50–100 ms a hash, by design) would make 1,000 agents take a minute.
  const password = `bench-${randomBytes(9).toString('hex')}`;
  const first = await agentService.create({ email: `bench-${channel.id}-0@example.com`, password, name: 'Bench agent 0' });
  await prisma.agent.createMany({
    data: Array.from({ length: args.agents - 1 }, (_, i) => ({
      email: `bench-${channel.id}-${i + 1}@example.com`,
      passwordHash: first.passwordHash,
      name: `Bench agent ${i + 1}`,
    })),
  });
  const agents = await prisma.agent.findMany({ where: { email: { startsWith: `bench-${channel.id}-` } }, orderBy: { createdAt: 'asc' } });
  await prisma.agent.updateMany({ where: { id: { in: agents.map((a) => a.id) } }, data: { presence: 'PRESENT', presenceChangedAt: new Date() } });
  await prisma.channelMember.createMany({
    data: agents.map((a) => ({ channelId: channel.id, agentId: a.id, canRespond: true, canListenIn: false, isManager: false })),
  });
  // The same session row that login() creates, minus the password check.
  const tokens = agents.map(() => generateToken('agent'));
  const expiresAt = new Date(Date.now() + 12 * 3_600_000);
  await prisma.agentAuthSession.createMany({
    data: agents.map((a, i) => ({ agentId: a.id, tokenHash: hashToken(tokens[i]!), expiresAt, ip: '127.0.0.1', userAgent: 'bench' })),
  });
  return { channelId: channel.id, agents: agents.map((a, i) => ({ id: a.id, token: tokens[i]! })) };
}

/**
 * Visitors start `count` chats through the chat service (the code behind the startChat mutation,
 * without HTTP and GraphQL, to keep set-up short); with `acceptBy`, agent i then accepts chat i
 * through the queue service (the code behind acceptChat).
 */
let startRetries = 0;
/**
 * A transaction that could not even start (P2028: no pooled connection within Prisma's 2 s
 * maxWait, on a busy machine) wrote nothing, so set-up tries it again; anything else fails.
 */
async function retryUnstartedTransaction<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2028' || attempt >= 5) throw error;
      startRetries += 1;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
async function startChats(args: { channelId: string; count: number; acceptBy?: string[]; concurrency?: number }) {
  const { services } = running;
  const agents = args.acceptBy ? await services.prisma.agent.findMany({ where: { id: { in: args.acceptBy } } }) : [];
  const agentById = new Map(agents.map((a) => [a.id, a]));
  const results: { sessionId: string; visitorToken: string }[] = new Array(args.count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(args.concurrency ?? 5, args.count) }, async () => {
      while (next < args.count) {
        const i = next++;
        const { session, visitorToken } = await retryUnstartedTransaction(() =>
          services.chats.startChat(null, null, '127.0.0.1', { channelId: args.channelId, name: `Visitor ${i}`, message: `Hello from bench visitor ${i}` }),
        );
        if (args.acceptBy) {
          const agent = agentById.get(args.acceptBy[i]!);
          if (!agent) throw new Error(`no agent ${args.acceptBy[i]}`);
          const accepted = await retryUnstartedTransaction(() => services.queue.accept(agent, session.id));
          if (accepted.status !== 'ACTIVE') throw new Error(`chat ${session.id} is ${accepted.status} after accept`);
        }
        results[i] = { sessionId: session.id, visitorToken };
      }
    }),
  );
  if (startRetries) console.error(`startChats: ${startRetries} set-up transactions retried after P2028`);
  return results;
}

/** What the database holds after the load: bench messages per author kind. */
async function countMessages(args: { channelId: string; prefix: string }) {
  const rows = await running.services.prisma.$queryRaw<{ authorKind: string; n: number }[]>`
    SELECT m."authorKind"::text AS "authorKind", count(*)::int AS n
    FROM "Message" m JOIN "ChatSession" s ON s.id = m."sessionId"
    WHERE s."channelId" = ${args.channelId}::uuid AND m.body LIKE ${`${args.prefix}%`}
    GROUP BY 1`;
  return Object.fromEntries(rows.map((r) => [r.authorKind, r.n]));
}

/** After the queue race: how the chats of the queue channel ended up, straight from the database. */
async function verifyQueue(args: { channelId: string }) {
  const { prisma } = running.services;
  const [byStatus, joins, unassigned] = await Promise.all([
    prisma.$queryRaw<{ status: string; n: number }[]>`
      SELECT status::text AS status, count(*)::int AS n FROM "ChatSession" WHERE "channelId" = ${args.channelId}::uuid GROUP BY 1`,
    // Every claim appends exactly one AGENT_JOINED event; two for one chat means it was claimed twice.
    prisma.$queryRaw<{ sessions: number; maxJoins: number; totalJoins: number }[]>`
      SELECT count(*)::int AS sessions, coalesce(max(n), 0)::int AS "maxJoins", coalesce(sum(n), 0)::int AS "totalJoins" FROM (
        SELECT s.id, count(e.seq) AS n FROM "ChatSession" s
        LEFT JOIN "ChatEvent" e ON e."sessionId" = s.id AND e.type = 'AGENT_JOINED'
        WHERE s."channelId" = ${args.channelId}::uuid GROUP BY s.id) t`,
    prisma.chatSession.count({ where: { channelId: args.channelId, agentId: null } }),
  ]);
  return {
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    sessions: joins[0]?.sessions ?? 0,
    maxJoinsPerSession: joins[0]?.maxJoins ?? 0,
    totalJoins: joins[0]?.totalJoins ?? 0,
    withoutAgent: unassigned,
  };
}

serveParent(
  {
    setupChannel,
    startChats,
    countMessages,
    verifyQueue,
    async statementsStart() {
      statementsAtStart = await statementsSoFar();
      return true;
    },
    statementsStop: async () => (await statementsSoFar()) - statementsAtStart,
    // V8 CPU profile of the measured phase only (BENCH_PROFILE=1 in run.ts).
    ...cpuProfilerHandlers(),
    async traceReset() {
      trace.clear();
      loopDelay.reset();
      Object.assign(poolWait, { count: 0, totalMs: 0, maxMs: 0 });
      return true;
    },
    async trace() {
      return {
        statements: [...trace.entries()].map(([sql, row]) => ({ sql, ...row })).sort((a, b) => b.totalMs - a.totalMs),
        eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        poolWait: { ...poolWait, avgMs: poolWait.count ? poolWait.totalMs / poolWait.count : 0 },
      };
    },
  },
  () => app.stop(),
);

running = await app.start();
announceReady(running.url, running.databaseEngine);
