import { builder } from '../../graphql/builder';
import { agentOf } from '../../graphql/context';
import { TransferStatus } from '../../generated/prisma/enums';

const TransferStatusEnum = builder.enumType(TransferStatus, {
  name: 'TransferStatus',
  description: 'A transfer is PENDING until the target ACCEPTED or REJECTED it, or the sender CANCELLED it.',
});

builder.prismaObject('Transfer', {
  description: 'An offer of a chat from one agent to another.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    status: t.expose('status', { type: TransferStatusEnum, description: 'PENDING, ACCEPTED, REJECTED or CANCELLED.' }),
    session: t.relation('session', { description: 'The chat offered.' }),
    fromAgent: t.relation('fromAgent', { description: 'Who offered it.' }),
    toAgent: t.relation('toAgent', { description: 'To whom.' }),
    note: t.exposeString('note', { nullable: true, description: 'The sender’s note to the target.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was offered.' }),
    respondedAt: t.expose('respondedAt', { type: 'DateTime', nullable: true, description: 'When it was decided.' }),
  }),
});

builder.prismaObjectField('ChatSession', 'pendingTransfer', (t) =>
  t.prismaField({
    type: 'Transfer',
    nullable: true,
    description: 'The transfer waiting for an answer, if any: the warning icon in the chat list. Agents only.',
    authScopes: { agent: true },
    resolve: (query, session, _args, ctx) => ctx.prisma.transfer.findFirst({ ...query, ...ctx.services.transfers.pendingOfSessionArgs(session.id) }),
  }),
);

builder.queryFields((t) => ({
  transferTargets: t.prismaField({
    type: ['Agent'],
    description: 'Whom you can transfer a chat to: Present, active members of its channel who can respond.',
    authScopes: { agent: true },
    args: { sessionId: t.arg.id({ required: true, description: 'The chat to transfer.' }) },
    resolve: async (query, _root, { sessionId }, ctx) => {
      const session = await ctx.services.chatReads.findReadable(ctx.principal, sessionId);
      return ctx.services.transfers.eligibleTargets(session, agentOf(ctx)!.id, query);
    },
  }),
}));

builder.mutationFields((t) => ({
  transferChat: t.prismaField({
    type: 'Transfer',
    description: 'Offers your chat to a Present member of its channel who can respond. The chat stays yours until they accept.',
    authScopes: { agent: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'Your chat.' }),
      toAgentId: t.arg.id({ required: true, description: 'The agent to offer it to.' }),
      note: t.arg.string({ description: 'A note for the target, up to 500 characters.' }),
    },
    resolve: async (query, _root, { sessionId, toAgentId, note }, ctx) => {
      const transfer = await ctx.services.transfers.offer(agentOf(ctx)!, sessionId, toAgentId, note);
      return ctx.prisma.transfer.findUniqueOrThrow({ ...query, where: { id: transfer.id } });
    },
  }),
  acceptTransfer: t.prismaField({
    type: 'Transfer',
    description: 'Takes a chat offered to you. The sender becomes a read-only listener.',
    authScopes: { agent: true },
    args: { transferId: t.arg.id({ required: true, description: 'The transfer offered to you.' }) },
    resolve: async (query, _root, { transferId }, ctx) => {
      const transfer = await ctx.services.transfers.accept(agentOf(ctx)!, transferId);
      return ctx.prisma.transfer.findUniqueOrThrow({ ...query, where: { id: transfer.id } });
    },
  }),
  rejectTransfer: t.prismaField({
    type: 'Transfer',
    description: 'Declines a chat offered to you; it stays with the sender.',
    authScopes: { agent: true },
    args: { transferId: t.arg.id({ required: true, description: 'The transfer offered to you.' }) },
    resolve: async (query, _root, { transferId }, ctx) => {
      const transfer = await ctx.services.transfers.reject(agentOf(ctx)!, transferId);
      return ctx.prisma.transfer.findUniqueOrThrow({ ...query, where: { id: transfer.id } });
    },
  }),
  cancelTransfer: t.prismaField({
    type: 'Transfer',
    description: 'Withdraws your pending offer.',
    authScopes: { agent: true },
    args: { transferId: t.arg.id({ required: true, description: 'Your pending transfer.' }) },
    resolve: async (query, _root, { transferId }, ctx) => {
      const transfer = await ctx.services.transfers.cancel(agentOf(ctx)!, transferId);
      return ctx.prisma.transfer.findUniqueOrThrow({ ...query, where: { id: transfer.id } });
    },
  }),
  takeOverChat: t.prismaField({
    type: 'ChatSession',
    description: 'A channel manager (or admin) takes a chat from whoever has it, or from the queue. The previous agent keeps read-only access.',
    authScopes: { agent: true },
    args: { sessionId: t.arg.id({ required: true, description: 'The chat.' }) },
    resolve: async (query, _root, { sessionId }, ctx) => {
      const session = await ctx.services.transfers.takeOver(agentOf(ctx)!, sessionId);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
}));
