import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import budget from '../size-budget.json';

describe('widget.js size', () => {
  it(`stays within ${budget.gzipBytes} bytes gzipped, everything included`, () => {
    // The bundle is the only file the build produces (test/build-widget-bundle.ts checks): CSS and strings are inside.
    const gzipped = gzipSync(inject('widgetBundle'), { level: 9 }).length;
    expect(gzipped, `widget.js is ${gzipped} bytes gzipped; the budget is ${budget.gzipBytes}`).toBeLessThanOrEqual(budget.gzipBytes);
  });

  it(`stays within ${budget.brotliBytes} bytes with brotli at the quality the build precompresses with`, () => {
    const brotli = brotliCompressSync(inject('widgetBundle'), { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length;
    expect(brotli, `widget.js is ${brotli} bytes with brotli; the budget is ${budget.brotliBytes}`).toBeLessThanOrEqual(budget.brotliBytes);
  });
});
