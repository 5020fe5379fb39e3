import { Show } from 'solid-js';

/** A small count pill; the number is shown, the label is read by screen readers. Hidden at 0. */
export function CountBadge(props: { count: number; label: (count: number) => string; tone?: 'neutral' | 'alert' | 'accent' }) {
  return (
    <Show when={props.count > 0}>
      <span class={`count-badge count-badge-${props.tone ?? 'neutral'}`}>
        <span aria-hidden="true">{props.count > 99 ? '99+' : props.count}</span>
        <span class="sr-only">{props.label(props.count)}</span>
      </span>
    </Show>
  );
}
