import { describe, expect, it } from 'vitest';
import { bearerFrom, generateToken, hashToken, parseToken } from './tokens';

describe('tokens', () => {
  it('generates distinct 256-bit tokens that name their kind', () => {
    const a = generateToken('agent');
    const b = generateToken('agent');
    expect(a).not.toBe(b);
    expect(parseToken(a)).toEqual({ kind: 'agent' });
    expect(parseToken(generateToken('visitor'))).toEqual({ kind: 'visitor' });
    expect(parseToken(generateToken('api'))).toEqual({ kind: 'api' });
  });

  it('rejects anything that is not exactly a token', () => {
    for (const bad of ['', 'lca_', `lcx_${'a'.repeat(43)}`, `${generateToken('agent')}x`, ` ${generateToken('api')}`]) expect(parseToken(bad), bad).toBeNull();
  });

  it('hashes deterministically without containing the token', () => {
    const token = generateToken('api');
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(generateToken('api')));
  });

  it('reads the bearer scheme case-insensitively, a bare token, or nothing', () => {
    expect(bearerFrom('Bearer abc')).toBe('abc');
    expect(bearerFrom('bearer   abc ')).toBe('abc');
    expect(bearerFrom('abc')).toBe('abc');
    expect(bearerFrom('')).toBeNull();
    expect(bearerFrom(undefined)).toBeNull();
  });
});
