import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../session';
import { loadOutbox, OUTBOX_MAX_AGE_MS, saveOutbox, type StoredOutgoing } from './outbox';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const item = (body: string, ageMs = 0): StoredOutgoing => ({ clientMessageId: `c-${body}`, body, createdAt: new Date(NOW - ageMs).toISOString() });

afterEach(() => localStorage.clear());

describe('the console outbox', () => {
  it('keeps each agent’s unsent text to themselves, per chat', () => {
    saveOutbox('agent-a', 'chat-1', [item('from A')]);
    saveOutbox('agent-b', 'chat-2', [item('from B')]);
    expect(loadOutbox('agent-a', 'chat-1', NOW)).toEqual([item('from A')]);
    expect(loadOutbox('agent-b', 'chat-1', NOW)).toEqual([]);
    expect(loadOutbox('agent-a', 'chat-2', NOW)).toEqual([]);
    saveOutbox('agent-a', 'chat-1', []);
    expect(localStorage.length).toBe(1);
  });

  it('forgets text older than a day, and entries it cannot read', () => {
    const fresh = item('an hour ago', 60 * 60 * 1000);
    const old = item('yesterday', OUTBOX_MAX_AGE_MS + 1000);
    saveOutbox('agent-a', 'chat-1', [fresh, old, { ...item('no date'), createdAt: 'not a date' }]);
    expect(loadOutbox('agent-a', 'chat-1', NOW)).toEqual([fresh]);
  });

  it('is cleared when the agent signs out, and kept (for the same agent) when the session expires', () => {
    const session = createSessionStore();
    session.signIn('token-a');
    saveOutbox('agent-a', 'chat-1', [item('typed before the session expired')]);
    session.expire();
    expect(loadOutbox('agent-a', 'chat-1', NOW)).toHaveLength(1);

    session.signIn('token-a');
    localStorage.setItem('livechat.console.unrelated', 'kept');
    session.signOut('You are signed out.');
    expect(loadOutbox('agent-a', 'chat-1', NOW)).toEqual([]);
    expect(Object.keys(localStorage)).toEqual(['livechat.console.unrelated']);
  });
});
