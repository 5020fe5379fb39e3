import { builder } from '../../graphql/builder';
import { agentOf } from '../../graphql/context';
import type { ApiToken } from '../../generated/prisma/client';
import { ApiScope } from '../../generated/prisma/enums';
import { apiTokenName } from './auth.service';

export const ApiScopeEnum = builder.enumType(ApiScope, {
  name: 'ApiScope',
  description: 'A permission an API token can hold. CHATS_READ is `chats:read`, REQUESTS_WRITE is `requests:write`, and so on.',
});

const ApiTokenType = builder.prismaObject('ApiToken', {
  description: 'A named, scoped credential for a third-party app or script. Only a hash of the token is stored.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { description: 'What the token is for.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the token, to tell tokens apart.' }),
    scopes: t.expose('scopes', { type: [ApiScopeEnum], description: 'What the token may do.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When it stops working; null never.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; null while valid.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Last use, to the minute.' }),
    createdBy: t.relation('createdBy', { nullable: true, description: 'The admin who created it.' }),
  }),
});

const CreatedApiToken = builder.objectRef<{ token: string; apiToken: ApiToken }>('CreatedApiToken').implement({
  description: 'A newly created API token. The secret is shown here once and never again.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The secret: send it as `Authorization: Bearer <token>`.' }),
    apiToken: t.expose('apiToken', { type: ApiTokenType, description: 'The stored token record.' }),
  }),
});

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  description: 'A new API token.',
  fields: (t) => ({
    name: t.string({ required: true, validate: apiTokenName, description: 'What the token is for, 1–100 characters.' }),
    scopes: t.field({ type: [ApiScopeEnum], required: true, description: 'At least one scope.' }),
    expiresAt: t.field({ type: 'DateTime', description: 'Optional expiry in the future.' }),
  }),
});

builder.queryFields((t) => ({
  apiTokens: t.prismaField({
    type: ['ApiToken'],
    description: 'Every API token, newest first. Admins only.',
    authScopes: { admin: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.apiToken.findMany({ ...query, ...ctx.services.auth.apiTokenListArgs() }),
  }),
}));

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiToken,
    description: 'Creates an API token and returns its secret once. Admins only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: 'The new token.' }) },
    resolve: (_root, { input }, ctx) => ctx.services.auth.createApiToken({ ...input, createdById: agentOf(ctx)!.id }),
  }),
  revokeApiToken: t.prismaField({
    type: 'ApiToken',
    description: 'Revokes an API token immediately. Admins only.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, description: 'The token to revoke.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const revoked = await ctx.services.auth.revokeApiToken(id);
      return ctx.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: revoked.id } });
    },
  }),
}));
