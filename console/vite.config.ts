/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';
import solid from 'vite-plugin-solid';

const apiOrigin = 'http://127.0.0.1:4000';

export default defineConfig({
  // Brotli and gzip beside every built file, at the highest level: the API serves them by Accept-Encoding.
  plugins: [solid(), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 0 })],
  // The API serves the built console under /console/.
  base: '/console/',
  server: {
    proxy: {
      '/graphql': { target: apiOrigin, ws: true, changeOrigin: true },
      // Signed attachment links and FAQ pages are served by the API, relative to its origin.
      '/attachments': { target: apiOrigin, changeOrigin: true },
      '/faq': { target: apiOrigin, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    // The Insert menu test starts the real API (a child process with embedded PGlite).
    hookTimeout: 120_000,
  },
});
