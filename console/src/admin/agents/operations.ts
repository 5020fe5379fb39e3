import { graphql, type ResultOf } from '../../graphql';

// The agents admin's queries and mutations, and the types read from them.

export const AgentAdminFields = graphql(`
  fragment AgentAdminFields on Agent {
    id
    name
    nickname
    email
    photoUrl
    role
    active
    presence
    createdAt
    memberships {
      channel {
        id
        name
      }
    }
  }
`);

export const AgentsAdminQuery = graphql(
  `
    query AgentsAdmin {
      agents {
        ...AgentAdminFields
      }
    }
  `,
  [AgentAdminFields],
);

export const CreateAgentMutation = graphql(
  `
    mutation CreateAgent($input: CreateAgentInput!) {
      createAgent(input: $input) {
        ...AgentAdminFields
      }
    }
  `,
  [AgentAdminFields],
);

export const UpdateAgentMutation = graphql(
  `
    mutation UpdateAgentAdmin($id: ID!, $input: UpdateAgentInput!) {
      updateAgent(id: $id, input: $input) {
        ...AgentAdminFields
      }
    }
  `,
  [AgentAdminFields],
);

export const RevokeSessionsMutation = graphql(`
  mutation RevokeAgentSessions($agentId: ID!) {
    revokeAgentSessions(agentId: $agentId)
  }
`);

export type AgentRow = ResultOf<typeof AgentAdminFields>;
export type Role = AgentRow['role'];
