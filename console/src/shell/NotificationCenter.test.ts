import { describe, expect, it } from 'vitest';
import { warningDueInMs } from './NotificationCenter';

describe('warningDueInMs', () => {
  it('counts from the wait the server reported, minus the time since', () => {
    // 5-minute threshold, 4 minutes waited, read 10 s ago: 50 s to go.
    expect(warningDueInMs(5, 240, 10_000)).toBe(50_000);
    expect(warningDueInMs(1, 0, 0)).toBe(60_000);
  });

  it('is due at once for a chat already past the threshold', () => {
    expect(warningDueInMs(5, 301, 0)).toBe(0);
    expect(warningDueInMs(5, 290, 20_000)).toBe(0);
  });
});
