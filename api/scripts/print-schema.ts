// Writes the sorted schema.graphql at the repository root. src/schema.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/platform/config';
import { printSortedSchema } from '../src/schema';

const target = path.join(repoRoot, 'schema.graphql');
writeFileSync(target, printSortedSchema());
console.log(`Wrote ${path.relative(process.cwd(), target)}`);
