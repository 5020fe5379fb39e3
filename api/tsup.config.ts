import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// The API as plain Node ESM in dist/: one bundle of our own code (the generated Prisma client included),
// every package left to node_modules.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  outDir: 'dist',
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  skipNodeModulesBundle: true,
  // embedded.ts starts this worker by a URL relative to its own module, which is dist/main.js once bundled.
  onSuccess: async () => {
    await copyFile('src/platform/db/embedded-worker.mjs', 'dist/embedded-worker.mjs');
  },
});
