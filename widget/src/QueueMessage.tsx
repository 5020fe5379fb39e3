import { Show } from 'solid-js';
import type { QueueState } from './chat-store';
import { queueText } from './format';

export interface QueueMessageProps {
  /** The channel's queue message, with `{queuePosition}` and `{averageWait}`. */
  template: string;
  /** Null until the first queueStatus arrives. */
  queue: QueueState | null;
  waitingText: string;
}

/** The waiting visitor's place in line; read out by screen readers as it changes. */
export function QueueMessage(props: QueueMessageProps) {
  return (
    <p class="queue" role="status">
      <Show when={props.queue} fallback={props.waitingText}>
        {(queue) => <>{queueText(props.template, queue().position, queue().averageWaitSeconds)}</>}
      </Show>
    </p>
  );
}
