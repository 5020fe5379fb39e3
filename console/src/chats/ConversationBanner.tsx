import { Match, Show, Switch } from 'solid-js';
import { formatDateTime, formatRelative } from '../ui/format';
import { HeadphonesIcon, TransferIcon, WarningIcon } from '../ui/icons';
import type { ConversationMode } from './conversation-state';
import type { ConversationSession } from './operations';

export function StatusPill(props: { mode: ConversationMode; status: string }) {
  const label = () =>
    ({
      handling: 'Active',
      queued: 'Waiting',
      offered: 'Offered to you',
      transferred: 'Transferred',
      listening: 'Listening in',
      ended: props.status === 'ENDED' ? 'Ended' : props.status.toLowerCase(),
    })[props.mode];
  return <span class={`status-pill status-${props.mode}`}>{label()}</span>;
}

export function ConversationBanner(props: {
  mode: ConversationMode;
  session: ConversationSession;
  meId: string | undefined;
  busy: boolean;
  onAcceptQueued(): void;
  onCancelTransfer(id: string): void;
  onAnswerTransfer(id: string, accept: boolean): void;
}) {
  const transfer = () => props.session.pendingTransfer;
  return (
    <Switch>
      <Match when={transfer() && transfer()!.fromAgent.id === props.meId}>
        <div class="conversation-banner banner-warning" role="status">
          <WarningIcon />
          <span>
            Waiting for <strong>{transfer()!.toAgent.name}</strong> to accept the transfer (offered {formatRelative(transfer()!.createdAt)}). The chat stays
            yours until then.
          </span>
          <button type="button" class="button button-small" disabled={props.busy} onClick={() => props.onCancelTransfer(transfer()!.id)}>
            Cancel transfer
          </button>
        </div>
      </Match>
      <Match when={props.mode === 'offered'}>
        <div class="conversation-banner banner-warning" role="status">
          <TransferIcon />
          <span>
            <strong>{transfer()!.fromAgent.name}</strong> wants to transfer this chat to you.
            <Show when={transfer()!.note}> “{transfer()!.note}”</Show>
          </span>
          <button type="button" class="button button-primary button-small" disabled={props.busy} onClick={() => props.onAnswerTransfer(transfer()!.id, true)}>
            Accept
          </button>
          <button type="button" class="button button-small" disabled={props.busy} onClick={() => props.onAnswerTransfer(transfer()!.id, false)}>
            Reject
          </button>
        </div>
      </Match>
      <Match when={props.mode === 'queued'}>
        <div class="conversation-banner banner-info" role="status">
          <span>This visitor is waiting in the queue.</span>
          <button type="button" class="button button-primary button-small" disabled={props.busy} onClick={() => props.onAcceptQueued()}>
            Answer
          </button>
        </div>
      </Match>
      <Match when={props.mode === 'listening'}>
        <div class="conversation-banner banner-info" role="status">
          <HeadphonesIcon />
          <span>Listening in to {props.session.agent?.displayName ?? 'an agent'}’s chat. Read-only; nobody is told.</span>
        </div>
      </Match>
      <Match when={props.mode === 'ended' && props.session.endedAt}>
        <div class="conversation-banner banner-muted" role="status">
          <span>
            Ended {formatDateTime(props.session.endedAt!)}
            {props.session.endedBy ? ` by ${props.session.endedBy === 'IDLE' ? 'inactivity' : props.session.endedBy.toLowerCase()}` : ''}.
            <Show when={props.session.rating}>
              {' '}
              Rated {props.session.rating}/5{props.session.ratingComment ? `: “${props.session.ratingComment}”` : ''}.
            </Show>
          </span>
        </div>
      </Match>
    </Switch>
  );
}
