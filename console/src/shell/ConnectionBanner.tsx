import { createEffect, on, Show } from 'solid-js';
import { useRuntime } from '../runtime';
import { showToast } from '../ui/toasts';

/** While the socket is down: a banner saying so; once back, a short confirmation. */
export function ConnectionBanner() {
  const { socketStatus, reconnects } = useRuntime();
  createEffect(
    on(reconnects, (count) => {
      if (count > 0) showToast({ tone: 'success', message: 'Reconnected. Conversations are up to date.' });
    }, { defer: true }),
  );
  return (
    <Show when={socketStatus() === 'reconnecting'}>
      <div class="connection-banner" role="alert">
        <span class="spinner spinner-small" aria-hidden="true" />
        <span>
          <strong>Connection lost.</strong> Reconnecting… Nothing you send is lost: it goes out when the connection is back.
        </span>
      </div>
    </Show>
  );
}
