import { describe, expect, it } from 'vitest';
import { describeMissingPermission, prismaFailure } from './errors';

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

describe('prismaFailure', () => {
  it('names the constraint behind each Prisma code we handle', () => {
    expect(prismaFailure({ code: 'P2002' })).toBe('UNIQUE_VIOLATION');
    expect(prismaFailure({ code: 'P2003' })).toBe('FOREIGN_KEY_VIOLATION');
    expect(prismaFailure({ code: 'P2025' })).toBe('RECORD_MISSING');
  });
  it('reads a foreign key from the text of a raw statement’s error', () => {
    expect(prismaFailure(new Error('insert or update on table "X" violates foreign key constraint "X_fkey"'))).toBe('FOREIGN_KEY_VIOLATION');
  });
  it('is null for every other error', () => {
    expect(prismaFailure({ code: 'P1001' })).toBeNull();
    expect(prismaFailure(new Error('connection refused'))).toBeNull();
    expect(prismaFailure(null)).toBeNull();
  });
});
