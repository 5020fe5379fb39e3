import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore, SESSION_EXPIRED_NOTICE } from './session';

afterEach(() => localStorage.clear());

describe('the console session', () => {
  it('reports a token the server refuses as an ended session', () => {
    const session = createSessionStore();
    session.signIn('token-a');
    session.expire();
    expect(session.token()).toBeNull();
    expect(session.notice()).toBe(SESSION_EXPIRED_NOTICE);
  });

  it('does not report the refusal that its own sign-out causes (the server closes the socket at once)', () => {
    const session = createSessionStore();
    session.signIn('token-a');
    session.beginSignOut();
    // The socket's 4401 can come before the logout mutation's answer.
    session.expire();
    expect(session.token()).toBe('token-a');
    session.signOut('You are signed out.');
    expect(session.token()).toBeNull();
    expect(session.notice()).toBe('You are signed out.');

    // The next session's refusals are reported again.
    session.signIn('token-b');
    session.expire();
    expect(session.notice()).toBe(SESSION_EXPIRED_NOTICE);
  });
});
