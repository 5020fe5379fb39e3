/**
 * The wait before retry number `attempt` (0 first): `firstMs` doubling each time up to `maxMs`,
 * times a random factor between `jitter`'s two bounds, so clients cut off together do not all
 * come back at once. Without `jitter` the wait is exact.
 */
export function backoffMs(attempt: number, firstMs: number, maxMs: number, jitter: readonly [number, number] = [1, 1]): number {
  return Math.min(maxMs, firstMs * 2 ** attempt) * (jitter[0] + Math.random() * (jitter[1] - jitter[0]));
}
