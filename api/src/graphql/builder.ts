import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin from '@pothos/plugin-validation';
import AuthBeforeValidationPlugin from './auth-before-validation';
import type { Context } from './context';
import type { ApiScope } from '../generated/prisma/enums';
import type PrismaTypes from '../generated/pothos-types';
import { getDatamodel } from '../generated/pothos-types';
import { describeMissingPermission, forbidden, unauthenticated } from '../platform/errors';
import { appErrorFromIssues } from '../platform/validation';

/** Argument checks (platform/validation.ts) fail as the services' checks did: the first one, as VALIDATION `field: message`. */
export const argumentValidation = { validationError: (failure: { issues: readonly { message: string }[] }) => appErrorFromIssues(failure.issues) };

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  Scalars: {
    /** IDs arrive as strings (GraphQL coerces an ID input to one), so resolvers need no String(id). */
    ID: { Input: string; Output: string | number | bigint };
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    /** An uploaded file (GraphQL multipart request): a WHATWG File. Input only. */
    File: { Input: File; Output: never };
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
  // AuthBeforeValidation sits between scope-auth and validation: see its file.
  plugins: [ScopeAuthPlugin, RelayPlugin, PrismaPlugin, SimpleObjectsPlugin, DataloaderPlugin, AuthBeforeValidationPlugin, ValidationPlugin],
  validation: argumentValidation,
  scopeAuth: {
    authorizeOnSubscribe: true,
    // No credentials at all is UNAUTHENTICATED; valid credentials lacking a permission is FORBIDDEN.
    unauthorizedError: (_parent, ctx, _info, result) => (ctx.principal ? forbidden(describeMissingPermission(result.failure)) : unauthenticated()),
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
    // Relay's generated types get descriptions too: every type and field in schema.graphql has one.
    pageInfoTypeOptions: { description: 'Where a page sits in a paginated list.' },
    hasNextPageFieldOptions: { description: 'True when more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item on this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item on this page; pass it as `after` for the next page.' },
    cursorFieldOptions: { description: 'Opaque cursor of this item.' },
    nodeFieldOptions: { description: 'The item.' },
    edgesFieldOptions: { description: 'The items with their cursors.' },
    pageInfoFieldOptions: { description: 'Pagination state.' },
    beforeArgOptions: { description: 'Items before this cursor.' },
    afterArgOptions: { description: 'Items after this cursor.' },
    firstArgOptions: { description: 'At most this many items from the start (max 100).' },
    lastArgOptions: { description: 'At most this many items from the end (max 100).' },
    defaultConnectionTypeOptions: { description: 'A page of a list.' },
    defaultEdgeTypeOptions: { description: 'An item in a page, with its cursor.' },
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    maxConnectionSize: 100,
    defaultConnectionSize: 20,
    // A prismaField resolver that ignores its `query` loads each asked-for relation with a query
    // of its own. Reported outside production; an answer of null or nothing loads nothing anyway.
    onUnusedQuery:
      process.env.NODE_ENV === 'production'
        ? null
        : (info) =>
            console.warn(
              `Prisma query was unused in resolver for ${info.parentType.name}.${info.fieldName}: pass it to the Prisma call that loads the answer (harmless when the answer was null or empty).`,
            ),
  },
});

builder.queryType({ description: 'Reads: agents, channels, chats and CRM data, each behind its own authorization.' });
builder.mutationType({ description: 'Writes. Every input is validated on the server; failures carry a typed `extensions.code`.' });
builder.subscriptionType({
  description:
    'Live feeds over WebSocket (graphql-ws). Each is authorized when it starts; a refusal ends only that subscription. When the connection’s credential is revoked or expires, the server closes the socket with code 4401.',
});
