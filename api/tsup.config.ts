import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// `pnpm --filter api build`: src/main.ts bundled to dist/main.js for plain `node`. Dependencies stay
// external (node_modules is there at runtime), so only our own code, with the generated Prisma client, is bundled.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  sourcemap: true,
  clean: true,
  splitting: false,
  // The embedded database's worker is loaded by URL beside the bundle (db/embedded.ts), not imported.
  onSuccess: async () => {
    await copyFile('src/db/embedded-worker.mjs', 'dist/embedded-worker.mjs');
  },
});
