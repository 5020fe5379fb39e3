import { GraphQLError } from 'graphql';

/** The error codes every client can rely on, in `extensions.code`. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'CHANNEL_OFFLINE';

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

/** Same message whether the row does not exist or belongs to someone else: no hint that it exists. */
export const notFound = (entity: string, id?: string) =>
  new AppError('NOT_FOUND', id ? `${entity} ${id} was not found.` : `${entity} was not found.`, { entity });

export const validation = (field: string, message: string) =>
  new AppError('VALIDATION', `${field}: ${message}`, { field });

export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many attempts. Retry after ${retryAfterSeconds} seconds.`, {
    retryAfter: retryAfterSeconds,
  });

export const conflict = (message: string, field?: string) =>
  new AppError('CONFLICT', message, field ? { field } : {});
