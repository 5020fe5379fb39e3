import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from './chat-events';
import { message } from './chat-fixtures';
import { createConversationState, resumeCursor } from './conversation-state';

function withState(run: (conversation: ReturnType<typeof createConversationState>) => void) {
  createRoot((dispose) => {
    run(createConversationState({ messages: [message(2), message(1)], hasMore: true, status: 'ACTIVE', visitorReadCursor: 0, agentReadCursor: 0 }));
    dispose();
  });
}

const event = (e: Partial<ChatEvent> & Pick<ChatEvent, 'type'>): ChatEvent =>
  ({
    cursor: null,
    sessionId: 's',
    createdAt: '2026-01-10T09:00:00.000Z',
    status: null,
    endedBy: null,
    contactId: null,
    message: null,
    read: null,
    typing: null,
    transfer: null,
    agent: null,
    ...e,
  }) as ChatEvent;

describe('conversation state', () => {
  it('keeps messages in cursor order, each once, however they arrive', () => {
    withState(({ state, addMessages, applyEvent, prependPage }) => {
      expect(state.messages.map((m) => m.cursor)).toEqual([1, 2]);
      applyEvent(event({ type: 'MESSAGE', cursor: 4, message: message(4) }));
      addMessages([message(3), message(4)]);
      prependPage([message(0)], false);
      expect(state.messages.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(state.hasMore).toBe(false);
    });
  });

  it('replaces an optimistic message when the server has it, by clientMessageId, and keeps failed ones', () => {
    withState(({ state, addOutgoing, markFailed, markSending, addMessages, discardOutgoing }) => {
      addOutgoing({ clientMessageId: 'c1', body: 'Hi', createdAt: '2026-01-10T09:10:00.000Z' });
      addOutgoing({ clientMessageId: 'c2', body: 'Still there?', createdAt: '2026-01-10T09:11:00.000Z' });
      expect(state.outgoing.map((o) => o.state)).toEqual(['sending', 'sending']);

      markFailed('c2', 'Cannot reach the server.', true);
      expect(state.outgoing[1]).toMatchObject({ state: 'failed', error: 'Cannot reach the server.', retryable: true });

      addMessages([message(3, { authorKind: 'AGENT', clientMessageId: 'c1', body: 'Hi' })]);
      expect(state.outgoing.map((o) => o.clientMessageId)).toEqual(['c2']);
      expect(state.messages.at(-1)?.body).toBe('Hi');

      markSending('c2');
      expect(state.outgoing[0]?.state).toBe('sending');
      expect(state.outgoing[0]?.error).toBeUndefined();
      discardOutgoing('c2');
      expect(state.outgoing).toEqual([]);
    });
  });

  it('follows read receipts forward only, typing indicators and status', () => {
    withState(({ state, applyEvent }) => {
      applyEvent(event({ type: 'READ', cursor: 5, read: { by: 'VISITOR', upToCursor: 4 } }));
      applyEvent(event({ type: 'READ', cursor: 6, read: { by: 'VISITOR', upToCursor: 2 } }));
      applyEvent(event({ type: 'READ', cursor: 7, read: { by: 'AGENT', upToCursor: 3 } }));
      expect([state.visitorReadCursor, state.agentReadCursor]).toEqual([4, 3]);

      applyEvent(event({ type: 'TYPING', typing: { by: 'VISITOR', isTyping: true } }));
      expect(state.visitorTyping).toBe(true);
      applyEvent(event({ type: 'MESSAGE', cursor: 8, message: message(8) }));
      expect(state.visitorTyping).toBe(false);

      applyEvent(event({ type: 'TYPING', typing: { by: 'AGENT', isTyping: true }, agent: { id: 'a', displayName: 'Alice' } }));
      expect(state.agentTyping).toBe('Alice');
      applyEvent(event({ type: 'STATUS_CHANGED', cursor: 9, status: 'ENDED' }));
      expect(state.status).toBe('ENDED');
      expect(state.agentTyping).toBeNull();
    });
  });
});

describe('resumeCursor', () => {
  it('resumes from the older of the session cursor and the newest loaded message, so nothing is skipped', () => {
    expect(resumeCursor(10, [message(3), message(7)])).toBe(7);
    expect(resumeCursor(5, [message(3), message(7)])).toBe(5);
    expect(resumeCursor(4, [])).toBe(4);
  });
});
