import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CJS (main) and ESM (module). Node hands Pothos and yoga the CJS build, while
// vite would give our files the ESM one: two graphql realms. Pin everyone to Node's choice.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// API tests that need a database run twice: on embedded PGlite and on the real PostgreSQL server.
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
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.postgresql.test.ts'],
          env: { TEST_DB_ENGINE: 'pglite' },
          isolate: false,
          globalSetup: ['test/database-templates.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgresql',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.pglite.test.ts'],
          env: { TEST_DB_ENGINE: 'postgresql' },
          isolate: false,
          globalSetup: ['test/database-templates.ts'],
        },
      },
    ],
  },
});
