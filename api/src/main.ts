import { buildApp } from './app';
import { type AppConfig, ConfigError, configFromEnv } from './config';
import { DataDirLockedError } from './db/embedded';
import { seedOnFirstStart } from './seed';

let config: AppConfig;
try {
  config = configFromEnv();
} catch (error) {
  // Every bad variable at once, with what it must be; secrets' values are not shown. Nothing listens yet.
  console.error(error instanceof ConfigError ? error.message : `Invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const engine = config.databaseUrl ? 'postgresql' : 'pglite';
const app = buildApp(config, {
  beforeListen: (services) =>
    seedOnFirstStart(services, {
      engine,
      adminEmail: config.seed.adminEmail ?? undefined,
      adminPassword: config.seed.adminPassword ?? undefined,
      demoContent: config.seed.demoContent,
      log: config.log,
    }),
});

try {
  const running = await app.start();
  const where = engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL from DATABASE_URL';
  console.log(
    [
      `Live chat API on ${running.url} (${where}; pub/sub: ${running.services.bus.kind})`,
      `  console:  ${running.url}/console/`,
      `  widget:   ${running.url}/demo/`,
      `  GraphQL:  ${running.url}/graphql`,
      `  health:   ${running.url}/health`,
    ].join('\n'),
  );
} catch (error) {
  if (error instanceof DataDirLockedError) console.error(error.message);
  else console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
}

let shuttingDown = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (shuttingDown) process.exit(1);
    shuttingDown = true;
    console.log(`${signal}: shutting down…`);
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  });
}
