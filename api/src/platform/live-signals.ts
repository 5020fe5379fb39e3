import type { BusTopic, EventBus } from './pubsub';
import { abortable } from './async-iterators';

export type BusRoute = readonly [BusTopic, string];

export interface SignalStreamOptions<S, T> {
  /** What to listen to; each (topic, key) pair is a bus route. */
  routes: readonly BusRoute[];
  /**
   * For feeds whose routes depend on memberships: when a signal matches `when` (a resync always
   * does), the routes are read again before the next recomputation, so the running feed follows
   * the change. Routes read here replace `routes`.
   */
  reroute?: { when: (signal: S) => boolean; read: () => Promise<readonly BusRoute[]> };
  /** Drops signals this feed has no use for (a route may carry more than it needs). */
  accepts?: (topic: BusTopic, signal: S) => boolean;
  /**
   * Recomputes the value to emit from the signals gathered since the last emission. `receivedAt`
   * (performance.now()) is when the newest of them arrived, or when the feed started: a value
   * read after it is fresh enough to emit, so feeds of the same data can share one read.
   */
  compute: (signals: S[], receivedAt: number) => Promise<T>;
  /** Signals within this window are merged into one recomputation. */
  coalesceMs: number;
  /**
   * Signals that may wait: they recompute at most once per `everyMs` on their own, and ride
   * along with the next other signal sooner (a busy channel's messages do not redraw every
   * dashboard on every message).
   */
  lowPriority?: { when: (signal: S) => boolean; everyMs: number };
  /** Emit once right away, before any signal. */
  emitInitial: boolean;
}

export const RESYNC_SIGNAL = { reason: 'resync' } as const;

/**
 * A live feed derived from bus signals: bursts are coalesced, so a busy channel costs one
 * recomputation per window, not one per event. A Redis resync counts as a signal too.
 */
export function signalStream<S, T>(bus: EventBus, options: SignalStreamOptions<S, T>): AsyncIterableIterator<T> {
  return abortable(async function* (signal) {
    let pending: S[] = [];
    let dirty = options.emitInitial;
    let receivedAt = performance.now();
    let wake: (() => void) | null = null;
    let lastEmitAt = -Infinity;
    let lowTimer: ReturnType<typeof setTimeout> | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const markDirty = () => {
      dirty = true;
      notify();
    };
    const onSignal = (topic: BusTopic | null, payload: unknown) => {
      if (topic && options.accepts && !options.accepts(topic, payload as S)) return;
      pending.push(payload as S);
      receivedAt = performance.now();
      const low = options.lowPriority;
      if (topic && low?.when(payload as S)) {
        if (!dirty && !lowTimer) {
          const fire = () => {
            lowTimer = null;
            markDirty();
          };
          lowTimer = setTimeout(fire, Math.max(0, lastEmitAt + low.everyMs - receivedAt));
        }
        return;
      }
      markDirty();
    };
    const listening = new Map<string, () => void>();
    /** Listens to exactly these routes: new ones are added, dropped ones stopped, the rest kept (no gap). */
    const listenTo = (routes: readonly BusRoute[]) => {
      const wanted = new Map(routes.map((route) => [`${route[0]}\u0000${route[1]}`, route]));
      for (const [key, stop] of listening)
        if (!wanted.has(key)) {
          stop();
          listening.delete(key);
        }
      for (const [key, [topic, id]] of wanted)
        if (!listening.has(key))
          listening.set(
            key,
            bus.listen(topic, id, (payload) => onSignal(topic, payload)),
          );
    };
    listenTo(options.routes);
    const stopResync = bus.onResync(() => onSignal(null, RESYNC_SIGNAL));
    signal.addEventListener('abort', notify);
    try {
      while (!signal.aborted) {
        if (!dirty) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const signals = pending;
        pending = [];
        dirty = false;
        if (lowTimer) clearTimeout(lowTimer);
        lowTimer = null;
        const { reroute } = options;
        // New routes listen before the recomputation reads the database, so nothing falls between.
        if (reroute && signals.some((s) => s === RESYNC_SIGNAL || reroute.when(s))) listenTo(await reroute.read());
        if (signal.aborted) break;
        const value = await options.compute(signals, receivedAt);
        lastEmitAt = performance.now();
        yield value;
        if (options.coalesceMs > 0 && !signal.aborted)
          await new Promise<void>((resolve) => {
            const onAbort = () => {
              clearTimeout(timer);
              resolve();
            };
            const timer = setTimeout(() => {
              signal.removeEventListener('abort', onAbort);
              resolve();
            }, options.coalesceMs);
            signal.addEventListener('abort', onAbort, { once: true });
          });
      }
    } finally {
      if (lowTimer) clearTimeout(lowTimer);
      for (const stop of listening.values()) stop();
      stopResync();
      signal.removeEventListener('abort', notify);
    }
  });
}
