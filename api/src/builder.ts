import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import type { Context } from './context';
import type { ApiScope } from './generated/prisma/enums';
import type PrismaTypes from './generated/pothos-types';
import { getDatamodel } from './generated/pothos-types';
import { describeMissingPermission, forbidden, unauthenticated } from './errors';

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  AuthScopes: {
    /** Any logged-in agent. */
    agent: boolean;
    admin: boolean;
    visitor: boolean;
    /** An API token holding this scope. */
    apiScope: ApiScope;
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, RelayPlugin, PrismaPlugin, SimpleObjectsPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    // No credentials at all is UNAUTHENTICATED; valid credentials lacking a permission is FORBIDDEN.
    unauthorizedError: (_parent, ctx, _info, result) =>
      ctx.principal ? forbidden(describeMissingPermission(result.failure)) : unauthenticated(),
    authScopes: (ctx) => ({
      agent: ctx.principal?.kind === 'agent',
      admin: ctx.principal?.kind === 'agent' && ctx.principal.agent.role === 'ADMIN',
      visitor: ctx.principal?.kind === 'visitor',
      apiScope: (scope) => ctx.principal?.kind === 'apiToken' && ctx.principal.apiToken.scopes.includes(scope),
    }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

builder.queryType({ description: 'Reads: agents, channels, chats and CRM data, each behind its own authorization.' });
builder.mutationType({ description: 'Writes. Every input is validated on the server; failures carry a typed `extensions.code`.' });
builder.subscriptionType({
  description: 'Live feeds over WebSocket (graphql-ws). Each is authorized when it starts; a refusal ends only that subscription.',
});
