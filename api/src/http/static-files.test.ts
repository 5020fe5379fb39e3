import { describe, expect, it } from 'vitest';
import { safeJoin } from './static-files';

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
