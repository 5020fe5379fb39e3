import type { BusTopic, EventBus } from '../pubsub';
import { abortable } from './chat-events';

export interface SignalStreamOptions<S, T> {
  /** What to listen to; each (topic, key) pair is a bus route. */
  routes: readonly (readonly [BusTopic, string])[];
  /** Recomputes the value to emit from the signals gathered since the last emission. */
  compute: (signals: S[]) => Promise<T>;
  /** Signals within this window are merged into one recomputation. */
  coalesceMs: number;
  /** Emit once right away, before any signal. */
  emitInitial: boolean;
}

/**
 * A live feed derived from bus signals: bursts are coalesced, so a busy channel costs one
 * recomputation per window, not one per event. A Redis resync counts as a signal too.
 */
export function signalStream<S, T>(bus: EventBus, options: SignalStreamOptions<S, T>): AsyncIterableIterator<T> {
  return abortable(async function* (signal) {
    let pending: S[] = [];
    let dirty = options.emitInitial;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const onSignal = (payload: unknown) => {
      pending.push(payload as S);
      dirty = true;
      notify();
    };
    const stops = options.routes.map(([topic, key]) => bus.listen(topic, key, onSignal));
    stops.push(bus.onResync(() => onSignal({ reason: 'resync' })));
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
        yield await options.compute(signals);
        if (options.coalesceMs > 0 && !signal.aborted)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, options.coalesceMs);
            signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
          });
      }
    } finally {
      stops.forEach((stop) => stop());
      signal.removeEventListener('abort', notify);
    }
  });
}
