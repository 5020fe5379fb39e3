import { buildApp } from './server/app';
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
const logger = createLogger(envConfig);
// Every free-text line the services write becomes a JSON line of the process's logger.
const config = { ...envConfig, log: (line: string) => logger.info(line) };
const engine = config.databaseUrl ? 'postgresql' : 'pglite';
const app = buildApp(config, {
  logger,
  beforeListen: (services) =>
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
    }),
});

function exit(code: number): never {
  logger.flush();
  process.exit(code);
}

try {
  const running = await app.start();
  const where = engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL from DATABASE_URL';
  // The e2e harness (e2e/support/api-server.ts) finds the URL in this message: keep "Live chat API on <url> ".
  // Written at any LOG_LEVEL but silent: an operator at `warn` still learns where it listens.
  const startupLogger = config.logLevel === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
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
