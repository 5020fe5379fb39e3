import { Show } from 'solid-js';

export interface LauncherProps {
  /** The channel's badge header. */
  label: string;
  open: boolean;
  /** Agent messages the visitor has not seen; shown while the widget is minimised. */
  unread: number;
  unreadLabel: string;
  onToggle: () => void;
}

export function Launcher(props: LauncherProps) {
  return (
    <button type="button" class="launcher" aria-expanded={props.open} on:click={() => props.onToggle()}>
      <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16h-.5A.5.5 0 0 1 4 15.5z" />
      </svg>
      <span>{props.label}</span>
      <Show when={!props.open && props.unread > 0}>
        <span class="badge" role="img" aria-label={props.unreadLabel}>
          {props.unread}
        </span>
      </Show>
    </button>
  );
}
