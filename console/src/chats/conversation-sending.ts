import type { ApiError } from '@livechat/chat-client/errors';
import type { Client } from '@urql/core';
import { createEffect, on, onMount, type Accessor } from 'solid-js';
import { errorMessage } from '../api';
import { showToast } from '../ui/toasts';
import { sendAttachment, sendMessage } from './chat-data';
import { newClientMessageId } from '@livechat/chat-client/client-message-id';
import type { ConversationMode, ConversationState } from './conversation-state';
import { loadOutbox, saveOutbox } from './outbox';

/**
 * Sending in the open conversation: each outgoing message goes to the server once, what is still
 * on its way is kept in this browser's outbox, and what was left there on an earlier page goes out
 * (or is shown as not sent, with why) when the conversation opens and after a reconnect.
 */
export function createConversationSender(options: {
  client: Client;
  sessionId: string;
  conversation: ConversationState;
  meId: Accessor<string | undefined>;
  mode: Accessor<ConversationMode>;
  /** Who handles the chat now, for the reason text left unsent cannot go out. */
  agentName: Accessor<string | undefined>;
  reconnects: Accessor<number>;
}) {
  const { client, conversation } = options;
  const state = conversation.state;
  // Stored: text still on its way, or waiting for the connection. Text the server refused is
  // shown as failed with the reason, and is not tried again by itself.
  const persistOutbox = () =>
    saveOutbox(
      options.meId()!,
      options.sessionId,
      state.outgoing
        .filter((o) => !o.file && (o.state === 'sending' || o.retryable))
        .map((o) => ({ clientMessageId: o.clientMessageId, body: o.body, createdAt: o.createdAt })),
    );
  /** Why text left unsent cannot go out now, or null when this agent handles the chat. */
  const cannotSend = () =>
    options.mode() === 'handling'
      ? null
      : options.mode() === 'ended'
        ? 'this chat has ended.'
        : options.mode() === 'listening' || options.mode() === 'transferred'
          ? `${options.agentName() ?? 'Another agent'} handles this chat now.`
          : 'you are not handling this chat.';

  async function deliver(clientMessageId: string) {
    const outgoing = state.outgoing.find((o) => o.clientMessageId === clientMessageId);
    if (!outgoing) return;
    conversation.markSending(clientMessageId);
    try {
      const message = outgoing.file
        ? await sendAttachment(client, options.sessionId, outgoing.file, clientMessageId, outgoing.body || null)
        : await sendMessage(client, options.sessionId, outgoing.body, clientMessageId);
      conversation.addMessages([message]);
    } catch (caught) {
      conversation.markFailed(clientMessageId, errorMessage(caught), (caught as ApiError).isNetwork === true);
    }
    persistOutbox();
  }

  function sendFiles(files: File[]) {
    if (options.mode() !== 'handling') {
      showToast({ tone: 'error', message: 'Files can only be sent in a chat you are handling.' });
      return;
    }
    for (const file of files) {
      const clientMessageId = newClientMessageId();
      const previewUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
      conversation.addOutgoing({ clientMessageId, body: '', createdAt: new Date().toISOString(), file, previewUrl });
      void deliver(clientMessageId);
    }
  }

  /** Sends text that is waiting, if this agent handles the chat; otherwise shows it as not sent, with why. */
  function sendWaiting(clientMessageIds: string[]) {
    const reason = cannotSend();
    for (const id of clientMessageIds) {
      if (reason) conversation.markFailed(id, reason, false);
      else void deliver(id);
    }
    persistOutbox();
  }

  // Text this agent left unsent on an earlier page (reload, crash) goes out now; the server stores it once.
  onMount(() => {
    const confirmed = new Set(state.messages.map((m) => m.clientMessageId));
    const waiting = loadOutbox(options.meId()!, options.sessionId).filter((stored) => !confirmed.has(stored.clientMessageId));
    for (const stored of waiting) conversation.addOutgoing(stored);
    sendWaiting(waiting.map((w) => w.clientMessageId));
  });

  // Sends that failed for lack of a connection go again once it is back.
  createEffect(
    on(options.reconnects, () => sendWaiting(state.outgoing.filter((o) => o.state === 'failed' && o.retryable).map((o) => o.clientMessageId)), { defer: true }),
  );

  return { deliver, persistOutbox, sendFiles };
}
