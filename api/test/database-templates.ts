import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/platform/db/embedded';
import { applyMigrations } from '../src/platform/db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated embedded database (pglite project), or ''. */
    pgliteTemplate: string;
    /** A migrated PostgreSQL database to copy (postgresql project), or ''. */
    postgresTemplate: string;
  }
}

const postgresServerUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Vitest global setup: migrates one database per run, which every test app then copies, instead of
 * running initdb (PGlite: 3 to 5 s of CPU) and the migrations again in each test file.
 */
export default function setup(project: TestProject) {
  // Both projects' setups run in one process; Prisma's schema engine must not run twice at once there.
  const shared = globalThis as { templatesMade?: Promise<unknown> };
  const made = (shared.templatesMade ?? Promise.resolve()).then(() => makeTemplate(project));
  shared.templatesMade = made.catch(() => {});
  return made;
}

async function makeTemplate(project: TestProject) {
  const quiet = () => {};
  if (project.name === 'pglite') {
    const file = path.join(tmpdir(), `lc-test-template-${process.pid}-${randomBytes(4).toString('hex')}.tar`);
    const embedded = await startEmbeddedPostgres({ dataDir: null });
    try {
      await applyMigrations(embedded.url, { log: quiet });
      await embedded.dumpTo(file);
    } finally {
      await embedded.stop();
    }
    project.provide('pgliteTemplate', file);
    project.provide('postgresTemplate', '');
    return () => rm(file, { force: true });
  }
  const name = `lc_template_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch {
    // No server: every test of this project fails on its own with the reason; the other projects still run.
    project.provide('pgliteTemplate', '');
    project.provide('postgresTemplate', '');
    return;
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString(), { log: quiet });
  project.provide('pgliteTemplate', '');
  project.provide('postgresTemplate', name);
  return async () => {
    const c = new pg.Client({ connectionString: postgresServerUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
}
