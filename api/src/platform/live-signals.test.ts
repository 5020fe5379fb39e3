import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus, type ChannelSignal } from './pubsub';
import { signalStream } from './live-signals';

const bus = createEventBus();
const streams: AsyncIterableIterator<unknown>[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.return?.();
});

/** A feed of channel `c1` that records each recomputation's signals. */
function feed(lowEveryMs: number) {
  const computed: ChannelSignal[][] = [];
  const stream = signalStream<ChannelSignal, number>(bus, {
    routes: [['channel', 'c1']],
    coalesceMs: 0,
    emitInitial: true,
    lowPriority: { when: (signal) => signal.activity === true, everyMs: lowEveryMs },
    compute: async (signals) => computed.push(signals),
  });
  streams.push(stream);
  return { stream, computed };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('signalStream low-priority signals', () => {
  it('holds activity back until its interval, then recomputes once for all of it', async () => {
    const { stream, computed } = feed(300);
    await stream.next(); // the initial value
    const next = stream.next();
    for (let i = 0; i < 5; i++) bus.publish('channel', 'c1', { reason: 'sessions', sessionId: `s${i}`, activity: true });
    await pause(100);
    expect(computed).toHaveLength(1);
    await next;
    expect(computed).toHaveLength(2);
    expect(computed[1]!.map((s) => s.sessionId)).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  it('lets any other signal through at once, carrying the waiting activity with it', async () => {
    const { stream, computed } = feed(60_000);
    await stream.next();
    bus.publish('channel', 'c1', { reason: 'sessions', sessionId: 'message', activity: true });
    await pause(50);
    expect(computed).toHaveLength(1);
    bus.publish('channel', 'c1', { reason: 'queue', sessionId: 'claimed' });
    await stream.next();
    expect(computed[1]!.map((s) => s.sessionId)).toEqual(['message', 'claimed']);
  });
});
