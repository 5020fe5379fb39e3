import { Show } from 'solid-js';
import { errorMessage } from '../api';

/** An error from the API (or a message) in a red box, announced to screen readers; nothing when empty. */
export function ErrorNotice(props: { error: unknown }) {
  return (
    <Show when={props.error}>
      <p class="notice notice-error" role="alert">
        {typeof props.error === 'string' ? props.error : errorMessage(props.error)}
      </p>
    </Show>
  );
}
