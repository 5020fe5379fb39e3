import type { ApiErrorCode } from '@livechat/chat-client/error-codes';
import { GraphQLError } from 'graphql';

/** The error codes every client can rely on, in `extensions.code`; the list is written once, in chat-client/src/error-codes.ts. */
export type ErrorCode = ApiErrorCode;

export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.code = code;
  }
}

export const unauthenticated = (message = 'Authentication required: send a valid token as "Authorization: Bearer <token>".') =>
  new AppError('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do this.') => new AppError('FORBIDDEN', message);

/** A client's value quoted in a message, cut to a short prefix: replies never echo unbounded input. */
export const quoted = (value: string, max = 64) => (value.length > max ? `${value.slice(0, max)}…` : value);

/** Same message whether the row does not exist or belongs to someone else: no hint that it exists. */
export const notFound = (entity: string, id?: string) =>
  new AppError('NOT_FOUND', id ? `${entity} ${quoted(id)} was not found.` : `${entity} was not found.`, { entity });

export const validation = (field: string, message: string) => new AppError('VALIDATION', `${field}: ${message}`, { field });

export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many attempts. Retry after ${retryAfterSeconds} seconds.`, {
    retryAfter: retryAfterSeconds,
  });

export const conflict = (message: string, field?: string) => new AppError('CONFLICT', message, field ? { field } : {});

/** What a failed Prisma write ran into; Prisma's error codes are named here and nowhere else. */
export type PrismaFailure = 'UNIQUE_VIOLATION' | 'FOREIGN_KEY_VIOLATION' | 'RECORD_MISSING';

const PRISMA_FAILURES: Record<string, PrismaFailure> = { P2002: 'UNIQUE_VIOLATION', P2003: 'FOREIGN_KEY_VIOLATION', P2025: 'RECORD_MISSING' };

/**
 * The constraint a Prisma error reports, or null for any other error. A raw statement through the
 * driver adapter reports a foreign key only in its text, so that is read too.
 */
export function prismaFailure(error: unknown): PrismaFailure | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && PRISMA_FAILURES[code]) return PRISMA_FAILURES[code];
  return /foreign key/i.test(String(error)) ? 'FOREIGN_KEY_VIOLATION' : null;
}

/** The scope-auth failure tree, as much of it as we need to explain what was missing. */
type AuthFailureLike =
  | { kind: 'AuthScope'; scope: string; parameter: unknown }
  | { kind: 'AnyAuthScopes' | 'AllAuthScopes'; failures: AuthFailureLike[] }
  | { kind: string };

const SCOPE_NAMES: Record<string, (parameter: unknown) => string> = {
  agent: () => 'an agent session',
  admin: () => 'an admin session',
  visitor: () => 'a visitor token',
  apiScope: (scope) => `an API token with the ${String(scope)} scope`,
};

/** "Requires an admin session." / "Requires one of: an agent session, an API token with the CHATS_READ scope." */
export function describeMissingPermission(failure: AuthFailureLike): string {
  const needs: string[] = [];
  const walk = (f: AuthFailureLike) => {
    if ('failures' in f) f.failures.forEach(walk);
    else if (f.kind === 'AuthScope' && 'scope' in f) needs.push(SCOPE_NAMES[f.scope]?.(f.parameter) ?? f.scope);
  };
  walk(failure);
  const unique = [...new Set(needs)];
  if (unique.length === 0) return 'You are not allowed to do this.';
  if (unique.length === 1 || failure.kind === 'AllAuthScopes') return `Requires ${unique.join(' and ')}.`;
  return `Requires one of: ${unique.join(', ')}.`;
}
