// `pnpm --filter widget size`: builds widget.js in memory from the current sources and prints
// its size against the budget in size-budget.json. Exits 1 past the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = new URL('..', import.meta.url);
const { gzipBytes: budget } = JSON.parse(readFileSync(new URL('size-budget.json', root), 'utf8'));

process.env.NODE_ENV = 'production';
const result = await build({ root: root.pathname, logLevel: 'silent', build: { write: false } });
const outputs = (Array.isArray(result) ? result : [result]).flatMap((output) => output.output);
const bundle = outputs.find((file) => file.fileName === 'widget.js');
if (!bundle) throw new Error('widget.js was not produced');

const minified = Buffer.byteLength(bundle.code);
const gzipped = gzipSync(bundle.code, { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const left = budget - gzipped;
console.log(`widget.js: ${kb(minified)} minified, ${kb(gzipped)} gzipped (${gzipped} bytes; budget ${budget} bytes, ${left >= 0 ? `${left} left` : `${-left} over`})`);
if (outputs.length !== 1) console.log(`Also produced: ${outputs.filter((f) => f !== bundle).map((f) => f.fileName).join(', ')} (the budget counts widget.js only)`);
process.exitCode = left >= 0 ? 0 : 1;
