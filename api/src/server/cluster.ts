// WORKERS > 1: the primary owns what must exist once (the embedded database, migrations, the
// first-start seed, the in-machine bus relay) and forks one API process per worker; the workers
// share the one listening port (node:cluster hands connections round-robin).
import cluster, { type Worker } from 'node:cluster';
import type { AppConfig } from '../platform/config';
import { relayClusterBus } from '../platform/cluster-bus';
import { createDatabase } from '../platform/db/client';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../platform/db/embedded';
import { applyMigrations } from '../platform/db/migrate';
import type { Logger } from '../platform/logger';
import { createMetrics } from '../platform/metrics';
import { createAppServices, type AppServices } from '../app-services';

/** Environment the primary gives its workers: the database it started and migrated. */
export const WORKER_DATABASE_URL = 'LIVECHAT_WORKER_DATABASE_URL';
export const WORKER_DATABASE_ENGINE = 'LIVECHAT_WORKER_DATABASE_ENGINE';

/** Worker → primary, once its server listens. */
export type WorkerStarted = { type: 'livechat:started'; url: string; bus: string };

export function isWorkerStarted(message: unknown): message is WorkerStarted {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'livechat:started';
}

/** In a worker: the database the primary prepared, or null outside a cluster. */
export function workerDatabase(): { url: string; engine: 'pglite' | 'postgresql' } | null {
  const url = process.env[WORKER_DATABASE_URL];
  if (!cluster.isWorker || !url) return null;
  return { url, engine: process.env[WORKER_DATABASE_ENGINE] === 'pglite' ? 'pglite' : 'postgresql' };
}

export interface PrimaryOptions {
  config: AppConfig;
  logger: Logger;
  /** The first-start seed, run once here before any worker starts. */
  seed: (services: AppServices) => Promise<void>;
}

/** A worker that dies this soon after it started counts towards a crash loop. */
const RESTART_WINDOW_MS = 30_000;
const MAX_RESTARTS_IN_WINDOW = 5;

export async function runPrimary({ config, logger, seed }: PrimaryOptions): Promise<void> {
  const engine = config.databaseUrl ? 'postgresql' : 'pglite';
  let embedded: EmbeddedPostgres | null = null;
  let shuttingDown = false;
  const stopRelay = relayClusterBus();

  async function stopEmbedded() {
    stopRelay();
    await embedded?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the embedded database failed'));
  }

  let databaseUrl = config.databaseUrl;
  try {
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log: config.log });
      databaseUrl = embedded.url;
    }
    await applyMigrations(databaseUrl, { log: config.log });
    // The seed needs the services; the primary keeps them only for it.
    const services = createAppServices(createDatabase(databaseUrl, { embedded: engine === 'pglite', poolSize: 2 }), config, createMetrics());
    try {
      await seed(services);
    } finally {
      await services.close();
    }
  } catch (error) {
    await stopEmbedded();
    throw error;
  }

  const env = { ...process.env, [WORKER_DATABASE_URL]: databaseUrl, [WORKER_DATABASE_ENGINE]: engine };
  const restarts: number[] = [];
  const fork = () => cluster.fork(env);

  // Until every first worker listens, a worker that exits fails the start.
  const started = await new Promise<WorkerStarted[]>((resolve, reject) => {
    const ready: WorkerStarted[] = [];
    const onMessage = (_worker: Worker, message: unknown) => {
      if (!isWorkerStarted(message)) return;
      ready.push(message);
      if (ready.length === config.workers) done(() => resolve(ready));
    };
    const onExit = (worker: Worker, code: number | null, signal: string | null) =>
      done(() => reject(new Error(`worker ${worker.id} exited during start (${signal ?? `code ${code}`})`)));
    const done = (settle: () => void) => {
      cluster.off('message', onMessage).off('exit', onExit);
      settle();
    };
    cluster.on('message', onMessage).on('exit', onExit);
    for (let i = 0; i < config.workers; i++) fork();
  }).catch(async (error: unknown) => {
    shuttingDown = true;
    await stopWorkers(1000);
    await stopEmbedded();
    throw error;
  });

  cluster.on('exit', (worker, code, signal) => {
    if (shuttingDown) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS_IN_WINDOW) {
      logger.fatal(
        { worker: worker.id, pid: worker.process.pid, code, signal },
        `workers keep dying (${restarts.length} in ${RESTART_WINDOW_MS / 1000} s); stopping`,
      );
      void shutdown('crash loop', 1);
      return;
    }
    logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'worker died; starting a new one');
    fork();
  });

  const first = started[0]!;
  const where = engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL from DATABASE_URL';
  const startupLogger = config.logLevel === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
  // The same line as a single process (the e2e harness and tests find the URL in it).
  startupLogger.info(
    { url: first.url, workers: config.workers, pids: Object.values(cluster.workers ?? {}).map((worker) => worker?.process.pid) },
    `Live chat API on ${first.url} (${where}; ${config.workers} workers; pub/sub: ${first.bus})`,
  );

  /** SIGTERM to every worker (each drains for SHUTDOWN_GRACE_SECONDS); resolves when all exited or `graceMs` passed. */
  function stopWorkers(graceMs: number): Promise<void> {
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => !!worker);
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
        resolve();
      }, graceMs);
      timer.unref();
      let left = workers.length;
      if (left === 0) {
        clearTimeout(timer);
        resolve();
      }
      for (const worker of workers) {
        worker.once('exit', () => {
          if (--left === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
        worker.process.kill('SIGTERM');
      }
    });
  }

  async function shutdown(reason: string, code: number) {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason, graceSeconds: config.shutdownGraceSeconds }, 'shutting down: draining every worker');
    // Each worker exits within its grace; a little more here for it to flush and go.
    await stopWorkers(config.shutdownGraceSeconds * 1000 + 2000);
    await stopEmbedded();
    logger.info('shut down');
    logger.flush();
    process.exit(code);
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal, 0));
}
