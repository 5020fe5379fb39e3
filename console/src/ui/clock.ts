import { createSignal, onCleanup, type Accessor } from 'solid-js';

/** Date.now() as a signal that ticks every `intervalMs`, for live waits; stops with its owner. */
export function createNow(intervalMs = 1000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
