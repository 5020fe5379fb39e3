import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('doubles from the first wait up to the longest, exactly without jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100, 5000].map((attempt) => backoffMs(attempt, 1000, 30_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
    expect(backoffMs(3, 60_000, 60_000)).toBe(60_000);
  });

  it('spreads each wait over the jitter’s bounds', () => {
    const waits = Array.from({ length: 500 }, () => backoffMs(1, 1000, 10_000, [0.75, 1.25]));
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(1500);
      expect(wait).toBeLessThanOrEqual(2500);
    }
    // Spread out, not one value: both halves of the range are used.
    expect(waits.some((wait) => wait < 2000) && waits.some((wait) => wait > 2000)).toBe(true);
    for (let i = 0; i < 100; i++) expect(backoffMs(40, 1000, 10_000, [0.5, 1])).toBeLessThanOrEqual(10_000);
  });
});
