import { describe, expect, it } from 'vitest';
import { isLinkExpired } from './attachment-links';

describe('signed attachment links', () => {
  const link = (expires: number) => `https://chat.example.com/attachments/4d8f/a.png?token=${expires}.${'x'.repeat(43)}`;

  it('counts a link as expired a few seconds early, and a link without a token never', () => {
    const now = 1_900_000_000_000;
    expect(isLinkExpired(link(now / 1000 + 60), now)).toBe(false);
    expect(isLinkExpired(link(now / 1000 + 2), now)).toBe(true);
    expect(isLinkExpired(link(now / 1000 - 1), now)).toBe(true);
    expect(isLinkExpired('https://chat.example.com/attachments/4d8f/a.png', now)).toBe(false);
  });
});
