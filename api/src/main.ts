import cluster from 'node:cluster';
import { buildApp } from './server/app';
import { runPrimary, workerDatabase, type WorkerStarted } from './server/cluster';
import { type AppConfig, ConfigError, configFromEnv } from './platform/config';
import { DataDirLockedError } from './platform/db/embedded';
import { createLogger } from './platform/logger';
import { seedOnFirstStart } from './server/seed';

let envConfig: AppConfig;
try {
  envConfig = configFromEnv();
} catch (error) {
  // Every bad variable at once, with what it must be; secrets' values are not shown. Nothing listens yet.
  console.error(error instanceof ConfigError ? error.message : `Invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const inWorker = cluster.isWorker;
// A worker's lines say which worker wrote them.
const logger = inWorker ? createLogger(envConfig).child({ worker: cluster.worker!.id, pid: process.pid }) : createLogger(envConfig);
// Every free-text line the services write becomes a JSON line of the process's logger.
const config = { ...envConfig, log: (line: string) => logger.info(line) };
const engine = config.databaseUrl ? 'postgresql' : 'pglite';
const seed = (services: Parameters<typeof seedOnFirstStart>[0]) =>
  seedOnFirstStart(services, {
    engine,
    adminEmail: config.seed.adminEmail ?? undefined,
    adminPassword: config.seed.adminPassword ?? undefined,
    demoContent: config.seed.demoContent,
    log: config.log,
    // A password never goes into a log line: the generated one is shown once on the terminal, outside the JSON stream.
    showGeneratedPassword: (text) => {
      process.stderr.write(`${text}\n`);
      logger.info('First start: created the admin account; its generated password was written once to stderr, not to the logs.');
    },
  });

function exit(code: number): never {
  logger.flush();
  process.exit(code);
}

if (config.workers > 1 && cluster.isPrimary) {
  // WORKERS > 1: this process forks the API processes and owns what must exist once (server/cluster.ts).
  try {
    await runPrimary({ config, logger, seed });
  } catch (error) {
    if (error instanceof DataDirLockedError) logger.fatal(error.message);
    else logger.fatal({ err: error }, `Failed to start: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
  }
} else {
  await runOneProcess();
}

async function runOneProcess() {
  // A cluster worker uses the database its primary started, migrated and seeded.
  const prepared = workerDatabase();
  const app = buildApp(config, { logger, database: prepared ?? undefined, beforeListen: prepared ? undefined : seed });

  try {
    const running = await app.start();
    const where = engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL from DATABASE_URL';
    // The e2e harness (e2e/support/api-server.ts) finds the URL in this message: keep "Live chat API on <url> ".
    // Written at any LOG_LEVEL but silent: an operator at `warn` still learns where it listens.
    const startupLogger = config.logLevel === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
    if (inWorker) {
      logger.info({ url: running.url }, `worker listening on ${running.url} (pub/sub: ${running.services.bus.kind})`);
      process.send?.({ type: 'livechat:started', url: running.url, bus: running.services.bus.kind } satisfies WorkerStarted);
    } else
      startupLogger.info(
        {
          url: running.url,
          console: `${running.url}/console/`,
          widget: `${running.url}/demo/`,
          graphql: `${running.url}/graphql`,
          health: `${running.url}/health`,
        },
        `Live chat API on ${running.url} (${where}; pub/sub: ${running.services.bus.kind})`,
      );
  } catch (error) {
    if (error instanceof DataDirLockedError) logger.fatal(error.message);
    else logger.fatal({ err: error }, `Failed to start: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
  }

  let shuttingDown = false;
  // A worker drains on the primary's SIGTERM; a terminal's Ctrl-C reaches the whole group, and the primary handles it.
  if (inWorker) process.on('SIGINT', () => {});
  for (const signal of inWorker ? (['SIGTERM'] as const) : (['SIGINT', 'SIGTERM'] as const)) {
    process.on(signal, () => {
      if (shuttingDown) exit(1);
      shuttingDown = true;
      const graceMs = config.shutdownGraceSeconds * 1000;
      logger.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down: draining');
      // Whatever hangs, the process is gone within the grace period.
      setTimeout(() => {
        logger.error('shutdown grace period ran out; exiting anyway');
        exit(1);
      }, graceMs).unref();
      app.stop({ graceMs }).then(
        () => {
          logger.info('shut down');
          exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
    });
  }
}
