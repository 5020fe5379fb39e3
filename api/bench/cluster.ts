// Bench phases for more than one API process (issue 13), called from run.ts:
// - "2 workers": `src/main.ts` with WORKERS=2 (node:cluster, in-machine bus) on PostgreSQL,
//   capacity searched up to the 1,500 msg/s target with p99 ≤ 250 ms, and the CPU of every process
//   (each worker, the primary, PostgreSQL's backends, Redis, this load generator) at each step;
// - "two instances behind Redis": two single-process APIs sharing the database and Redis, each
//   chat's visitor on one and its agent on the other, against one instance at the same rate.
// The API processes are started as an operator would (not through child.ts): a cluster's workers
// are forked by its primary, so CPU and RSS are read per process from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchChild, startChild as StartChild } from './child';
import { runLoad, type ChatPair, type LoadOptions, type LoadResult } from './load';
import type { CapacityResult, CapacityStep, FindCapacity } from './capacity';

const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLUSTER_TARGET = { rate: 1500, p99Ms: 250, crossP50Ratio: 1.5 };
const REDIS_URL = 'redis://127.0.0.1:6379';

export interface ClusterBenchDeps {
  /** pglite: 2 workers over one embedded database in a data folder, which the primary owns; no two-instance phase. */
  engine: 'postgresql' | 'pglite';
  chats: number;
  postgresUrl: string;
  stepSeconds: number;
  stepDrainMs: number;
  log: (line: string) => void;
  serverEnv: (databaseUrl: string | undefined) => NodeJS.ProcessEnv;
  startChild: typeof StartChild;
  findCapacity: FindCapacity;
  capacityLadder: (max: number) => number[];
}

/** CPU cores each process used during one capacity step's measured window and drain. */
export interface ProcessCpu {
  workers: number[];
  primary: number | null;
  postgres: number;
  redis: number;
  generator: number;
}

export interface ClusterStep extends CapacityStep {
  cpu: ProcessCpu;
  /** API CPU (workers + primary) per message sent, ms. */
  apiCpuMsPerMessage: number | null;
  /** The API CPU per message that 1,500 msg/s would need with what the others used here: (cores − generator − PostgreSQL − Redis) / 1,500. */
  neededApiCpuMsPerMessage: number;
}

export interface ClusterBenchResult {
  engine: string;
  workers: { capacity: CapacityResult; steps: ClusterStep[]; pids: number[] } | null;
  workersError: string | null;
  twoInstances: {
    capacity: CapacityResult;
    steps: ClusterStep[];
    rate: number;
    cross: LoadResult;
    single: LoadResult;
  } | null;
  twoInstancesError: string | null;
  verdicts: { name: string; pass: boolean; detail: string }[];
}

// --- /proc readings.

function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  } catch {
    return null;
  }
}

function rssKiBOf(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Pids whose command is `name` (every PostgreSQL backend, on a shared machine other databases' too). */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

const sum = (values: (number | null)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

/** CPU ms of every process of interest now; backends that come and go count from when first seen. */
function cpuSnapshot(workers: number[], primary: number | null) {
  return {
    at: performance.now(),
    workers: workers.map(cpuMsOf),
    primary: primary === null ? null : cpuMsOf(primary),
    postgres: new Map(pidsNamed('postgres').map((pid) => [pid, cpuMsOf(pid) ?? 0])),
    redis: new Map(pidsNamed('redis-server').map((pid) => [pid, cpuMsOf(pid) ?? 0])),
    generator: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
}
type CpuSnapshot = ReturnType<typeof cpuSnapshot>;

function cpuSince(start: CpuSnapshot, workers: number[], primary: number | null): ProcessCpu {
  const end = cpuSnapshot(workers, primary);
  const wallMs = Math.max(1, end.at - start.at);
  const cores = (from: number | null | undefined, to: number | null | undefined) => (from == null || to == null ? 0 : (to - from) / wallMs);
  const group = (a: Map<number, number>, b: Map<number, number>) => sum([...b].map(([pid, ms]) => (ms - (a.get(pid) ?? 0)) / wallMs));
  return {
    workers: workers.map((_, i) => cores(start.workers[i], end.workers[i])),
    primary: primary === null ? null : cores(start.primary, end.primary),
    postgres: group(start.postgres, end.postgres),
    redis: group(start.redis, end.redis),
    generator: (end.generator - start.generator) / wallMs,
  };
}

// --- Processes.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface ApiProcess {
  url: string;
  pid: number;
  workerPids: number[];
  stop(): Promise<void>;
}

/** `src/main.ts` as `pnpm start` runs it, with the bench's env; resolves once it listens. */
async function startApi(name: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<ApiProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', 'src/main.ts'], {
    cwd: apiDir,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) tail.push(`[${name}] ${line}`);
    while (tail.length > 40) tail.shift();
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ url: string; pids: number[] }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left holding a port, or on PGlite the data folder
      reject(new Error(`${name} did not start within 120 s\n${tail.join('\n')}`));
    }, 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes('Live chat API on')) continue;
        clearTimeout(timer);
        const parsed = JSON.parse(line) as { url: string; pids?: number[] };
        resolve({ url: parsed.url, pids: parsed.pids ?? [] });
      }
    });
    void exited.then(() => reject(new Error(`${name} exited during start\n${tail.join('\n')}`)));
  });
  log(`  ${name}: pid ${child.pid}${started.pids.length ? `, workers ${started.pids.join(', ')}` : ''} on ${started.url}`);
  return {
    url: started.url,
    pid: child.pid!,
    workerPids: started.pids,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What findCapacity and runLoad read from a server: its URL and the CPU and RSS of its processes. */
function asBenchChild(name: string, url: string, pids: number[], engine = 'postgresql'): BenchChild {
  return {
    name,
    pid: pids[0]!,
    url,
    engine,
    call: async () => true as never, // no gc op across processes: RSS is read as it is
    rssKiB: () => sum(pids.map(rssKiBOf)),
    cpuMs: () => sum(pids.map(cpuMsOf)),
    stop: async () => {},
  };
}

async function withDatabase<T>(postgresUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `lc_bench_cluster_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  }
}

async function withDataDir<T>(work: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lc-bench-cluster-'));
  try {
    return await work(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function settle(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

const fmt = (value: number | null | undefined, digits = 2) => (value == null || Number.isNaN(value) ? '–' : value.toFixed(digits));

/** A capacity search whose steps also record each process's CPU. */
async function capacityWithCpu(
  deps: ClusterBenchDeps,
  label: string,
  server: BenchChild,
  chats: ChatPair[],
  /** Settled (VACUUM, CHECKPOINT) before each step; null on PGlite, which the primary owns. */
  databaseUrl: string | null,
  cpuOf: { workers: number[]; primary: number | null },
  load: Partial<LoadOptions>,
) {
  const steps: ClusterStep[] = [];
  let snapshot: CpuSnapshot | null = null;
  const ladder = [...deps.capacityLadder(CLUSTER_TARGET.rate - 1), CLUSTER_TARGET.rate];
  const capacity = await deps.findCapacity(
    label,
    server,
    chats,
    async () => {
      if (databaseUrl) await settle(databaseUrl);
      snapshot = cpuSnapshot(cpuOf.workers, cpuOf.primary);
    },
    {
      rates: ladder,
      p99Ms: CLUSTER_TARGET.p99Ms,
      load,
      onStep: (step, result) => {
        const cpu = snapshot ? cpuSince(snapshot, cpuOf.workers, cpuOf.primary) : { workers: [], primary: null, postgres: 0, redis: 0, generator: 0 };
        const api = sum(cpu.workers) + (cpu.primary ?? 0);
        const free = os.cpus().length - cpu.generator - cpu.postgres - cpu.redis;
        const entry: ClusterStep = {
          ...step,
          cpu,
          apiCpuMsPerMessage: result.achievedRate > 0 ? (api * 1000) / result.achievedRate : null,
          neededApiCpuMsPerMessage: (free * 1000) / CLUSTER_TARGET.rate,
        };
        steps.push(entry);
        deps.log(
          `    ${String(step.rate).padStart(5)} msg/s CPU (cores): workers ${cpu.workers.map((c) => fmt(c)).join(' + ')}, primary ${fmt(cpu.primary)}, ` +
            `PostgreSQL ${fmt(cpu.postgres)}, Redis ${fmt(cpu.redis)}, generator ${fmt(cpu.generator)}; API ${fmt(entry.apiCpuMsPerMessage)} ms CPU/msg`,
        );
      },
    },
  );
  return { capacity, steps };
}

/** The API CPU per message that 1,500 msg/s would need, next to ours, from the last step measured. */
function neededLine(label: string, capacity: CapacityResult, steps: ClusterStep[]): string | null {
  if (capacity.capacity !== null && capacity.capacity >= CLUSTER_TARGET.rate) return null;
  const last = steps.at(-1);
  if (!last) return null;
  return (
    `  ${label}: ${CLUSTER_TARGET.rate} msg/s not reached; it would need ≤ ${fmt(last.neededApiCpuMsPerMessage)} ms of API CPU per message ` +
    `((${os.cpus().length} cores − generator ${fmt(last.cpu.generator)} − PostgreSQL ${fmt(last.cpu.postgres)} − Redis ${fmt(last.cpu.redis)}) / ${CLUSTER_TARGET.rate}); ` +
    `ours: ${fmt(last.apiCpuMsPerMessage)} ms at ${last.rate} msg/s`
  );
}

async function setUpChats(deps: ClusterBenchDeps, env: NodeJS.ProcessEnv): Promise<ChatPair[]> {
  // The single-process bench server creates agents and chats fast (services, no HTTP), then leaves.
  const setup = await deps.startChild('cluster-setup', 'server.ts', env);
  try {
    const { channelId, agents } = await setup.call<{ channelId: string; agents: { id: string; token: string }[] }>('setupChannel', {
      agents: deps.chats,
      label: 'cluster',
    });
    const started = await setup.call<{ sessionId: string; visitorToken: string }[]>('startChats', {
      channelId,
      count: deps.chats,
      acceptBy: agents.map((a) => a.id),
    });
    return started.map((chat, i) => ({ sessionId: chat.sessionId, visitorToken: chat.visitorToken, agentToken: agents[i]!.token }));
  } finally {
    await setup.stop();
  }
}

export async function benchCluster(deps: ClusterBenchDeps): Promise<ClusterBenchResult> {
  const { log } = deps;
  const result: ClusterBenchResult = { engine: deps.engine, workers: null, workersError: null, twoInstances: null, twoInstancesError: null, verdicts: [] };
  if (deps.engine === 'pglite')
    await withDataDir(async (dataDir) => {
      log(`\n== Our API, WORKERS=2 (node:cluster, in-machine bus), embedded PGlite in a data folder: the primary owns it, so its CPU includes PGlite's`);
      const chats = await setUpChats(deps, { ...deps.serverEnv(undefined), BENCH_DATA_DIR: dataDir });
      log(`  ${chats.length} chats started and accepted`);
      await benchWorkers(deps, result, chats, { ...deps.serverEnv(undefined), DATA_DIR: dataDir, WORKERS: '2' }, null);
      log(`\n== Two API instances behind Redis: not on PGlite (one process owns an embedded database; instances share a PostgreSQL)`);
    });
  else
    await withDatabase(deps.postgresUrl, async (databaseUrl) => {
      log(`\n== Our API, WORKERS=2 (node:cluster, in-machine bus), PostgreSQL`);
      const chats = await setUpChats(deps, deps.serverEnv(databaseUrl));
      log(`  ${chats.length} chats started and accepted`);
      await benchWorkers(deps, result, chats, { ...deps.serverEnv(databaseUrl), WORKERS: '2' }, databaseUrl);
      await benchTwoInstances(deps, result, chats, databaseUrl);
    });
  return withVerdicts(result, log);
}

/** WORKERS=2 (`env` says on which database): capacity up to the target, with every process's CPU. */
async function benchWorkers(deps: ClusterBenchDeps, result: ClusterBenchResult, chats: ChatPair[], env: NodeJS.ProcessEnv, databaseUrl: string | null) {
  const { log } = deps;
  const cluster = await startApi('our-api-2-workers', env, log);
  try {
    const pids = [cluster.pid, ...cluster.workerPids];
    const server = asBenchChild('our-api-2-workers', cluster.url, pids, deps.engine);
    const { capacity, steps } = await capacityWithCpu(
      deps,
      '2 workers',
      server,
      chats,
      databaseUrl,
      { workers: cluster.workerPids, primary: cluster.pid },
      { runId: `cluster-${randomBytes(3).toString('hex')}` },
    );
    result.workers = { capacity, steps, pids };
  } catch (error) {
    result.workersError = (error as Error).message;
    log(`  2 workers failed: ${result.workersError}`);
  } finally {
    await cluster.stop();
  }
}

/** Two single-process instances on one PostgreSQL and Redis: each chat's visitor on A, its agent on B. */
async function benchTwoInstances(deps: ClusterBenchDeps, result: ClusterBenchResult, chats: ChatPair[], databaseUrl: string) {
  const { log } = deps;
  log(`\n== Two API instances behind Redis (${REDIS_URL}), PostgreSQL: each chat's visitor on A, its agent on B`);
  const env = { ...deps.serverEnv(databaseUrl), REDIS_URL };
  const a = await startApi('our-api-A', env, log);
  const b = await startApi('our-api-B', env, log).catch(async (error) => {
    await a.stop();
    throw error;
  });
  try {
    const server = asBenchChild('two-instances', a.url, [a.pid, b.pid]);
    const roleUrls = { visitor: a.url, agent: b.url };
    const { capacity, steps } = await capacityWithCpu(
      deps,
      'two instances',
      server,
      chats,
      databaseUrl,
      { workers: [a.pid, b.pid], primary: null },
      { roleUrls, runId: `two-${randomBytes(3).toString('hex')}` },
    );
    // Same rate both ways: half the cross-instance capacity (or the first step's rate).
    const rate = Math.max(50, Math.round((capacity.capacity ?? steps[0]?.rate ?? 200) / 2));
    const common = { chats, rate, seconds: deps.stepSeconds, drainMs: deps.stepDrainMs, log: () => {} };
    await settle(databaseUrl);
    const cross = await runLoad({ ...common, label: 'cross-instance', url: a.url, roleUrls, rssKiB: server.rssKiB, cpuMs: server.cpuMs, runId: 'cross' });
    await settle(databaseUrl);
    const single = await runLoad({
      ...common,
      label: 'single instance',
      url: a.url,
      rssKiB: () => rssKiBOf(a.pid),
      cpuMs: () => cpuMsOf(a.pid),
      runId: 'single',
    });
    log(
      `  at ${rate} msg/s: cross-instance p50 ${fmt(cross.latencyOther.p50)} ms, p99 ${fmt(cross.latencyOther.p99)} ms, lost ${cross.lost}; ` +
        `single instance p50 ${fmt(single.latencyOther.p50)} ms, p99 ${fmt(single.latencyOther.p99)} ms, lost ${single.lost}`,
    );
    result.twoInstances = { capacity, steps, rate, cross, single };
  } catch (error) {
    result.twoInstancesError = (error as Error).message;
    log(`  two instances failed: ${result.twoInstancesError}`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

function withVerdicts(result: ClusterBenchResult, log: (line: string) => void): ClusterBenchResult {
  const capacityText = (c: CapacityResult) => (c.capacity === null ? 'none (first step failed)' : `${c.capacity} msg/s`);
  if (result.workers) {
    const { capacity, steps } = result.workers;
    const line = neededLine('2 workers', capacity, steps);
    if (line) log(line);
    result.verdicts.push({
      name: `2 workers ≥ ${CLUSTER_TARGET.rate} msg/s (p99 ≤ ${CLUSTER_TARGET.p99Ms} ms, none lost)`,
      pass: capacity.capacity !== null && capacity.capacity >= CLUSTER_TARGET.rate,
      detail: `capacity ${capacityText(capacity)}${line ? `; needs ≤ ${fmt(steps.at(-1)!.neededApiCpuMsPerMessage)} ms API CPU/msg, ours ${fmt(steps.at(-1)!.apiCpuMsPerMessage)}` : ''}`,
    });
  }
  if (result.workersError) result.verdicts.push({ name: '2 workers run', pass: false, detail: result.workersError.split('\n')[0]! });
  if (result.twoInstances) {
    const { capacity, cross, single, rate } = result.twoInstances;
    const ratio = cross.latencyOther.p50 / single.latencyOther.p50;
    log(`  two instances: capacity ${capacityText(capacity)}`);
    result.verdicts.push({
      name: `two instances: cross-instance p50 ≤ ${CLUSTER_TARGET.crossP50Ratio}× single`,
      pass: cross.lost === 0 && cross.errors === 0 && ratio <= CLUSTER_TARGET.crossP50Ratio,
      detail: `${fmt(ratio)}× (${fmt(cross.latencyOther.p50)} vs ${fmt(single.latencyOther.p50)} ms at ${rate} msg/s); capacity ${capacityText(capacity)}`,
    });
  }
  if (result.twoInstancesError) result.verdicts.push({ name: 'two instances run', pass: false, detail: result.twoInstancesError.split('\n')[0]! });
  return result;
}
