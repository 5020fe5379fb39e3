// `pnpm db:migration <name>`: writes the migration that takes prisma/migrations to
// prisma/schema.prisma. The migrations are replayed on a throwaway shadow database, created on
// the PostgreSQL server at SHADOW_DATABASE_SERVER_URL, else DATABASE_URL, else the local default.
import path from 'node:path';
import pg from 'pg';
import { defaultMigrationsDir, diffMigrationsToSchema, isValidMigrationName, writeMigration } from '../src/platform/db/migrate';
import { redactPassword } from '../src/platform/db/schema-engine';

const LOCAL_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

const name = process.argv[2];
if (!name || !isValidMigrationName(name)) {
  console.error(
    name
      ? `Invalid migration name "${name}": use only lowercase letters, digits and _.`
      : 'Usage: pnpm db:migration <name>   (lowercase letters, digits and _, e.g. add_visitor_locale)',
  );
  process.exit(1);
}

const [serverUrl, source] = process.env.SHADOW_DATABASE_SERVER_URL
  ? [process.env.SHADOW_DATABASE_SERVER_URL, 'SHADOW_DATABASE_SERVER_URL']
  : process.env.DATABASE_URL
    ? [process.env.DATABASE_URL, 'DATABASE_URL']
    : [LOCAL_SERVER_URL, 'the default local server'];

const unreachable = await connectionProblem(serverUrl);
if (unreachable) {
  console.error(
    `No PostgreSQL server reachable at ${redactPassword(serverUrl)} (${source}): ${unreachable}\n` +
      'Creating a migration needs a PostgreSQL server where it may create a throwaway shadow ' +
      'database. Set SHADOW_DATABASE_SERVER_URL (or DATABASE_URL) to one, e.g. ' +
      'postgresql://postgres@127.0.0.1:5432/postgres.',
  );
  process.exit(1);
}

try {
  const script = await diffMigrationsToSchema(serverUrl);
  if (script === '') {
    console.log('No changes: prisma/schema.prisma matches the migrations. Nothing written.');
  } else {
    const written = await writeMigration(name, script);
    const repoRoot = path.resolve(defaultMigrationsDir, '../..');
    console.log(`Wrote ${path.relative(repoRoot, written)}`);
  }
} catch (error) {
  console.error('Creating the migration failed:');
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

async function connectionProblem(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    // Node reports a refused `localhost` (IPv4 and IPv6) as an AggregateError without a message.
    const { message, code } = error as { message?: string; code?: string };
    return message || code || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}
