import { builder } from '../../graphql/builder';
import { agentOf, type Context } from '../../graphql/context';
import type { Principal } from '../../platform/principal';
import { AgentRole, Presence } from '../../generated/prisma/enums';
import { signalStream, type BusRoute } from '../../platform/live-signals';
import type { AgentBadges } from './agents.service';
import { createAgentChatState, type AgentChatRow, type AgentChatSignal } from './agent-chat-state';

export const AgentRoleEnum = builder.enumType(AgentRole, {
  name: 'AgentRole',
  description: 'What an agent may administer: ADMIN manages channels, agents, knowledge and API tokens; AGENT chats.',
});

export const PresenceEnum = builder.enumType(Presence, {
  name: 'Presence',
  description: 'Whether an agent takes chats now: PRESENT receives chats, AWAY does not.',
});

/** Field guard for what belongs to one agent (console settings, memberships): that agent and admins. */
export const selfOrAdmin = (agent: { id: string }, _args: unknown, ctx: Context) => {
  const caller = agentOf(ctx);
  return !!caller && (caller.role === 'ADMIN' || caller.id === agent.id);
};

export const AgentType = builder.prismaObject('Agent', {
  description: 'A person who answers chats in the console.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    email: t.exposeString('email', {
      description: 'Login email, lower-cased. Visible to agents only.',
      // A function, not a scope map: scope maps are cached per request, and login changes the principal mid-request.
      authScopes: (_agent, _args, ctx) => ctx.principal?.kind === 'agent',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    nickname: t.exposeString('nickname', { nullable: true, description: 'Short name shown to visitors when set.' }),
    photoUrl: t.exposeString('photoUrl', { nullable: true, description: 'URL of the profile photo.' }),
    role: t.expose('role', { type: AgentRoleEnum, description: 'ADMIN or AGENT.' }),
    presence: t.expose('presence', { type: PresenceEnum, description: 'PRESENT or AWAY.' }),
    presenceChangedAt: t.expose('presenceChangedAt', { type: 'DateTime', description: 'When presence last changed.' }),
    active: t.exposeBoolean('active', { description: 'False when an admin deactivated the account; it cannot log in.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
    notifyBrowser: t.exposeBoolean('notifyBrowser', {
      description:
        'Console setting: a browser notification for each new incoming chat (in channels where the agent gets notifications). The agent themself and admins.',
      authScopes: selfOrAdmin,
    }),
    notifySound: t.exposeBoolean('notifySound', {
      description: 'Console setting: a short sound for each new incoming chat. The agent themself and admins.',
      authScopes: selfOrAdmin,
    }),
    notifyManagerWarnings: t.exposeBoolean('notifyManagerWarnings', {
      description: 'Console setting: the manager warning when a chat waits past its channel’s threshold. The agent themself and admins.',
      authScopes: selfOrAdmin,
    }),
  }),
});

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  description: 'A new agent account.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'Login email; must be unique.' }),
    password: t.string({ required: true, description: 'Initial password, at least 10 characters.' }),
    name: t.string({ required: true, description: 'Display name, 1–100 characters.' }),
    nickname: t.string({ description: 'Optional short name shown to visitors, up to 50 characters.' }),
    role: t.field({ type: AgentRoleEnum, description: 'Defaults to AGENT.' }),
  }),
});

const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  description: 'Changes to an agent account; omitted fields stay as they are.',
  fields: (t) => ({
    email: t.string({ description: 'Login email; must be unique. Admins only.' }),
    name: t.string({ description: 'Display name, 1–100 characters.' }),
    nickname: t.string({ description: 'Short name shown to visitors; empty clears it.' }),
    photoUrl: t.string({ description: 'http(s) URL of the profile photo; empty clears it.' }),
    role: t.field({ type: AgentRoleEnum, description: 'ADMIN or AGENT. Admins only.' }),
    active: t.boolean({ description: 'False deactivates the account and revokes its sessions. Admins only.' }),
    password: t.string({ description: 'A new password, at least 10 characters; revokes the agent’s other sessions.' }),
    notifyBrowser: t.boolean({ description: 'Browser notifications for new incoming chats on (true) or off.' }),
    notifySound: t.boolean({ description: 'The new-chat sound on (true) or off.' }),
    notifyManagerWarnings: t.boolean({ description: 'Manager warnings for chats waiting too long on (true) or off.' }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'Agent',
    description: 'The logged-in agent.',
    authScopes: { agent: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.agent.findUniqueOrThrow({ ...query, where: { id: agentOf(ctx)!.id } }),
  }),
  agents: t.prismaField({
    type: ['Agent'],
    description: 'Every agent account, by name.',
    authScopes: { agent: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.agent.findMany({ ...query, ...ctx.services.agents.agentListArgs() }),
  }),
}));

builder.mutationFields((t) => ({
  createAgent: t.prismaField({
    type: 'Agent',
    description: 'Creates an agent account. Admins only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The new account.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const created = await ctx.services.agents.create(input);
      return ctx.prisma.agent.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  updateAgent: t.prismaField({
    type: 'Agent',
    description: 'Updates an agent. Agents may change their own name, nickname, photo and password; admins anything.',
    authScopes: { agent: true },
    args: {
      id: t.arg.id({ required: true, description: 'The agent to change.' }),
      input: t.arg({ type: UpdateAgentInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) => {
      const principal = ctx.principal as Extract<Principal, { kind: 'agent' }>;
      const updated = await ctx.services.agents.update(principal.agent, principal.authSessionId, id, input);
      return ctx.prisma.agent.findUniqueOrThrow({ ...query, where: { id: updated.id } });
    },
  }),
}));

export interface AgentEvent {
  reasons: string[];
  sessionIds: string[];
  transferIds: string[];
  badges: AgentBadges;
  /** The changed rows of the agent's chat list that the feed could compute from memory. */
  chats: AgentChatRow[];
}

const AgentBadgesRef = builder.objectRef<AgentBadges>('AgentBadges').implement({
  description: 'The console’s tab badges.',
  fields: (t) => ({
    incoming: t.exposeInt('incoming', { description: 'Waiting chats in channels where you can respond (Dashboard badge).' }),
    myChats: t.exposeInt('myChats', { description: 'Chats you are handling (Chats badge).' }),
    unread: t.exposeInt('unread', { description: 'Unread visitor messages across your chats.' }),
    transfersToMe: t.exposeInt('transfersToMe', { description: 'Transfers offered to you and waiting for your answer.' }),
  }),
});

export const AgentEventRef = builder.objectRef<AgentEvent>('AgentEvent').implement({
  description: 'What changed for one agent’s console: merge `chats` into the list, refetch what it does not cover (see `chats`), and show the new badges.',
  fields: (t) => ({
    reasons: t.exposeStringList('reasons', {
      description:
        'Why: "initial", "queue" (incoming chats changed), "chats" (one of your chats changed), "transfer", "presence", "channels" (your channel memberships or flags changed; the feed already follows them), "resync".',
    }),
    sessionIds: t.exposeIDList('sessionIds', { description: 'The chats that changed.' }),
    transferIds: t.exposeIDList('transferIds', { description: 'The transfers that changed.' }),
    badges: t.field({ type: AgentBadgesRef, description: 'Badge counts now.', resolve: (e) => e.badges }),
  }),
});

builder.mutationFields((t) => ({
  setPresence: t.prismaField({
    type: 'Agent',
    description: 'Switches between PRESENT (takes chats, counted as online) and AWAY. Chats you are handling stay yours.',
    authScopes: { agent: true },
    args: { presence: t.arg({ type: PresenceEnum, required: true, description: 'PRESENT or AWAY.' }) },
    resolve: async (query, _root, { presence }, ctx) => {
      const updated = await ctx.services.agents.setPresence(agentOf(ctx)!, presence);
      return ctx.prisma.agent.findUniqueOrThrow({ ...query, where: { id: updated.id } });
    },
  }),
}));

builder.subscriptionField('agentEvents', (t) =>
  t.field({
    type: AgentEventRef,
    description:
      'What one agent’s console needs live: new chats in the queue of their channels (where they can respond, get notifications or manage), their chats changing, transfers offered to them, and badge counts.',
    authScopes: { agent: true },
    subscribe: async (_root, _args, ctx) => {
      const agent = agentOf(ctx)!;
      // Memberships are read again when an admin changes them, so the running feed follows.
      const readChannels = () => Promise.all([ctx.services.queue.respondableChannels(agent), ctx.services.queue.watchedChannels(agent)]);
      // The badge counts where they can respond; "queue" events also come from channels where they only get notifications or manage.
      let [respondable, watched] = await readChannels();
      let badges: AgentBadges | null = null;
      const routes = (): BusRoute[] => [['agent', agent.id], ...watched.map((id) => ['channel', id] as const)];
      // The chats this agent handles, kept in memory: a message or read receipt in one of them costs no query.
      const handledChats = createAgentChatState();
      return signalStream<AgentChatSignal, AgentEvent>(ctx.services.bus, {
        routes: routes(),
        reroute: {
          when: (signal) => signal.reason === 'channels',
          read: async () => {
            [respondable, watched] = await readChannels();
            return routes();
          },
        },
        // 'sessions' on a channel route is for dashboards: this agent's own chats are signalled on their agent route.
        accepts: (topic, signal) => !(topic === 'channel' && (signal.reason as string) === 'sessions'),
        coalesceMs: 200,
        emitInitial: true,
        compute: async (signals) => {
          let chats: AgentChatRow[] = [];
          if (badges && handledChats.canApply(signals)) {
            chats = handledChats.apply(signals);
            badges = { ...badges, unread: handledChats.unreadTotal() };
          } else {
            const read = await ctx.services.agents.badgesAndHandledChats(agent, respondable);
            handledChats.reset(read.handled);
            badges = read.badges;
          }
          const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];
          return {
            reasons: signals.length ? unique(signals.map((s) => s.reason)) : ['initial'],
            sessionIds: unique(signals.map((s) => s.sessionId)),
            transferIds: unique(signals.map((s) => s.transferId)),
            badges,
            chats,
          };
        },
      });
    },
    resolve: (event) => event,
  }),
);
