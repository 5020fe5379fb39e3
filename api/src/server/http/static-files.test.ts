import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { acceptedEncodings, safeJoin } from './static-files';

describe('safeJoin', () => {
  const root = '/srv/app';
  it('resolves paths inside the root', () => {
    expect(safeJoin(root, 'assets/a.js')).toBe('/srv/app/assets/a.js');
    expect(safeJoin(root, 'a/../b.js')).toBe('/srv/app/b.js');
  });
  it('never escapes the root', () => {
    for (const evil of ['../etc/passwd', '..%2Fetc%2Fpasswd', '%2e%2e/%2e%2e/etc/passwd', 'a/../../x', '/etc/passwd'])
      expect(safeJoin(root, evil)?.startsWith('/srv/app/') ?? true, evil).toBe(true);
    expect(safeJoin(root, 'a\0b')).toBeNull();
    expect(safeJoin(root, '%E0%A4%A')).toBeNull();
  });
});

describe('acceptedEncodings', () => {
  const asked = (header: string | undefined) => acceptedEncodings({ headers: header === undefined ? {} : { 'accept-encoding': header } } as IncomingMessage);
  it('puts br first on a tie, as browsers list gzip before it', () => {
    expect(asked('gzip, deflate, br')).toEqual(['br', 'gzip', 'identity']);
    expect(asked('gzip, deflate, br, zstd')).toEqual(['br', 'gzip', 'identity']);
    expect(asked('*')).toEqual(['br', 'gzip', 'identity']);
  });
  it('honours q-values, refusals and their absence', () => {
    expect(asked('gzip;q=0.5, br;q=0.4')).toEqual(['gzip', 'br', 'identity']);
    expect(asked('br;q=0, gzip')).toEqual(['gzip', 'identity']);
    expect(asked('gzip;q=0, br;q=0')).toEqual(['identity']);
    expect(asked('br, identity;q=0')).toEqual(['br']);
    expect(asked('')).toEqual(['identity']);
  });
});
