// Builds dist-equivalent widget.js in memory once per test run, so bundle.test.ts exercises
// exactly what host pages will load (IIFE, single global, inlined CSS).
import { build, type Rolldown } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    widgetBundle: string;
  }
}

export default async function buildWidgetBundle(project: TestProject): Promise<void> {
  // Vitest sets NODE_ENV=test, which makes Vite resolve the `development` export condition
  // (Solid's dev build). `vite build` runs with production; match it, then restore for the workers.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({ root: project.config.root, logLevel: 'silent', build: { write: false } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  // The precompressed copies (.br, .gz) the build writes beside it are the same bundle.
  const files = outputs.flatMap((output) => output.output).filter((file) => !/\.(br|gz)$/.test(file.fileName));
  const bundle = files.find((file) => file.fileName === 'widget.js');
  if (bundle?.type !== 'chunk') throw new Error('widget.js was not produced');
  if (files.length !== 1) throw new Error(`Expected only widget.js, got ${files.map((f) => f.fileName).join(', ')}`);
  project.provide('widgetBundle', bundle.code);
}
