import type { Client } from '@urql/core';
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ConversationState } from './conversation-state';
import { markRead, setTyping } from './chat-data';

/**
 * Tells the visitor this agent is typing: "started" on the first text, "stopped" after 4 s
 * without input, on an empty draft, on sending and when the conversation closes.
 */
export function createTypingSignal(client: Client, sessionId: string) {
  let typingSent = false;
  let typingIdle: ReturnType<typeof setTimeout> | undefined;
  function stop() {
    clearTimeout(typingIdle);
    if (typingSent) {
      typingSent = false;
      void setTyping(client, sessionId, false).catch(() => undefined);
    }
  }
  function typed(value: string) {
    if (value.trim() && !typingSent) {
      typingSent = true;
      void setTyping(client, sessionId, true).catch(() => undefined);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stop, value.trim() ? 4000 : 0);
  }
  onCleanup(stop);
  return { typed, stop };
}

/** Marks the newest message read while this agent handles the chat and the page is visible. */
export function markReadWhileShown(options: { client: Client; sessionId: string; conversation: ConversationState; handling: Accessor<boolean> }) {
  const { state } = options.conversation;
  const [pageVisible, setPageVisible] = createSignal(document.visibilityState !== 'hidden');
  const onVisibility = () => setPageVisible(document.visibilityState !== 'hidden');
  document.addEventListener('visibilitychange', onVisibility);
  onCleanup(() => document.removeEventListener('visibilitychange', onVisibility));

  let readInFlight = 0;
  createEffect(() => {
    if (!options.handling() || !pageVisible()) return;
    const newest = state.messages.length ? state.messages[state.messages.length - 1]!.cursor : 0;
    // Only visitor messages are unread for the agent: their own replies need no receipt.
    const newestFromVisitor = state.messages.findLast((m) => m.authorKind === 'VISITOR')?.cursor ?? 0;
    if (newestFromVisitor <= state.agentReadCursor || newestFromVisitor <= readInFlight) return;
    readInFlight = newest;
    markRead(options.client, options.sessionId, newest)
      .then(() => {
        // The list's unread count follows from agentEvents' row for this chat, not a list refresh.
        options.conversation.markReadLocally(newest);
      })
      .catch(() => {
        readInFlight = 0;
      });
  });
}
