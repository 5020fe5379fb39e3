import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../../api';
import { readFragment, type VariablesOf } from '../../graphql';
import { ApiTokenFields, ApiTokensQuery, CreateApiTokenMutation, RevokeApiTokenMutation } from './operations';

// The API tokens admin's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

export async function loadApiTokens(client: Client) {
  return (await runQuery(client, ApiTokensQuery, {})).apiTokens.map((t) => readFragment(ApiTokenFields, t));
}

/** Creates a token; `token` is its secret, which the server shows this once. */
export async function createApiToken(client: Client, input: VariablesOf<typeof CreateApiTokenMutation>['input']) {
  const { token, apiToken } = (await runMutation(client, CreateApiTokenMutation, { input })).createApiToken;
  return { token, apiToken: readFragment(ApiTokenFields, apiToken) };
}

export async function revokeApiToken(client: Client, id: string) {
  return readFragment(ApiTokenFields, (await runMutation(client, RevokeApiTokenMutation, { id })).revokeApiToken);
}
