import { builder } from '../../graphql/builder';
import { agentOf } from '../../graphql/context';
import { sharedRead } from '../../graphql/shared-reads';
import type { ChannelSignal } from '../../platform/pubsub';
import { signalStream } from '../../platform/live-signals';
import type { QueueStatus, QueuedSession } from './queue.service';
import { SessionStatusEnum } from './chats.graphql';

export const QueuedChatRef = builder.objectRef<QueuedSession>('QueuedChat').implement({
  description: 'A chat waiting for an agent.',
  fields: (t) => ({
    session: t.prismaField({
      type: 'ChatSession',
      description: 'The waiting chat.',
      resolve: (query, q, _args, ctx) => sharedRead(q, query, () => ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: q.session.id } })),
    }),
    position: t.exposeInt('position', { description: 'Its place in its channel’s queue; 1 is next.' }),
    waitSeconds: t.exposeInt('waitSeconds', { description: 'How long it has waited so far.' }),
  }),
});

const QueueStatusRef = builder.objectRef<QueueStatus>('QueueStatus').implement({
  description: 'What a waiting visitor sees: their place in line and the expected wait.',
  fields: (t) => ({
    sessionId: t.exposeID('sessionId', { description: 'The chat.' }),
    status: t.field({ type: SessionStatusEnum, description: 'The chat’s status; once ACTIVE, an agent has joined.', resolve: (q) => q.status }),
    position: t.exposeInt('position', { nullable: true, description: 'The visitor’s `{queuePosition}`; null once out of the queue.' }),
    queueLength: t.exposeInt('queueLength', { description: 'How many chats wait in this channel.' }),
    averageWaitSeconds: t.exposeInt('averageWaitSeconds', {
      nullable: true,
      description: 'The `{averageWait}`: how long chats waited in this channel over the last 24 hours; null without data.',
    }),
  }),
});

const CHANNEL_IDS_DESCRIPTION = 'Limit to these channels; by default every channel where you can respond.';

builder.queryFields((t) => ({
  queue: t.field({
    type: [QueuedChatRef],
    description:
      'Waiting chats, oldest first, in the channels whose queue concerns you: where you can respond, get new-chat notifications or are a manager (your memberships say which).',
    authScopes: { agent: true },
    args: { channelIds: t.arg.idList({ description: 'Limit to these channels; by default all of the above.' }) },
    resolve: (_root, { channelIds }, ctx) => ctx.services.queue.queueFor(agentOf(ctx)!, channelIds ?? undefined),
  }),
}));

builder.mutationFields((t) => ({
  getNextInQueue: t.prismaField({
    type: 'ChatSession',
    nullable: true,
    description:
      'Claims the oldest waiting chat in channels where you can respond (optionally only these). Atomic: when agents race, each chat goes to exactly one. Null when nobody waits.',
    authScopes: { agent: true },
    args: { channelIds: t.arg.idList({ description: CHANNEL_IDS_DESCRIPTION }) },
    resolve: async (query, _root, { channelIds }, ctx) => {
      const session = await ctx.services.queue.claimNext(agentOf(ctx)!, channelIds ?? undefined);
      return session ? ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } }) : null;
    },
  }),
  acceptChat: t.prismaField({
    type: 'ChatSession',
    description: 'Claims one specific waiting chat. CONFLICT when another agent took it first.',
    authScopes: { agent: true },
    args: { sessionId: t.arg.id({ required: true, description: 'The waiting chat.' }) },
    resolve: async (query, _root, { sessionId }, ctx) => {
      const session = await ctx.services.queue.accept(agentOf(ctx)!, sessionId);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
}));

builder.subscriptionField('queueStatus', (t) =>
  t.field({
    type: QueueStatusRef,
    description: 'A waiting chat’s queue position and expected wait, now and whenever its channel’s queue changes.',
    authScopes: { $any: { visitor: true, agent: true } },
    args: { sessionId: t.arg.id({ required: true, description: 'The chat.' }) },
    subscribe: async (_root, { sessionId }, ctx) => {
      const session = await ctx.services.chatReads.findReadable(ctx.principal, sessionId);
      return signalStream<ChannelSignal, QueueStatus>(ctx.services.bus, {
        routes: [['channel', session.channelId]],
        // Messages and read receipts move no chat in or out of the queue.
        accepts: (_topic, signal) => !signal.activity,
        coalesceMs: 250,
        emitInitial: true,
        compute: () => ctx.services.queue.statusOfSession(session.id),
      });
    },
    resolve: (status) => status,
  }),
);
