import { graphql, type ResultOf } from '../../graphql';

// The API tokens admin's queries and mutations, the types read from them, and the scopes an admin can grant.

export const ApiTokenFields = graphql(`
  fragment ApiTokenFields on ApiToken {
    id
    name
    prefix
    scopes
    createdAt
    expiresAt
    revokedAt
    lastUsedAt
    createdBy {
      id
      name
    }
  }
`);

export const ApiTokensQuery = graphql(
  `
    query ApiTokensAdmin {
      apiTokens {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

export const CreateApiTokenMutation = graphql(
  `
    mutation CreateApiTokenAdmin($input: CreateApiTokenInput!) {
      createApiToken(input: $input) {
        token
        apiToken {
          ...ApiTokenFields
        }
      }
    }
  `,
  [ApiTokenFields],
);

export const RevokeApiTokenMutation = graphql(
  `
    mutation RevokeApiTokenAdmin($id: ID!) {
      revokeApiToken(id: $id) {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

export type TokenRow = ResultOf<typeof ApiTokenFields>;
export type Scope = TokenRow['scopes'][number];

export const API_SCOPES: { value: Scope; label: string; description: string }[] = [
  { value: 'CHATS_READ', label: 'chats:read', description: 'Read chat sessions and follow their events.' },
  { value: 'CHATS_WRITE', label: 'chats:write', description: 'Act on chats.' },
  { value: 'REQUESTS_READ', label: 'requests:read', description: 'Read requests (tickets).' },
  { value: 'REQUESTS_WRITE', label: 'requests:write', description: 'Create and update requests, e.g. an import script.' },
  { value: 'CONTACTS_READ', label: 'contacts:read', description: 'Read contacts, companies, sales and follow-ups.' },
  { value: 'CONTACTS_WRITE', label: 'contacts:write', description: 'Create and change CRM records.' },
  { value: 'KNOWLEDGE_READ', label: 'knowledge:read', description: 'Read reply templates and FAQ, drafts included.' },
];
