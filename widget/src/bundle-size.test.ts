import { gzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import budget from '../size-budget.json';

describe('widget.js size', () => {
  it(`stays within ${budget.gzipBytes} bytes gzipped, everything included`, () => {
    // The bundle is the only file the build produces (test/build-widget-bundle.ts checks): CSS and strings are inside.
    const gzipped = gzipSync(inject('widgetBundle'), { level: 9 }).length;
    expect(gzipped, `widget.js is ${gzipped} bytes gzipped; the budget is ${budget.gzipBytes}`).toBeLessThanOrEqual(budget.gzipBytes);
  });
});
