/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';
import solid from 'vite-plugin-solid';

export default defineConfig({
  // Brotli and gzip beside every built file, at the highest level: the API serves them by Accept-Encoding.
  plugins: [solid(), compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 0 })],
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
});
