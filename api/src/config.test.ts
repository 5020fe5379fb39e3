import { describe, expect, it } from 'vitest';
import { publicUrlFromEnv } from './config';

describe('PUBLIC_URL', () => {
  it('is an http(s) base URL without a trailing slash, or null when unset', () => {
    expect(publicUrlFromEnv(undefined)).toBeNull();
    expect(publicUrlFromEnv('')).toBeNull();
    expect(publicUrlFromEnv('https://chat.example.com/')).toBe('https://chat.example.com');
    expect(publicUrlFromEnv('http://localhost:4000/support//')).toBe('http://localhost:4000/support');
  });

  it('refuses what cannot be a base URL', () => {
    for (const bad of ['chat.example.com', 'ftp://example.com', 'https://example.com/?x=1', 'https://example.com/#top'])
      expect(() => publicUrlFromEnv(bad), bad).toThrow(/PUBLIC_URL must be/);
  });
});
