import { defineConfig } from 'vitest/config';

// Each test file starts its own API server and Chromium; on a 2-core machine running files one
// after another is faster than fighting over the CPU.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
