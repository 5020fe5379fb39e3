import { createSignal, For, Show } from 'solid-js';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  message: string;
  action?: { label: string; run: () => void };
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
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

export function ToastRegion() {
  return (
    <div class="toast-region" aria-live="polite" aria-relevant="additions">
      <For each={toasts()}>
        {(toast) => (
          <div class={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
            <span class="toast-message">{toast.message}</span>
            <Show when={toast.action}>
              {(action) => (
                <button
                  type="button"
                  class="button button-small"
                  onClick={() => {
                    action().run();
                    dismissToast(toast.id);
                  }}
                >
                  {action().label}
                </button>
              )}
            </Show>
            <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
