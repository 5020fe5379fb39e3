import { For, Show } from 'solid-js';
import { dismissToast, toasts } from './toasts';

/** Where toasts appear; screen readers hear them as they come. */
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
