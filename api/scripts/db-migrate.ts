// `pnpm db:migrate`: applies prisma/migrations to the PostgreSQL database at DATABASE_URL or,
// without it, to the embedded database in DATA_DIR (default <repo>/data). The server also
// migrates on every start, so this is for deploy pipelines and for checking by hand.
import path from 'node:path';
import { DataDirLockedError, startEmbeddedPostgres } from '../src/platform/db/embedded';
import { applyMigrations, defaultMigrationsDir } from '../src/platform/db/migrate';
import { redactPassword } from '../src/platform/db/schema-engine';

const log = (line: string) => console.log(line);

try {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    console.log(`Migrating ${redactPassword(databaseUrl)}`);
    await applyMigrations(databaseUrl, { log });
  } else {
    await migrateEmbeddedDatabase();
  }
} catch (error) {
  console.error('Migrating failed:');
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}

async function migrateEmbeddedDatabase(): Promise<void> {
  const repoRoot = path.resolve(defaultMigrationsDir, '../..');
  const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(repoRoot, 'data'));
  console.log(`DATABASE_URL is not set: migrating the embedded database in ${dataDir}`);
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    embedded = await startEmbeddedPostgres({ dataDir });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.log(
      `${error.message}\nA running server has already migrated it: the embedded database is ` +
        'migrated automatically whenever the server starts (`pnpm start`).',
    );
    return;
  }
  try {
    await applyMigrations(embedded.url, { log });
  } finally {
    await embedded.stop();
  }
}
