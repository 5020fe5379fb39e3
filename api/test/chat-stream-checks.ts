import type { PrismaClient } from '../src/generated/prisma/client';
import type { Subscription } from './harness';

/** The stored cursors a `chatEvents` subscription received, in arrival order (TYPING has none). */
export function cursorsOf(sub: Subscription): number[] {
  return sub
    .values()
    .map((v) => v.chatEvents.cursor as number | null)
    .filter((c): c is number => c !== null);
}

/** The cursors a subscriber should see, from the database: every event, or only `audience: ALL` ones for visitors. */
export async function storedCursors(prisma: PrismaClient, sessionId: string, who: 'agent' | 'visitor', after = 0): Promise<number[]> {
  const rows = await prisma.chatEvent.findMany({ where: { sessionId, seq: { gt: after } }, orderBy: { seq: 'asc' }, select: { seq: true, payload: true } });
  return rows.filter((r) => who === 'agent' || (r.payload as { audience?: string }).audience === 'ALL').map((r) => r.seq);
}

export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true, or fails after `timeoutMs` with `what`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Records whether a subscription ended (completed or errored), so a test can assert it never did. */
export function endedFlag(sub: Subscription): () => boolean {
  let ended = false;
  void sub.ended.then(() => (ended = true));
  return () => ended;
}
