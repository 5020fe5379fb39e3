/// <reference types="node" />
// Also imported by console component tests that need the real API, whose tsconfig has no Node types.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const apiDir = path.join(repoRoot, 'api');

export interface ApiServerOptions {
  /** Embedded database folder; default a new temp folder, removed by `dispose()`. */
  dataDir?: string;
  /** Default 0: a free port is picked (and kept across `restart()`). */
  port?: number;
  adminEmail?: string;
  adminPassword?: string;
  /** Demo channels, templates and FAQ (SEED_DEMO). Default true. */
  seedDemo?: boolean;
  /** Extra environment for the server (see api/src/platform/config.ts for the names). */
  env?: Record<string, string>;
  /** How long to wait for the "Live chat API on …" line. */
  startTimeoutMs?: number;
  /** Default true: fail fast when console/dist is missing (browser tests need the built console). */
  requireBuiltConsole?: boolean;
}

export interface ApiServer {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 15 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops, then starts again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops and removes the data folder when the harness created it. */
  dispose(): Promise<void>;
}

/**
 * Runs the real API the way `pnpm start` does (`node dist/main.js`, the compiled API) as a child
 * process on embedded PGlite in a data folder of its own, and resolves once it prints its URL.
 * The API, console and widget are served from their dist folders: build them first
 * (`pnpm build`, which skips what is up to date; `pnpm test` does it).
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  if (options.requireBuiltConsole !== false && !existsSync(path.join(repoRoot, 'console/dist/index.html')))
    throw new Error('console/dist is missing: run `pnpm build` (or `pnpm --filter console build`) before the e2e tests.');
  if (!existsSync(path.join(apiDir, 'dist/main.js')))
    throw new Error('api/dist/main.js is missing: run `pnpm build` (or `pnpm --filter api build`) before the e2e tests.');

  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'lc-e2e-')));
  const adminEmail = options.adminEmail ?? 'admin@e2e.test';
  const adminPassword = options.adminPassword ?? 'e2e-admin-password';
  let port = options.port ?? 0;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const env: NodeJS.ProcessEnv = { ...process.env };
  // Always the embedded engine and in-process pub/sub, whatever the caller's shell has set.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  Object.assign(env, {
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    SEED_DEMO: options.seedDemo === false ? 'false' : 'true',
    NODE_ENV: 'production',
    // Every browser and API client of a test logs in from 127.0.0.1.
    LOGIN_FAILS_PER_IP: '100000',
    LOGIN_FAILS_PER_EMAIL: '100000',
    WS_MAX_CONNECTIONS_PER_IP: '100000',
    START_CHAT_LIMIT_PER_IP: '100000',
    SEND_MESSAGE_LIMIT_PER_IP: '100000',
    WIDGET_CHANNEL_LIMIT_PER_IP: '100000',
    FAQ_SUGGESTIONS_LIMIT_PER_IP: '100000',
    ...options.env,
  });

  async function start(): Promise<void> {
    const proc = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], {
      cwd: apiDir,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`API did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${log}`));
      }, options.startTimeoutMs ?? 60_000);
      let startOutput = '';
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        startOutput += chunk.toString();
        const match = /Live chat API on (http:\/\/[^\s]+)/.exec(startOutput);
        if (match) {
          clearTimeout(timer);
          port = Number(new URL(match[1]!).port);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`API exited (code ${code}, signal ${signal}) before it started:\n${log}`));
      });
    });
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
    child = null;
  }

  try {
    await start();
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dataDir,
    adminEmail,
    adminPassword,
    output: () => log,
    stop,
    async restart() {
      await stop();
      log += '\n--- restart ---\n';
      await start();
    },
    async dispose() {
      await stop();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
