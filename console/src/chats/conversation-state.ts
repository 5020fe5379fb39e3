import { batch } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { ResultOf } from '../graphql';
import type { ChatEvent } from './chat-events';
import type { MessageFields } from './chat-fragments';

export type ServerMessage = ResultOf<typeof MessageFields>;

/** A message this console is sending or failed to send; it stays until the server has it. */
export interface OutgoingMessage {
  clientMessageId: string;
  body: string;
  createdAt: string;
  state: 'sending' | 'failed';
  error?: string;
  /** The failure was the network, not a refusal: worth retrying by itself on reconnect. */
  retryable?: boolean;
  file?: File;
  /** Object URL of an image being uploaded, for its preview. */
  previewUrl?: string;
}

export interface ConversationData {
  messages: ServerMessage[];
  outgoing: OutgoingMessage[];
  hasMore: boolean;
  status: string;
  visitorReadCursor: number;
  agentReadCursor: number;
  /** Which side is typing now (from live TYPING events). */
  visitorTyping: boolean;
  agentTyping: string | null;
}

/**
 * The messages of one open conversation and everything live about it, merged from the first
 * page, older pages, chatEvents and this console's own sends. Pure state: no I/O here.
 */
export function createConversationState(initial: {
  messages: ServerMessage[];
  hasMore: boolean;
  status: string;
  visitorReadCursor: number;
  agentReadCursor: number;
}) {
  const [state, setState] = createStore<ConversationData>({
    messages: sortByCursor(dedupe(initial.messages)),
    outgoing: [],
    hasMore: initial.hasMore,
    status: initial.status,
    visitorReadCursor: initial.visitorReadCursor,
    agentReadCursor: initial.agentReadCursor,
    visitorTyping: false,
    agentTyping: null,
  });

  function addMessages(list: ServerMessage[]) {
    if (!list.length) return;
    batch(() => {
      setState('messages', (current) => sortByCursor(dedupe([...current, ...list])));
      // The server has them: the optimistic copies are done (kept object URLs are released).
      const confirmed = new Set(list.map((m) => m.clientMessageId).filter(Boolean));
      setState('outgoing', (current) =>
        current.filter((o) => {
          if (!confirmed.has(o.clientMessageId)) return true;
          if (o.previewUrl) URL.revokeObjectURL(o.previewUrl);
          return false;
        }),
      );
    });
  }

  return {
    state,
    addMessages,
    /** An older page, fetched with beforeCursor. */
    prependPage(list: ServerMessage[], hasMore: boolean) {
      batch(() => {
        addMessages(list);
        setState('hasMore', hasMore);
      });
    },
    applyEvent(event: ChatEvent) {
      switch (event.type) {
        case 'MESSAGE':
          if (event.message) {
            addMessages([event.message]);
            if (event.message.authorKind === 'VISITOR') setState('visitorTyping', false);
            if (event.message.authorKind === 'AGENT') setState('agentTyping', null);
          }
          break;
        case 'READ':
          if (event.read?.by === 'VISITOR') setState('visitorReadCursor', (c) => Math.max(c, event.read!.upToCursor));
          if (event.read?.by === 'AGENT') setState('agentReadCursor', (c) => Math.max(c, event.read!.upToCursor));
          break;
        case 'TYPING':
          if (event.typing?.by === 'VISITOR') setState('visitorTyping', event.typing.isTyping);
          if (event.typing?.by === 'AGENT') setState('agentTyping', event.typing.isTyping ? (event.agent?.displayName ?? 'The agent') : null);
          break;
        case 'STATUS_CHANGED':
          if (event.status) setState('status', event.status);
          if (event.status !== 'ACTIVE' && event.status !== 'QUEUED') setState({ visitorTyping: false, agentTyping: null });
          break;
      }
    },
    stopTyping(side: 'VISITOR' | 'AGENT') {
      if (side === 'VISITOR') setState('visitorTyping', false);
      else setState('agentTyping', null);
    },
    markReadLocally(upToCursor: number) {
      setState('agentReadCursor', (c) => Math.max(c, upToCursor));
    },
    setStatus(status: string) {
      setState('status', status);
    },
    addOutgoing(message: Omit<OutgoingMessage, 'state'>) {
      setState('outgoing', (current) => [...current, { ...message, state: 'sending' }]);
    },
    markSending(clientMessageId: string) {
      setState(
        'outgoing',
        (o) => o.clientMessageId === clientMessageId,
        produce((o) => {
          o.state = 'sending';
          o.error = undefined;
        }),
      );
    },
    markFailed(clientMessageId: string, error: string, retryable: boolean) {
      setState(
        'outgoing',
        (o) => o.clientMessageId === clientMessageId,
        produce((o) => {
          o.state = 'failed';
          o.error = error;
          o.retryable = retryable;
        }),
      );
    },
    discardOutgoing(clientMessageId: string) {
      setState('outgoing', (current) => current.filter((o) => o.clientMessageId !== clientMessageId));
    },
    /** Replaces everything after a full reload of the conversation. */
    reset(messages: ServerMessage[], hasMore: boolean, status: string, visitorReadCursor: number, agentReadCursor: number) {
      setState(
        produce((s) => {
          s.messages = sortByCursor(dedupe(messages));
          s.hasMore = hasMore;
          s.status = status;
          s.visitorReadCursor = visitorReadCursor;
          s.agentReadCursor = agentReadCursor;
        }),
      );
      setState('messages', reconcile(state.messages));
    },
  };
}

export type ConversationState = ReturnType<typeof createConversationState>;

function dedupe(list: ServerMessage[]): ServerMessage[] {
  const byId = new Map<string, ServerMessage>();
  for (const message of list) byId.set(message.id, message);
  return [...byId.values()];
}

function sortByCursor(list: ServerMessage[]): ServerMessage[] {
  return [...list].sort((a, b) => a.cursor - b.cursor);
}

/** The cursor to resume chatEvents from after loading a page: never past what the page holds. */
export function resumeCursor(lastEventSeq: number, messages: ServerMessage[]): number {
  const newest = messages.length ? Math.max(...messages.map((m) => m.cursor)) : 0;
  // The two fields may be read at slightly different moments; replaying a little is harmless
  // (messages are deduplicated by id), skipping is not.
  return messages.length ? Math.min(lastEventSeq, newest) : lastEventSeq;
}

/** How this agent stands to the open chat: what they can do in it follows from it. */
export type ConversationMode = 'handling' | 'queued' | 'offered' | 'transferred' | 'listening' | 'ended';
/** The dialogs an open conversation can show over itself. */
export type ConversationDialog = 'transfer' | 'request' | 'end';
