import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/platform/db/embedded';
import { applyMigrations } from '../src/platform/db/migrate';
import { createPostgresDatabaseNamed } from './postgres-databases';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated embedded database (pglite project), or ''. */
    pgliteTemplate: string;
    /** A migrated PostgreSQL database to copy (postgresql project), or ''. */
    postgresTemplate: string;
  }
}

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
  let template: Awaited<ReturnType<typeof createPostgresDatabaseNamed>>;
  try {
    template = await createPostgresDatabaseNamed('lc_template');
  } catch {
    // No server: every test of this project fails on its own with the reason; the other projects still run.
    project.provide('pgliteTemplate', '');
    project.provide('postgresTemplate', '');
    return;
  }
  await applyMigrations(template.url, { log: quiet });
  project.provide('pgliteTemplate', '');
  project.provide('postgresTemplate', template.name);
  return template.drop;
}
