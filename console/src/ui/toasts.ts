import { createSignal } from 'solid-js';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  message: string;
  action?: { label: string; run: () => void };
}

const [toasts, setToasts] = createSignal<Toast[]>([]);

/** The toasts on screen, oldest first. */
export { toasts };
let nextId = 1;

/** Shows a short message at the bottom of the screen; errors stay until dismissed. */
export function showToast(toast: Omit<Toast, 'id'>, timeoutMs = toast.tone === 'error' ? 0 : 5000): number {
  const id = nextId++;
  setToasts((list) => [...list.slice(-4), { ...toast, id }]);
  if (timeoutMs > 0) setTimeout(() => dismissToast(id), timeoutMs);
  return id;
}

export function dismissToast(id: number) {
  setToasts((list) => list.filter((t) => t.id !== id));
}
