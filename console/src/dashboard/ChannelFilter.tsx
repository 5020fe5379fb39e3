import { For, Show } from 'solid-js';

const storageKey = 'livechat.console.dashboardChannels';

/** The saved selection: null means all channels. */
export function loadChannelSelection(): string[] | null {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as unknown;
    return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

export function saveChannelSelection(ids: string[] | null) {
  if (ids?.length) localStorage.setItem(storageKey, JSON.stringify(ids));
  else localStorage.removeItem(storageKey);
}

interface ChannelFilterProps {
  channels: { id: string; name: string }[];
  loading?: boolean;
  /** null: all channels. */
  selection: string[] | null;
  onChange(selection: string[] | null): void;
}

/** "All channels" or any set of them, as toggle buttons. Deselecting the last one means all again. */
export function ChannelFilter(props: ChannelFilterProps) {
  const isSelected = (id: string) => props.selection?.includes(id) ?? false;
  function toggle(id: string) {
    const current = props.selection ?? [];
    const next = current.includes(id) ? current.filter((c) => c !== id) : [...current, id];
    // Channels the agent left since the choice was saved are dropped with the next change.
    const known = next.filter((c) => props.channels.some((ch) => ch.id === c));
    props.onChange(known.length === 0 || known.length === props.channels.length ? null : known);
  }
  return (
    <div class="channel-filter" role="group" aria-label="Channels shown">
      <button
        type="button"
        class="chip"
        classList={{ 'is-selected': props.selection === null }}
        aria-pressed={props.selection === null}
        onClick={() => props.onChange(null)}
      >
        All channels
      </button>
      <Show when={!props.loading} fallback={<span class="muted small">Loading channels…</span>}>
        <For each={props.channels}>
          {(channel) => (
            <button
              type="button"
              class="chip"
              classList={{ 'is-selected': isSelected(channel.id) }}
              aria-pressed={isSelected(channel.id)}
              onClick={() => toggle(channel.id)}
            >
              {channel.name}
            </button>
          )}
        </For>
      </Show>
    </div>
  );
}
