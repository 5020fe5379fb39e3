import { Show } from 'solid-js';

/** One row of a facts list; left out when empty unless `always` (then "not given"). */
export function Fact(props: { label: string; value: string | null | undefined; always?: boolean; link?: string }) {
  return (
    <Show when={props.value || props.always}>
      <div>
        <dt>{props.label}</dt>
        <dd>
          <Show when={props.value} fallback={<span class="muted">not given</span>}>
            <Show when={props.link} fallback={props.value}>
              <a href={props.link}>{props.value}</a>
            </Show>
          </Show>
        </dd>
      </div>
    </Show>
  );
}
