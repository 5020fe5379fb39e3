import type { AnyVariables, Client, CombinedError, OperationContext, TypedDocumentNode } from '@urql/core';

/** A failed API call, with the typed code the server put in `extensions` (see README, Errors). */
export class ApiError extends Error {
  constructor(
    message: string,
    /** UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, VALIDATION, CONFLICT, RATE_LIMITED…; NETWORK when the server was not reached. */
    readonly code: string,
    /** For VALIDATION and CONFLICT: the input field at fault. */
    readonly field?: string,
    /** For RATE_LIMITED: seconds to wait. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isNetwork() {
    return this.code === 'NETWORK';
  }
}

export function apiErrorFrom(error: CombinedError): ApiError {
  const first = error.graphQLErrors[0];
  if (!first) return new ApiError('Cannot reach the server. Check your connection and try again.', 'NETWORK');
  const extensions = first.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL';
  const field = typeof extensions.field === 'string' ? extensions.field : undefined;
  const retryAfter = typeof extensions.retryAfter === 'number' ? extensions.retryAfter : undefined;
  return new ApiError(first.message, code, field, retryAfter);
}

/** The sentence to show a person for any error thrown by an API call or by our code. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'RATE_LIMITED' && error.retryAfter) return `${error.message} Try again in ${formatRetry(error.retryAfter)}.`;
    if (error.code === 'INTERNAL' || error.message === 'Unexpected error.') return 'Something went wrong on the server. Please try again.';
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

function formatRetry(seconds: number) {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** Runs a query over HTTP (network-only unless told otherwise) and returns its data or throws ApiError. */
export async function runQuery<Data, Variables extends AnyVariables>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  context: Partial<OperationContext> = {},
): Promise<Data> {
  const result = await client.query(document, variables, { requestPolicy: 'network-only', ...context }).toPromise();
  if (result.error) throw apiErrorFrom(result.error);
  return result.data as Data;
}

/** Runs a mutation and returns its data or throws ApiError. */
export async function runMutation<Data, Variables extends AnyVariables>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  context: Partial<OperationContext> = {},
): Promise<Data> {
  const result = await client.mutation(document, variables, context).toPromise();
  if (result.error) throw apiErrorFrom(result.error);
  return result.data as Data;
}
