// Writes the sorted schema.graphql at the repository root; with --check, fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/config';
import { printSortedSchema } from '../src/schema';

const target = path.join(repoRoot, 'schema.graphql');
const printed = printSortedSchema();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== printed) {
    console.error('schema.graphql is stale: run `pnpm schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is current.');
} else {
  writeFileSync(target, printed);
  console.log(`Wrote ${path.relative(process.cwd(), target)}`);
}
