import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CJS (main) and ESM (module). Node hands Pothos and yoga the CJS build, while
// vite would give our files the ESM one: two graphql realms. Pin everyone to Node's choice.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// API tests that need a database run twice: on embedded PGlite and on the real PostgreSQL server.
// Files of a project share a worker, and every test app copies the run's migrated database.
const databaseProject = (engine: 'pglite' | 'postgresql', other: 'pglite' | 'postgresql') => ({
  extends: true as const,
  test: {
    name: engine,
    include: ['test/**/*.test.ts'],
    exclude: [`test/**/*.${other}.test.ts`],
    env: { TEST_DB_ENGINE: engine },
    isolate: false,
    globalSetup: ['test/database-templates.ts'],
  },
});

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Vitest's default on 2 cores is 1 file at a time; most files wait on sockets and databases.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'] } },
      // `*.pglite.test.ts` and `*.postgresql.test.ts` hold what only makes sense on one engine.
      databaseProject('pglite', 'postgresql'),
      databaseProject('postgresql', 'pglite'),
    ],
  },
});
