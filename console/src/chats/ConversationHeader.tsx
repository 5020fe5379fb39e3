import { Show } from 'solid-js';
import { formatRelative, visitorLabel } from '../ui/format';
import type { ConversationMode } from './conversation-state';
import { StatusPill } from './ConversationBanner';
import type { ConversationSession } from './operations';

/** Who the chat is with, its status, and what this agent can do with it. */
export function ConversationHeader(props: {
  session: ConversationSession;
  mode: ConversationMode;
  status: string;
  busy: boolean;
  isManager: boolean;
  panelOpen: boolean;
  onTogglePanel(): void;
  onOpenDialog(dialog: 'transfer' | 'request' | 'end'): void;
  onTakeOver(): void;
}) {
  return (
    <header class="conversation-header">
      <div class="conversation-title">
        <h2 id="conversation-title">{visitorLabel(props.session.visitor)}</h2>
        <p class="muted small">
          {props.session.channel.name}
          <Show when={props.session.visitor.email}>
            {' · '}
            {props.session.visitor.email}
            <Show when={props.session.visitor.emailVerified}>
              {' '}
              <span class="verified" title="The website vouched for this email with a signed identity for this channel">
                ✓ verified
              </span>
            </Show>
          </Show>
          <Show when={props.session.startedAt}> · started {formatRelative(props.session.startedAt!)}</Show>
        </p>
      </div>
      <StatusPill mode={props.mode} status={props.status} />
      <div class="conversation-actions" role="toolbar" aria-label="Chat actions">
        <button type="button" class="button panel-toggle" aria-expanded={props.panelOpen} aria-controls="contact-panel" onClick={() => props.onTogglePanel()}>
          Contact
        </button>
        <Show when={props.mode === 'handling'}>
          <button type="button" class="button" disabled={props.busy || !!props.session.pendingTransfer} onClick={() => props.onOpenDialog('transfer')}>
            Transfer
          </button>
        </Show>
        <Show when={props.mode !== 'queued'}>
          <button type="button" class="button" disabled={props.busy} onClick={() => props.onOpenDialog('request')}>
            Create request
          </button>
        </Show>
        <Show when={props.mode === 'listening' && props.isManager}>
          <button type="button" class="button" disabled={props.busy} onClick={() => props.onTakeOver()}>
            Take over
          </button>
        </Show>
        <Show when={props.mode === 'handling' || (props.isManager && (props.mode === 'listening' || props.mode === 'queued'))}>
          <button type="button" class="button button-danger" disabled={props.busy} onClick={() => props.onOpenDialog('end')}>
            End chat
          </button>
        </Show>
      </div>
    </header>
  );
}
