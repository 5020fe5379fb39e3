// `pnpm --filter widget size`: builds widget.js in memory from the current sources and prints
// its size against the budget in size-budget.json. Exits 1 past the budget.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = new URL('..', import.meta.url);
const { gzipBytes: budget, brotliBytes } = JSON.parse(readFileSync(new URL('size-budget.json', root), 'utf8'));

process.env.NODE_ENV = 'production';
const result = await build({ root: root.pathname, logLevel: 'silent', build: { write: false } });
const outputs = (Array.isArray(result) ? result : [result]).flatMap((output) => output.output);
const bundle = outputs.find((file) => file.fileName === 'widget.js');
const extras = outputs.filter((file) => file !== bundle && !/\.(br|gz)$/.test(file.fileName));
if (!bundle) throw new Error('widget.js was not produced');

const minified = Buffer.byteLength(bundle.code);
const gzipped = gzipSync(bundle.code, { level: 9 }).length;
const brotli = brotliCompressSync(bundle.code, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const left = Math.min(budget - gzipped, brotliBytes - brotli);
console.log(
  `widget.js: ${kb(minified)} minified, ${kb(brotli)} brotli (${brotli} bytes; budget ${brotliBytes}), ${kb(gzipped)} gzipped (${gzipped} bytes; budget ${budget})${left >= 0 ? '' : ': OVER BUDGET'}`,
);
if (extras.length) console.log(`Also produced: ${extras.map((f) => f.fileName).join(', ')} (the budget counts widget.js only)`);
process.exitCode = left >= 0 ? 0 : 1;
