// Runs against the real PostgreSQL server: every test gets a database of its own, dropped after.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, defaultMigrationsDir, defaultSchemaPath, diffMigrationsToSchema, migrationDirectoryName, writeMigration } from './migrate';

const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHADOW_DATABASE_PATTERN = 'prisma_migrate_shadow_db_%';

const databasesToDrop: string[] = [];
const foldersToRemove: string[] = [];

afterEach(async () => {
  const names = databasesToDrop.splice(0);
  await withServer(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  for (const folder of foldersToRemove.splice(0)) await rm(folder, { recursive: true, force: true });
});

afterAll(async () => {
  // No test may leave a database of its own behind.
  const left = await databaseNames(`migrate_test_%`);
  expect(left).toEqual([]);
});

async function withServer<T>(work: (client: pg.Client) => Promise<T>, url = serverUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(): Promise<string> {
  const name = `migrate_test_${randomBytes(6).toString('hex')}`;
  await withServer((client) => client.query(`CREATE DATABASE "${name}"`));
  databasesToDrop.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function databaseNames(likePattern: string): Promise<string[]> {
  return withServer(async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [likePattern]);
    return rows.map((row) => row.datname);
  });
}

async function query<Row extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<Row[]> {
  return withServer(async (client) => (await client.query<Row>(sql, values)).rows, url);
}

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'migrate-test-'));
  foldersToRemove.push(folder);
  return folder;
}

async function checkedInMigrationNames(): Promise<string[]> {
  const entries = await readdir(defaultMigrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Table names the schema maps models to (no @@map is used, so the model names). */
async function modelNames(): Promise<string[]> {
  const schema = await readFile(defaultSchemaPath, 'utf8');
  return [...schema.matchAll(/^model (\w+) \{/gm)].map((match) => match[1]!).sort();
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

async function migrationRows(url: string, schema = 'public'): Promise<MigrationRow[]> {
  return query<MigrationRow>(
    url,
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs
       FROM "${schema}"._prisma_migrations ORDER BY migration_name`,
  );
}

async function tableNames(url: string, schema = 'public'): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    url,
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}

/** A migrations folder holding the checked-in migrations plus `extra` ones, in order. */
async function migrationsFolderWith(extra: Record<string, string>): Promise<string> {
  const folder = await tempFolder();
  for (const name of await checkedInMigrationNames()) {
    await mkdir(path.join(folder, name));
    const script = await readFile(path.join(defaultMigrationsDir, name, 'migration.sql'), 'utf8');
    await writeFile(path.join(folder, name, 'migration.sql'), script);
  }
  await writeFile(path.join(folder, 'migration_lock.toml'), await readFile(path.join(defaultMigrationsDir, 'migration_lock.toml'), 'utf8'));
  for (const [name, script] of Object.entries(extra)) {
    await mkdir(path.join(folder, name));
    await writeFile(path.join(folder, name, 'migration.sql'), script);
  }
  return folder;
}

describe('applyMigrations', () => {
  it('applies every checked-in migration to an empty database and records each one', async () => {
    const url = await createDatabase();
    const migrations = await checkedInMigrationNames();
    expect(migrations.length).toBeGreaterThan(0);

    const { applied } = await applyMigrations(url);

    expect(applied).toEqual(migrations);
    const tables = await tableNames(url);
    expect(tables).toEqual([...(await modelNames()), '_prisma_migrations'].sort());
    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(migrations);
    for (const row of rows) {
      const script = await readFile(path.join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      // What `prisma migrate deploy` records: sha256 of the script, finished, one step.
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
  });

  it('applies nothing the second time', async () => {
    const url = await createDatabase();
    await applyMigrations(url);
    const before = await migrationRows(url);

    const lines: string[] = [];
    const { applied } = await applyMigrations(url, { log: (line) => lines.push(line) });

    expect(applied).toEqual([]);
    expect(await migrationRows(url)).toEqual(before);
    expect(lines.join('\n')).toMatch(/up to date/);
  });

  it('applies each migration once when two callers migrate the same database at once', async () => {
    const url = await createDatabase();
    const migrations = await checkedInMigrationNames();

    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);

    expect(results.flatMap((result) => result.applied).sort()).toEqual(migrations);
    expect((await migrationRows(url)).map((row) => row.migration_name)).toEqual(migrations);
  });

  it('runs a migration as one script, so semicolons inside literals and bodies survive', async () => {
    const url = await createDatabase();
    const folder = await migrationsFolderWith({
      '29990101000000_semicolons': `
        CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "text" TEXT NOT NULL DEFAULT 'a; b');
        CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql AS $$ SELECT 1; SELECT count(*) FROM "Note"; $$;
        INSERT INTO "Note" DEFAULT VALUES;
      `,
    });

    const { applied } = await applyMigrations(url, { migrationsDir: folder });

    expect(applied).toContain('29990101000000_semicolons');
    expect(await query(url, 'SELECT "text", note_count()::int AS count FROM "Note"')).toEqual([{ text: 'a; b', count: 1 }]);
  });

  it('rolls a failing migration back as a whole and records it as failed', async () => {
    const url = await createDatabase();
    const folder = await migrationsFolderWith({
      '29990101000000_broken': `
        CREATE TABLE "HalfDone" ("id" INTEGER PRIMARY KEY);
        ALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;
      `,
    });

    await expect(applyMigrations(url, { migrationsDir: folder })).rejects.toThrow(/NoSuchTable/);

    expect(await tableNames(url)).not.toContain('HalfDone');
    const broken = (await migrationRows(url)).find((row) => row.migration_name === '29990101000000_broken');
    expect(broken?.finished_at).toBeNull();
    expect(broken?.logs).toMatch(/NoSuchTable/);
    // Like `migrate deploy`, later runs refuse to continue past a failed migration.
    await expect(applyMigrations(url, { migrationsDir: folder })).rejects.toThrow(/failed migrations/);
  });

  it("honours Prisma's ?schema= parameter", async () => {
    const url = await createDatabase();
    const withSchema = new URL(url);
    withSchema.searchParams.set('schema', 'tenant_a');

    await applyMigrations(withSchema.toString());

    expect(await tableNames(url, 'tenant_a')).toEqual([...(await modelNames()), '_prisma_migrations'].sort());
    expect(await tableNames(url, 'public')).toEqual([]);
    expect(await migrationRows(url, 'tenant_a')).toHaveLength((await checkedInMigrationNames()).length);
  });
});

describe('diffMigrationsToSchema', () => {
  it('finds no drift between the checked-in migrations and prisma/schema.prisma', async () => {
    const url = await createDatabase();
    const shadowsBefore = await databaseNames(SHADOW_DATABASE_PATTERN);

    const script = await diffMigrationsToSchema(url);

    expect(script, `schema.prisma has changes without a migration:\n${script}`).toBe('');
    expect(await databaseNames(SHADOW_DATABASE_PATTERN)).toEqual(shadowsBefore);
  });

  it('prints the ALTER TABLE for a column the schema has and the migrations lack', async () => {
    const url = await createDatabase();
    const schema = await readFile(defaultSchemaPath, 'utf8');
    const modified = schema.replace(/^model Visitor \{\n/m, 'model Visitor {\n  locale String?\n');
    expect(modified).not.toBe(schema);
    const schemaPath = path.join(await tempFolder(), 'schema.prisma');
    await writeFile(schemaPath, modified);
    const shadowsBefore = await databaseNames(SHADOW_DATABASE_PATTERN);

    const script = await diffMigrationsToSchema(url, { schemaPath });

    expect(script).toMatch(/ALTER TABLE "Visitor" ADD COLUMN\s+"locale" TEXT;/);
    expect(script).not.toMatch(/CREATE TABLE/);
    expect(await databaseNames(SHADOW_DATABASE_PATTERN)).toEqual(shadowsBefore);
    // The database the URL names is only used to reach the server.
    expect(await tableNames(url)).toEqual([]);
  });

  it("reports the server's reason when the shadow database cannot be created", async () => {
    const url = new URL(await createDatabase());
    const role = `migrate_test_role_${randomBytes(4).toString('hex')}`;
    await withServer((client) => client.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`));
    try {
      url.username = role;
      await expect(diffMigrationsToSchema(url.toString())).rejects.toThrow(/shadow database[\s\S]*permission denied to create database/);
    } finally {
      await withServer((client) => client.query(`DROP ROLE ${role}`));
    }
  });

  it('starts from nothing when there are no migrations yet', async () => {
    const url = await createDatabase();
    const emptyFolder = await tempFolder();

    const script = await diffMigrationsToSchema(url, { migrationsDir: emptyFolder });

    for (const model of await modelNames()) expect(script).toContain(`CREATE TABLE "${model}"`);
  });
});

describe('writeMigration', () => {
  it("names the folder like Prisma and writes Prisma's lockfile", async () => {
    const folder = await tempFolder();
    const now = new Date('2024-03-05T07:08:09.123Z');

    const written = await writeMigration('add_things', 'SELECT 1;\n', { migrationsDir: folder, now });

    expect(migrationDirectoryName('add_things', now)).toBe('20240305070809_add_things');
    expect(written).toBe(path.join(folder, '20240305070809_add_things', 'migration.sql'));
    expect(await readFile(written, 'utf8')).toBe('SELECT 1;\n');
    expect(await readFile(path.join(folder, 'migration_lock.toml'), 'utf8')).toBe(
      '# Please do not edit this file manually\n' + '# It should be added in your version-control system (e.g., Git)\n' + 'provider = "postgresql"\n',
    );
    await expect(writeMigration('add_things', 'SELECT 2;', { migrationsDir: folder, now })).rejects.toThrow();
    await expect(writeMigration('Bad-Name', 'SELECT 1;', { migrationsDir: folder })).rejects.toThrow(/Invalid/);
  });
});
