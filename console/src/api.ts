import { ApiError, apiErrorFromGraphql } from '@livechat/chat-client/errors';
import type { AnyVariables, Client, CombinedError, OperationContext, TypedDocumentNode } from '@urql/core';

// The error class and codes are chat-client's, shared with the widget (import them from there); this file adapts urql to them.

/** urql's error as an ApiError: its first GraphQL error, or NETWORK when the server was not reached. */
export function apiErrorFrom(error: CombinedError): ApiError {
  return apiErrorFromGraphql(error.graphQLErrors);
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
