// Module chats, transfers: handing a chat to another agent. Owns offering a transfer, accepting,
// rejecting and cancelling it, a channel manager taking a chat over, and whom a chat can be
// transferred to; both agents of a transfer are told of each step.
import type { Agent, ChatSession, Prisma, PrismaClient, Transfer } from '../../generated/prisma/client';
import { conflict, forbidden, notFound, validation } from '../../platform/errors';
import type { EventBus } from '../../platform/pubsub';
import { findReadableSession } from './chat-access';
import { isUuid } from '../../platform/ids';
import { participantDto, type ChatEventDto, type TransferDto } from './chat-dto';
import type { ChatEventLog } from './chat-events';
import type { ChatService } from './chats.service';
import type { AgentSignal } from '../../platform/pubsub';
import { lockActiveAgent } from './queue.service';
import { cleanOptionalText } from '../../platform/validate';

type TransferWithAgents = Transfer & { fromAgent: Agent; toAgent: Agent };

const asPrincipal = (agent: Agent) => ({ kind: 'agent' as const, agent, authSessionId: '' });

/**
 * Inside a transaction: locks the chat's row before any transfer row. Ending, takeover and accept
 * all change the session first; taking locks in that same order keeps concurrent decisions from
 * deadlocking, and serialises offers so that only one can be pending.
 */
async function lockSession(tx: Prisma.TransactionClient, sessionId: string) {
  const [row] = await tx.$queryRaw<{ status: string; agentId: string | null }[]>`
    SELECT status::text AS status, "agentId"::text AS "agentId" FROM "ChatSession" WHERE id = ${sessionId}::uuid FOR UPDATE`;
  return row;
}

function transferDto(t: TransferWithAgents): TransferDto {
  return { id: t.id, status: t.status, fromAgent: participantDto(t.fromAgent), toAgent: participantDto(t.toAgent) };
}

export interface TransferServiceDeps {
  prisma: PrismaClient;
  events: ChatEventLog;
  bus: EventBus;
  chats: ChatService;
}

/**
 * Transfers with an accept step: the sender offers, the target accepts or rejects, the sender
 * may cancel while it is pending. On accept the sender becomes a read-only listener.
 */
export function createTransferService({ prisma, events, bus, chats }: TransferServiceDeps) {
  function signal(transfer: Transfer) {
    for (const agentId of [transfer.fromAgentId, transfer.toAgentId])
      bus.publish('agent', agentId, { reason: 'transfer', sessionId: transfer.sessionId, transferId: transfer.id } satisfies AgentSignal);
  }

  /** Present, active members of the channel who can respond: whom a chat can be transferred to. */
  async function eligibleTargets(
    session: ChatSession,
    excludeAgentId: string,
    query: Pick<Prisma.AgentFindManyArgs, 'include' | 'select'> = {},
  ): Promise<Agent[]> {
    return prisma.agent.findMany({
      ...query,
      where: {
        id: { not: excludeAgentId },
        active: true,
        presence: 'PRESENT',
        memberships: { some: { channelId: session.channelId, canRespond: true } },
      },
      orderBy: { name: 'asc' },
    });
  }

  async function offer(agent: Agent, sessionId: string, toAgentId: string, note?: string | null): Promise<TransferWithAgents> {
    const session = await findReadableSession(prisma, asPrincipal(agent), sessionId);
    if (session.agentId !== agent.id) throw forbidden('Only the agent handling this chat can transfer it.');
    if (session.status !== 'ACTIVE') throw conflict('Only an active chat can be transferred.');
    if (toAgentId === agent.id) throw validation('toAgentId', 'cannot transfer a chat to yourself');
    const targets = await eligibleTargets(session, agent.id);
    const target = isUuid(toAgentId) ? targets.find((a) => a.id === toAgentId) : undefined;
    if (!target) throw validation('toAgentId', 'must be a Present member of this channel who can respond');
    const cleanNote = cleanOptionalText('note', note, 500);

    const result = await prisma.$transaction(async (tx) => {
      const locked = await lockSession(tx, session.id);
      if (locked?.status !== 'ACTIVE' || locked.agentId !== agent.id) throw conflict('The chat ended or changed hands; it cannot be transferred.');
      if (await tx.transfer.count({ where: { sessionId: session.id, status: 'PENDING' } }))
        throw conflict('This chat already has a pending transfer; cancel it first.');
      const transfer = await tx.transfer.create({
        data: { sessionId: session.id, fromAgentId: agent.id, toAgentId: target.id, note: cleanNote },
        include: { fromAgent: true, toAgent: true },
      });
      const event = await events.append(tx, session.id, { type: 'TRANSFER_OFFERED', audience: 'AGENTS', transfer: transferDto(transfer) });
      return { transfer, published: [event] };
    });
    events.publish(result.published);
    signal(result.transfer);
    return result.transfer;
  }

  async function loadPending(transferId: string): Promise<TransferWithAgents> {
    const transfer = isUuid(transferId) ? await prisma.transfer.findUnique({ where: { id: transferId }, include: { fromAgent: true, toAgent: true } }) : null;
    if (!transfer) throw notFound('Transfer', transferId);
    return transfer;
  }

  async function accept(agent: Agent, transferId: string): Promise<TransferWithAgents> {
    const transfer = await loadPending(transferId);
    if (transfer.toAgentId !== agent.id) throw notFound('Transfer', transferId);
    if (transfer.status !== 'PENDING') throw conflict(`This transfer was already ${transfer.status.toLowerCase()}.`);
    // The offer was checked when made; the target may since have lost the right to answer chats here.
    const session = await prisma.chatSession.findUniqueOrThrow({ where: { id: transfer.sessionId }, select: { channelId: true } });
    const membership = await prisma.channelMember.findUnique({ where: { channelId_agentId: { channelId: session.channelId, agentId: agent.id } } });
    if (!membership?.canRespond) throw forbidden('You can no longer respond in this chat’s channel; reject the transfer instead.');
    const result = await prisma.$transaction(async (tx) => {
      await lockActiveAgent(tx, agent.id);
      const now = new Date();
      const moved = await tx.chatSession.updateMany({
        where: { id: transfer.sessionId, status: 'ACTIVE', agentId: transfer.fromAgentId },
        data: { agentId: agent.id, agentReadSeq: 0 },
      });
      const decided = await tx.transfer.updateMany({
        where: { id: transfer.id, status: 'PENDING' },
        data: { status: moved.count ? 'ACCEPTED' : 'CANCELLED', respondedAt: now },
      });
      if (decided.count === 0) throw conflict('This transfer was already decided.');
      if (moved.count === 0) return { ok: false as const };
      const updated = await tx.transfer.findUniqueOrThrow({ where: { id: transfer.id }, include: { fromAgent: true, toAgent: true } });
      const session = await tx.chatSession.findUniqueOrThrow({ where: { id: transfer.sessionId }, include: { channel: true } });
      const shown = participantDto(agent, session.channel.showAgentPhoto);
      const published: ChatEventDto[] = [
        await events.append(tx, session.id, { type: 'TRANSFER_ACCEPTED', audience: 'AGENTS', transfer: transferDto(updated) }),
        await chats.appendMessage(tx, session, {
          authorKind: 'SYSTEM',
          systemType: 'TRANSFERRED',
          body: `${transfer.fromAgent.nickname || transfer.fromAgent.name} transferred the chat to ${agent.nickname || agent.name}.`,
          clientMessageId: null,
          agent,
          showPhoto: session.channel.showAgentPhoto,
        }),
        await events.append(tx, session.id, { type: 'AGENT_JOINED', audience: 'ALL', agent: shown }),
      ];
      return { ok: true as const, updated, session, published };
    });
    if (!result.ok) throw conflict('The chat changed hands or ended before the transfer was accepted; the offer is cancelled.');
    chats.announce(result.session, result.published, [transfer.fromAgentId]);
    signal(result.updated);
    return result.updated;
  }

  async function decline(agent: Agent, transferId: string, as: 'REJECTED' | 'CANCELLED'): Promise<TransferWithAgents> {
    const transfer = await loadPending(transferId);
    const actor = as === 'REJECTED' ? transfer.toAgentId : transfer.fromAgentId;
    if (actor !== agent.id) {
      if (transfer.toAgentId === agent.id || transfer.fromAgentId === agent.id)
        throw forbidden(as === 'REJECTED' ? 'Only the target of a transfer can reject it.' : 'Only the sender of a transfer can cancel it.');
      throw notFound('Transfer', transferId);
    }
    const result = await prisma.$transaction(async (tx) => {
      await lockSession(tx, transfer.sessionId);
      const decided = await tx.transfer.updateMany({ where: { id: transfer.id, status: 'PENDING' }, data: { status: as, respondedAt: new Date() } });
      if (decided.count === 0) throw conflict('This transfer was already decided.');
      const updated = await tx.transfer.findUniqueOrThrow({ where: { id: transfer.id }, include: { fromAgent: true, toAgent: true } });
      const published: ChatEventDto[] = [
        await events.append(tx, transfer.sessionId, {
          type: as === 'REJECTED' ? 'TRANSFER_REJECTED' : 'TRANSFER_CANCELLED',
          audience: 'AGENTS',
          transfer: transferDto(updated),
        }),
      ];
      if (as === 'REJECTED') {
        const session = await tx.chatSession.findUniqueOrThrow({ where: { id: transfer.sessionId } });
        published.push(
          await chats.appendMessage(tx, session, {
            authorKind: 'SYSTEM',
            systemType: 'TRANSFER_REJECTED',
            body: `${agent.nickname || agent.name} declined the transfer.`,
            clientMessageId: null,
            audience: 'AGENTS',
          }),
        );
      }
      return { updated, published };
    });
    events.publish(result.published);
    signal(result.updated);
    return result.updated;
  }

  /** A channel manager (or admin) takes an active or waiting chat, whoever has it. */
  async function takeOver(agent: Agent, sessionId: string): Promise<ChatSession> {
    const session = await findReadableSession(prisma, asPrincipal(agent), sessionId);
    const membership = await prisma.channelMember.findUnique({ where: { channelId_agentId: { channelId: session.channelId, agentId: agent.id } } });
    if (agent.role !== 'ADMIN' && !membership?.isManager) throw forbidden('Only a manager of this channel can take over a chat.');
    if (session.agentId === agent.id) return session;
    if (session.status !== 'ACTIVE' && session.status !== 'QUEUED') throw conflict('Only an active or waiting chat can be taken over.');
    const previousAgentId = session.agentId;
    const result = await prisma.$transaction(async (tx) => {
      await lockActiveAgent(tx, agent.id);
      const now = new Date();
      const moved = await tx.chatSession.updateMany({
        where: { id: session.id, status: session.status, agentId: previousAgentId },
        data: { agentId: agent.id, status: 'ACTIVE', startedAt: session.startedAt ?? now, agentReadSeq: 0 },
      });
      if (moved.count === 0) throw conflict('The chat changed while taking it over; try again.');
      const cancelled = await chats.cancelPendingTransfers(tx, session.id, now);
      // The previous agent keeps read-only access as a former owner, recorded as an accepted transfer.
      if (previousAgentId)
        await tx.transfer.create({
          data: { sessionId: session.id, fromAgentId: previousAgentId, toAgentId: agent.id, status: 'ACCEPTED', respondedAt: now, note: 'taken over' },
        });
      const channel = await tx.channel.findUniqueOrThrow({ where: { id: session.channelId } });
      const shown = participantDto(agent, channel.showAgentPhoto);
      const published: ChatEventDto[] = [
        ...cancelled.published,
        await chats.appendMessage(tx, session, {
          authorKind: 'SYSTEM',
          systemType: 'TAKEN_OVER',
          body: `${agent.nickname || agent.name} took over the chat.`,
          clientMessageId: null,
          agent,
          showPhoto: channel.showAgentPhoto,
        }),
        await events.append(tx, session.id, { type: 'AGENT_JOINED', audience: 'ALL', agent: shown }),
      ];
      if (session.status === 'QUEUED')
        published.push(await events.append(tx, session.id, { type: 'STATUS_CHANGED', audience: 'ALL', status: 'ACTIVE', agent: shown }));
      return { session: await tx.chatSession.findUniqueOrThrow({ where: { id: session.id } }), published, notify: cancelled.targets };
    });
    chats.announce(result.session, result.published, [previousAgentId, ...result.notify]);
    if (session.status === 'QUEUED') bus.publish('channel', session.channelId, { reason: 'queue', sessionId: session.id });
    return result.session;
  }

  /** The one transfer of a session still waiting for an answer: the filter of `ChatSession.pendingTransfer`. */
  function pendingOfSessionArgs(sessionId: string) {
    return { where: { sessionId, status: 'PENDING' } } satisfies Prisma.TransferFindFirstArgs;
  }

  return {
    offer,
    accept,
    reject: (agent: Agent, id: string) => decline(agent, id, 'REJECTED'),
    cancel: (agent: Agent, id: string) => decline(agent, id, 'CANCELLED'),
    takeOver,
    eligibleTargets,
    pendingOfSessionArgs,
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
