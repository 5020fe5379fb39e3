import type { ApiErrorCode } from './error-codes';

/** The codes a client meets in a GraphQL error's `extensions.code`: the API's own, and the three the clients give an error that has none. */
export type ErrorCode =
  | ApiErrorCode
  /** No GraphQL answer: no connection, or a body that is none (a proxy's 502 page). */
  | 'NETWORK'
  /** An HTTP refusal without a GraphQL answer (a proxy's 413); `extensions.status` holds the status. */
  | 'HTTP'
  /** A GraphQL error that carries no code. */
  | 'INTERNAL';

/** A GraphQL error as a response body or a graphql-ws message carries it. */
export interface GraphqlError {
  message: string;
  extensions?: Readonly<Record<string, unknown>> | null;
}

/** The message of an error with code NETWORK. */
export const NETWORK_ERROR_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

/** A failed API call, with the code the server put in `extensions` (see README, Errors) and the rest of them. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** For VALIDATION, CONFLICT and IDENTITY_NOT_VERIFIED: the input field at fault. */
  get field(): string | undefined {
    return typeof this.extensions.field === 'string' ? this.extensions.field : undefined;
  }

  /** For RATE_LIMITED: seconds to wait. */
  get retryAfter(): number | undefined {
    return typeof this.extensions.retryAfter === 'number' ? this.extensions.retryAfter : undefined;
  }

  get isNetwork(): boolean {
    return this.code === 'NETWORK';
  }
}

/** The first GraphQL error says why (INTERNAL when it has no code); none at all means the server was not reached (NETWORK). */
export function apiErrorFromGraphql(errors: readonly GraphqlError[] | null | undefined): ApiError {
  const first = errors?.[0];
  if (!first) return new ApiError(NETWORK_ERROR_MESSAGE, 'NETWORK');
  const extensions = first.extensions ?? {};
  return new ApiError(first.message, typeof extensions.code === 'string' ? (extensions.code as ErrorCode) : 'INTERNAL', extensions);
}
