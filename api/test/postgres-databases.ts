import { randomBytes } from 'node:crypto';
import pg from 'pg';

// No vitest import here: the global setup (test/database-templates.ts) runs outside the test workers.
export const postgresServerUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function onServer(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresServerUrl });
  try {
    await admin.connect();
    await admin.query(sql);
  } finally {
    await admin.end().catch(() => {});
  }
}

/** A new database `<prefix>_<random>` on the local server, empty or a copy of `template`; drop() removes it. */
export async function createPostgresDatabaseNamed(prefix: string, template = ''): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
