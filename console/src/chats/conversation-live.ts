import type { Client } from '@urql/core';
import type { Client as WsClient } from 'graphql-ws';
import { createEffect, on, onCleanup, type Accessor } from 'solid-js';
import { showToast } from '../ui/toasts';
import { loadConversationSession } from './chat-data';
import { followChatEvents } from './chat-events';
import { resumeCursor, type ConversationState } from './conversation-state';
import type { ConversationSession } from './operations';

/**
 * Keeps the open conversation live: its chat events from the last cursor (resumed after any
 * reconnect), the session fetched again when an event or a reconnect may have changed it, and
 * typing indicators that fade when their "stopped" never comes. Stops with the owner.
 */
export function followConversation(options: {
  client: Client;
  socket: WsClient;
  reconnects: Accessor<number>;
  sessionId: string;
  initialSession: ConversationSession;
  conversation: ConversationState;
  meId: Accessor<string | undefined>;
  setSession(session: ConversationSession): void;
  /** null: events flow again. */
  onStreamError(message: string | null): void;
  /** The contact's records may have changed (a request was created from this chat). */
  onCrmChanged(): void;
}) {
  const { conversation, meId } = options;
  const state = conversation.state;

  const stop = followChatEvents(options.socket, options.sessionId, resumeCursor(options.initialSession.lastEventSeq, state.messages), {
    onEvent(event) {
      options.onStreamError(null);
      conversation.applyEvent(event);
      if (event.message?.systemType === 'REQUEST_CREATED') options.onCrmChanged();
      // VISITOR_UPDATED: the website identified the visitor (new details, or verified or not any more).
      if (['AGENT_JOINED', 'STATUS_CHANGED', 'CONTACT_LINKED', 'VISITOR_UPDATED'].includes(event.type) || event.type.startsWith('TRANSFER_'))
        void refreshSession();
      const transfer = event.transfer;
      if (event.type === 'TRANSFER_REJECTED' && transfer && transfer.fromAgent.id === meId())
        showToast({ tone: 'info', message: `${transfer.toAgent.displayName} declined the transfer. The chat stays with you.` });
      if (event.type === 'TRANSFER_ACCEPTED' && transfer && transfer.fromAgent.id === meId())
        showToast({ tone: 'success', message: `${transfer.toAgent.displayName} accepted the transfer. You can follow the chat read-only.` });
    },
    onError(message) {
      options.onStreamError(message);
    },
  });
  onCleanup(stop);

  // Typing indicators are live only; one that never got its "stopped" fades out.
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      () => [state.visitorTyping, state.agentTyping] as const,
      ([visitor, agent]) => {
        clearTimeout(typingTimer);
        if (visitor || agent)
          typingTimer = setTimeout(() => {
            conversation.stopTyping('VISITOR');
            conversation.stopTyping('AGENT');
          }, 8000);
      },
    ),
  );
  onCleanup(() => clearTimeout(typingTimer));

  async function refreshSession() {
    try {
      const fresh = await loadConversationSession(options.client, options.sessionId);
      options.setSession(fresh);
      conversation.setStatus(fresh.status);
    } catch {
      // Losing access (e.g. after a transfer) leaves the last known state on screen.
    }
  }
  // A reconnect may have missed changes that are not chat events (e.g. a transfer's note).
  createEffect(on(options.reconnects, () => void refreshSession(), { defer: true }));

  return { refreshSession };
}
