import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../../api';
import { readFragment, type VariablesOf } from '../../graphql';
import { AgentAdminFields, AgentsAdminQuery, CreateAgentMutation, RevokeSessionsMutation, UpdateAgentMutation } from './operations';

// The agents admin's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

export async function loadAgents(client: Client) {
  return (await runQuery(client, AgentsAdminQuery, {})).agents.map((a) => readFragment(AgentAdminFields, a));
}

/** Creates the agent, then sets the photo when one is given: a photo can only be set through updateAgent. */
export async function createAgent(client: Client, input: VariablesOf<typeof CreateAgentMutation>['input'], photoUrl: string) {
  const created = readFragment(AgentAdminFields, (await runMutation(client, CreateAgentMutation, { input })).createAgent);
  if (!photoUrl) return created;
  return updateAgent(client, created.id, { photoUrl });
}

export async function updateAgent(client: Client, id: string, input: VariablesOf<typeof UpdateAgentMutation>['input']) {
  return readFragment(AgentAdminFields, (await runMutation(client, UpdateAgentMutation, { id, input })).updateAgent);
}

/** Signs the agent out everywhere; returns how many sessions ended. */
export async function revokeAgentSessions(client: Client, agentId: string) {
  return (await runMutation(client, RevokeSessionsMutation, { agentId })).revokeAgentSessions;
}
