import { createEffect, Match, on, Switch } from 'solid-js';
import { useRuntime } from '../runtime';
import { showToast } from '../ui/toasts';

/** While the socket is down: a banner saying so (and why, when the server is limiting us); once back, a short confirmation. */
export function ConnectionBanner() {
  const { socketStatus, reconnects } = useRuntime();
  createEffect(
    on(
      reconnects,
      (count) => {
        if (count > 0) showToast({ tone: 'success', message: 'Reconnected. Conversations are up to date.' });
      },
      { defer: true },
    ),
  );
  return (
    <Switch>
      <Match when={socketStatus() === 'reconnecting'}>
        <div class="connection-banner" role="alert">
          <span class="spinner spinner-small" aria-hidden="true" />
          <span>
            <strong>Connection lost.</strong> Reconnecting… Nothing you send is lost: it goes out when the connection is back.
          </span>
        </div>
      </Match>
      <Match when={socketStatus() === 'limited'}>
        <div class="connection-banner" role="alert">
          <span class="spinner spinner-small" aria-hidden="true" />
          <span>
            <strong>Live updates paused.</strong> The server refused this connection: too many connections or requests from your network. Reconnecting in about
            a minute; close console tabs you do not need. Nothing you send is lost.
          </span>
        </div>
      </Match>
    </Switch>
  );
}
