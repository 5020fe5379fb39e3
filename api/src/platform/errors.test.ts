import { describe, expect, it } from 'vitest';
import { describeMissingPermission } from './errors';

describe('describeMissingPermission', () => {
  it('names a single missing scope', () => {
    expect(describeMissingPermission({ kind: 'AuthScope', scope: 'admin', parameter: true })).toBe('Requires an admin session.');
  });
  it('lists the alternatives of an $any', () => {
    const failure = {
      kind: 'AnyAuthScopes',
      failures: [
        { kind: 'AuthScope', scope: 'agent', parameter: true },
        { kind: 'AuthScope', scope: 'apiScope', parameter: 'CHATS_READ' },
      ],
    };
    expect(describeMissingPermission(failure)).toBe('Requires one of: an agent session, an API token with the CHATS_READ scope.');
  });
  it('falls back to a generic message for function scopes', () => {
    expect(describeMissingPermission({ kind: 'AuthScopeFunction' })).toBe('You are not allowed to do this.');
  });
});
