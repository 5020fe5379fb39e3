/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig(({ command }) => ({
  plugins: [solid()],
  // @urql/core's GraphQL parser is replaced by the few lines it actually needs (see the module's comment).
  resolve: { alias: { '@0no-co/graphql.web': fileURLToPath(new URL('src/graphql-document.ts', import.meta.url)) } },
  // Library mode leaves process.env alone, but @urql/core reads NODE_ENV and host pages have no
  // `process`. Build only: in Vitest this define flips Vite/Vitest into production resolve
  // conditions, and the transformed and natively-imported halves of Solid then disagree.
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  build: {
    // One classic script for `<script src=".../widget.js" defer>`; the IIFE's `name` is the only global it creates.
    lib: {
      entry: 'src/widget.tsx',
      name: 'ChatWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    // Vitest stubs CSS to '' by default; the shadow-root stylesheet is real content under test.
    css: true,
    globalSetup: ['test/build-widget-bundle.ts'],
  },
}));
