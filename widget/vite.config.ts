/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig({
  plugins: [solid()],
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
