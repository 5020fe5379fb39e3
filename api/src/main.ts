import { buildApp } from './app';
import { configFromEnv } from './config';
import { DataDirLockedError } from './db/embedded';
import { seedOnFirstStart } from './seed';

const config = configFromEnv();
const engine = config.databaseUrl ? 'postgresql' : 'pglite';
const app = buildApp(config, {
  beforeListen: (services) =>
    seedOnFirstStart(services, {
      engine,
      adminEmail: process.env.ADMIN_EMAIL || undefined,
      adminPassword: process.env.ADMIN_PASSWORD || undefined,
      demoContent: process.env.SEED_DEMO !== 'false',
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
