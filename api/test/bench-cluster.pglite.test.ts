import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `BENCH_ENGINE=pglite pnpm bench` runs the 2-worker phase on one embedded database that the
// cluster's primary owns. This runs that documented command on a tiny size (the cluster phase only)
// and reads its BENCH_JSON: real processes, sockets and PGlite. Counts and shapes, never times.
const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runBench(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { cwd: apiDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const clusterFolders = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('lc-bench-cluster-'));

describe('the bench on PGlite with 2 workers', () => {
  it('measures a WORKERS=2 cluster over one embedded database, with each process’s CPU, and removes its data folder', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'bench-cluster-test-'));
    const foldersBefore = await clusterFolders();
    try {
      const { DATABASE_URL: _d, REDIS_URL: _r, PORT: _p, ...env } = process.env;
      const json = path.join(out, 'bench.json');
      const { output } = await runBench({
        ...env,
        BENCH_ENGINE: 'pglite',
        BENCH_SKIP: 'bare,ours,queue',
        BENCH_CHATS: '4',
        BENCH_CAPACITY_START: '1000',
        BENCH_STEP_SECONDS: '1',
        BENCH_STEP_DRAIN_SECONDS: '1',
        BENCH_JSON: json,
      });
      const result = JSON.parse(await readFile(json, 'utf8').catch(() => 'null'));
      expect(result, output).not.toBeNull();
      const { cluster } = result;
      expect(cluster.engine).toBe('pglite');
      expect(cluster.workersError, output).toBeNull();
      expect(cluster.twoInstances).toBeNull();
      // The primary and its two workers.
      expect(new Set(cluster.workers.pids).size).toBe(3);
      expect(cluster.workers.steps.length).toBeGreaterThan(0);
      const first = cluster.workers.steps[0];
      expect(first.rate).toBe(1000);
      expect(first.cpu.workers).toHaveLength(2);
      for (const cores of first.cpu.workers) expect(cores).toBeGreaterThan(0);
      // PGlite runs in the primary: it is busy while messages are stored.
      expect(first.cpu.primary).toBeGreaterThan(0);
      expect(first.apiCpuMsPerMessage).toBeGreaterThan(0);
      expect(output).toContain('2 workers');
      expect(await clusterFolders()).toEqual(foldersBefore);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);
});
