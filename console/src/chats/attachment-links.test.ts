import { describe, expect, it } from 'vitest';
import { isLinkExpired, linkExpiresAt } from './attachment-links';

describe('signed attachment links', () => {
  const link = (expires: number) => `/attachments/4d8f/a.png?token=${expires}.${'x'.repeat(43)}`;

  it('reads the expiry from the token', () => {
    expect(linkExpiresAt(link(1_900_000_000))).toBe(1_900_000_000_000);
    expect(linkExpiresAt('/attachments/4d8f/a.png')).toBeNull();
  });

  it('counts a link as expired a few seconds early, and a link without a token never', () => {
    const now = 1_900_000_000_000;
    expect(isLinkExpired(link(now / 1000 + 60), now)).toBe(false);
    expect(isLinkExpired(link(now / 1000 + 2), now)).toBe(true);
    expect(isLinkExpired(link(now / 1000 - 1), now)).toBe(true);
    expect(isLinkExpired('/attachments/4d8f/a.png', now)).toBe(false);
  });
});
