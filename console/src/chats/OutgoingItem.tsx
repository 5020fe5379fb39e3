import { Show } from 'solid-js';
import type { OutgoingMessage } from './conversation-state';
import { PaperclipIcon } from '../ui/icons';

export function OutgoingItem(props: { message: OutgoingMessage; onRetry(id: string): void; onDiscard(id: string): void }) {
  const m = () => props.message;
  return (
    <li class="message message-agent message-outgoing" classList={{ 'message-failed': m().state === 'failed' }}>
      <div class="bubble">
        <Show when={m().previewUrl}>
          <img class="attachment-image attachment-image-pending" src={m().previewUrl} alt={m().file?.name ?? ''} />
        </Show>
        <Show when={m().file && !m().previewUrl}>
          <span class="attachment-file">
            <PaperclipIcon /> {m().file!.name}
          </span>
        </Show>
        <Show when={m().body}>
          <p class="message-body">{m().body}</p>
        </Show>
      </div>
      <span class="message-meta">
        <Show
          when={m().state === 'failed'}
          fallback={
            <span class="muted" role="status">
              {m().file ? 'Uploading…' : 'Sending…'}
            </span>
          }
        >
          <span class="send-error" role="alert">
            Not sent: {m().error}
          </span>
          <button type="button" class="link-button" onClick={() => props.onRetry(m().clientMessageId)}>
            Retry
          </button>
          <button type="button" class="link-button link-button-muted" onClick={() => props.onDiscard(m().clientMessageId)}>
            Discard
          </button>
        </Show>
      </span>
    </li>
  );
}
