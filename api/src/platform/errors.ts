import { GraphQLError } from 'graphql';

/** The error codes every client can rely on, in `extensions.code`. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'CHANNEL_OFFLINE'
  /** A feature needs server configuration that is missing (e.g. SMTP_URL for mail). */
  | 'NOT_CONFIGURED'
  /** An outside service (the mail server) refused or could not be reached; retrying later may work. */
  | 'DELIVERY_FAILED'
  /** A signed-identity check failed: a wrong signature, or an unsigned claim to a verified email (`extensions.reason`). */
  | 'IDENTITY_NOT_VERIFIED'
  /** A cap that is not a rate was reached (e.g. operations running on one WebSocket; `extensions.limit` names its variable). */
  | 'LIMIT_EXCEEDED'
  /** A request a browser sends without a CORS preflight (GET, multipart, form) lacked the CSRF header (http/cross-site-requests.ts). */
  | 'CSRF_HEADER_REQUIRED'
  /** The instance is draining for shutdown (SIGTERM): retry on another instance. */
  | 'SHUTTING_DOWN'
  /** Past a GraphQL limit (see graphql-limits.ts): the request is refused before it runs. */
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_TOKENS'
  | 'QUERY_TOO_COMPLEX'
  /** Codes of GraphQL and graphql-yoga themselves, which every error without one of ours gets. */
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'REQUEST_ENTITY_TOO_LARGE'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'INTERNAL_SERVER_ERROR';

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
