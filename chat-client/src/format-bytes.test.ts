import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes';

describe('formatBytes', () => {
  it('writes bytes below 1 KB, KB with a decimal below 10 KB, whole KB up to 1 MB', () => {
    expect([0, 512, 1023].map(formatBytes)).toEqual(['0 B', '512 B', '1023 B']);
    expect([1024, 2560, 10 * 1024 - 52].map(formatBytes)).toEqual(['1 KB', '2.5 KB', '9.9 KB']);
    expect([10 * 1024, 600_000, 1024 * 1024 - 1].map(formatBytes)).toEqual(['10 KB', '586 KB', '1024 KB']);
  });

  it('writes MB with a decimal, none when it is .0', () => {
    expect([1024 * 1024, 1_500_000, 10 * 1024 * 1024, 25_000_000].map(formatBytes)).toEqual(['1 MB', '1.4 MB', '10 MB', '23.8 MB']);
  });
});
