// Runs a bench server (ours or the bare relay) in a child process of its own, so its RSS and CPU
// are measured apart from the load generator, and talks to it over the IPC channel.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** Parent → child requests; the child answers each with { id, ok, value | error }. */
export type ChildRequest = { id: number; op: string; args?: unknown };
export type ChildReply = { id: number; ok: boolean; value?: unknown; error?: string };
/** The first message a child sends, once its server listens. */
export type ChildReady = { ready: true; url: string; engine: string };

export interface BenchChild {
  name: string;
  pid: number;
  url: string;
  engine: string;
  call<T = unknown>(op: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Resident set size in KiB from /proc/<pid>/status, or null once the process is gone. */
  rssKiB(): number | null;
  /** Total user+system CPU time in ms consumed so far (from /proc/<pid>/stat), or null. */
  cpuMs(): number | null;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<BenchChild>();

/** Kills every child still running; used by the signal and exit handlers of run.ts. */
export function killAllChildrenNow() {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
}

export async function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  extraExecArgv: string[] = [],
  startTimeoutMs = 120_000,
): Promise<BenchChild> {
  const proc: ChildProcess = fork(path.join(benchDir, script), [], {
    // One node process (no tsx CLI wrapper), so proc.pid is the process whose RSS we read.
    // --expose-gc: the bench collects garbage before reading an idle RSS (op "gc").
    execArgv: ['--import', 'tsx', '--expose-gc', ...extraExecArgv],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const pid = proc.pid!;
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) tail.push(`[${name}] ${line}`);
    while (tail.length > 40) tail.shift();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
  });

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  proc.on('message', (message: ChildReply | ChildReady) => {
    if ('ready' in message) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${name} ${message.error}`));
  });
  void exitedPromise.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited\n${tail.join('\n')}`));
    pending.clear();
  });

  const ready = await new Promise<ChildReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${startTimeoutMs} ms\n${tail.join('\n')}`)), startTimeoutMs);
    proc.on('message', (message: ChildReady) => {
      if ('ready' in message) {
        clearTimeout(timer);
        resolve(message);
      }
    });
    void exitedPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start (code ${proc.exitCode})\n${tail.join('\n')}`));
    });
  }).catch((error) => {
    if (!exited) proc.kill('SIGKILL');
    throw error;
  });

  let stopping: Promise<void> | null = null;
  const child: BenchChild = {
    name,
    pid,
    url: ready.url,
    engine: ready.engine,
    call(op, args, timeoutMs = 300_000) {
      if (exited) return Promise.reject(new Error(`${name} is not running`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name} ${op} timed out`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        proc.send({ id, op, args } satisfies ChildRequest);
      });
    },
    rssKiB() {
      try {
        const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return match ? Number(match[1]) : null;
      } catch {
        return null;
      }
    },
    cpuMs() {
      try {
        // Fields after the command name (which may hold spaces, so split after the last ')').
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
        return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
      } catch {
        return null;
      }
    },
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (!exited) {
          proc.kill('SIGTERM');
          const timer = setTimeout(() => !exited && proc.kill('SIGKILL'), graceMs);
          await exitedPromise;
          clearTimeout(timer);
        }
        live.delete(child);
      })();
      return stopping;
    },
  };
  live.add(child);
  return child;
}

/**
 * The child side: answers the parent's requests with `handlers`, and shuts down cleanly on
 * SIGTERM/SIGINT or when the parent goes away (IPC disconnect), so no server outlives the bench.
 */
export function serveParent(handlers: Record<string, (args: any) => Promise<unknown>>, shutdown: () => Promise<void>) {
  let closing = false;
  const exit = async (code: number) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(code || 1), 10_000);
    force.unref();
    try {
      await shutdown();
    } catch (error) {
      console.error('shutdown failed:', error);
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void exit(0));
  process.on('SIGINT', () => void exit(0));
  process.on('disconnect', () => void exit(0));
  const builtIn: Record<string, (args: any) => Promise<unknown>> = {
    async gc() {
      (globalThis as { gc?: () => void }).gc?.();
      return true;
    },
  };
  process.on('message', async (request: ChildRequest) => {
    const handler = handlers[request.op] ?? builtIn[request.op];
    try {
      if (!handler) throw new Error(`unknown op ${request.op}`);
      const value = await handler(request.args);
      process.send?.({ id: request.id, ok: true, value } satisfies ChildReply);
    } catch (error) {
      process.send?.({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ChildReply);
    }
  });
}

export function announceReady(url: string, engine: string) {
  // The URL on stdout too, for anyone running a server script by hand.
  console.log(`BENCH_SERVER_URL ${url}`);
  process.send?.({ ready: true, url, engine } satisfies ChildReady);
}
