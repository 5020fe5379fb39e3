import { builder } from '../../graphql/builder';
import type { Agent } from '../../generated/prisma/client';
import { AgentType } from '../agents/agents.graphql';

const LoginPayload = builder.objectRef<{ token: string; expiresAt: Date; agent: Agent }>('LoginPayload').implement({
  description: 'A new agent session.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Opaque bearer token: send it as `Authorization: Bearer <token>`, or as `connectionParams.authorization` over WebSocket.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the token stops working.' }),
    agent: t.expose('agent', { type: AgentType, description: 'The agent who logged in.' }),
  }),
});

const ViewerKind = builder.enumType('ViewerKind', {
  description: 'What kind of credential the caller used.',
  values: {
    AGENT: { description: 'An agent session from `login`.' },
    VISITOR: { description: 'A visitor token from `startChat`.' },
    API_TOKEN: { description: 'An API token created by an admin.' },
    ANONYMOUS: { description: 'No credentials.' },
  } as const,
});

const Viewer = builder.simpleObject('Viewer', {
  description: 'Who the caller is, as resolved from their bearer token.',
  fields: (t) => ({
    kind: t.field({ type: ViewerKind, description: 'The kind of credential.' }),
    id: t.id({ nullable: true, description: 'The agent, visitor or API token id; null when anonymous.' }),
    scopes: t.stringList({ description: 'For API tokens, the scopes it holds (e.g. REQUESTS_WRITE); empty otherwise.' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: Viewer,
    description: 'Who the caller is. Works with any credential, and without one.',
    resolve: (_root, _args, ctx) => {
      const p = ctx.principal;
      if (!p) return { kind: 'ANONYMOUS' as const, id: null, scopes: [] };
      if (p.kind === 'agent') return { kind: 'AGENT' as const, id: p.agent.id, scopes: [] };
      if (p.kind === 'visitor') return { kind: 'VISITOR' as const, id: p.visitor.id, scopes: [] };
      return { kind: 'API_TOKEN' as const, id: p.apiToken.id, scopes: p.apiToken.scopes };
    },
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    description:
      'Logs an agent in. A wrong password and an unknown email give the same UNAUTHENTICATED error. Failed logins lock out the (email, client address) pair, for longer after each lock-out, and are limited per address and per email (RATE_LIMITED with `retryAfter`); a success resets the pair.',
    args: {
      email: t.arg.string({ required: true, description: 'The agent’s email.' }),
      password: t.arg.string({ required: true, description: 'The agent’s password.' }),
    },
    resolve: async (_root, { email, password }, ctx) => {
      const result = await ctx.services.auth.login({ email, password, ip: ctx.ip, userAgent: ctx.userAgent });
      // The rest of this response (e.g. `agent { email }`) is resolved as the agent who just logged in.
      ctx.principal = { kind: 'agent', agent: result.agent, authSessionId: result.authSessionId };
      return result;
    },
  }),
  logout: t.boolean({
    description: 'Revokes the agent session used for this request.',
    authScopes: { agent: true },
    resolve: async (_root, _args, ctx) => {
      if (ctx.principal?.kind !== 'agent') return false;
      await ctx.services.auth.logout(ctx.principal.authSessionId);
      return true;
    },
  }),
  revokeAgentSessions: t.int({
    description: 'Revokes every session of an agent (forces logout everywhere). Admins only. Returns how many were revoked.',
    authScopes: { admin: true },
    args: { agentId: t.arg.id({ required: true, description: 'The agent whose sessions end.' }) },
    resolve: (_root, { agentId }, ctx) => ctx.services.auth.revokeAgentSessions(agentId),
  }),
}));
