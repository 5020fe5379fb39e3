// Module chats, the queue: chats waiting for an agent. Owns claiming the next chat and accepting
// one, the waiting list, a chat's place in it and the average wait, the channels an agent takes
// chats from or watches, and putting a deactivated agent's chats back in the queue.
import type { Agent, ChatSession, Prisma, PrismaClient } from '../../generated/prisma/client';
import { conflict, forbidden, notFound } from '../../platform/errors';
import type { EventBus } from '../../platform/pubsub';
import { isUuid } from '../../platform/ids';
import type { ChatEventDto } from './chat-dto';
import type { ChatEventLog } from './chat-events';
import { claimInOneStatement } from './queue-claim';
import type { RawSql } from '../../platform/db/client';
import type { ChatService } from './chats.service';
import type { AgentSignal, ChannelSignal } from '../../platform/pubsub';

export interface QueuedSession {
  session: ChatSession;
  /** 1 for the next chat to be taken. */
  position: number;
  waitSeconds: number;
}

export interface QueueStatus {
  sessionId: string;
  status: ChatSession['status'];
  /** Null once the chat has left the queue. */
  position: number | null;
  queueLength: number;
  /** Average wait of chats taken in this channel in the last 24 hours; null without data. */
  averageWaitSeconds: number | null;
}

const DEACTIVATED = 'Your account has been deactivated.';

/**
 * Inside a transaction that gives `agentId` a chat: waits for a deactivation of that agent in
 * progress, and refuses once it has committed, so no chat lands on an account being deactivated.
 */
export async function lockActiveAgent(tx: Prisma.TransactionClient, agentId: string) {
  const [row] = await tx.$queryRaw<{ active: boolean }[]>`SELECT active FROM "Agent" WHERE id = ${agentId}::uuid FOR SHARE`;
  if (!row?.active) throw forbidden(DEACTIVATED);
}

export interface QueueServiceDeps {
  prisma: PrismaClient;
  sql: RawSql;
  events: ChatEventLog;
  bus: EventBus;
  chats: ChatService;
}

export function createQueueService({ prisma, sql, events, bus, chats }: QueueServiceDeps) {
  /** Channels where the agent may take chats, narrowed to `channelIds` when given. */
  async function respondableChannels(agent: Agent, channelIds?: readonly string[] | null): Promise<string[]> {
    const memberships = await prisma.channelMember.findMany({ where: { agentId: agent.id, canRespond: true }, select: { channelId: true } });
    return narrow(
      memberships.map((m) => m.channelId),
      channelIds,
      'You cannot respond in channel',
    );
  }

  /**
   * Channels whose queue concerns the agent: where they can respond, get new-chat notifications
   * or are a manager (warned when a chat waits too long). Narrowed to `channelIds` when given.
   */
  async function watchedChannels(agent: Agent, channelIds?: readonly string[] | null): Promise<string[]> {
    const memberships = await prisma.channelMember.findMany({
      where: { agentId: agent.id, OR: [{ canRespond: true }, { getsNotifications: true }, { isManager: true }] },
      select: { channelId: true },
    });
    return narrow(
      memberships.map((m) => m.channelId),
      channelIds,
      'You neither respond, get notifications nor manage in channel',
    );
  }

  function narrow(mine: string[], channelIds: readonly string[] | null | undefined, refusal: string): string[] {
    if (!channelIds) return mine;
    const outside = channelIds.filter((id) => !mine.includes(id));
    if (outside.length) throw forbidden(`${refusal} ${outside[0]}.`);
    return [...new Set(channelIds)];
  }

  function finishClaim(claimed: { session: ChatSession; published: ChatEventDto[] }) {
    chats.announce(claimed.session, claimed.published);
    bus.publish('channel', claimed.session.channelId, { reason: 'queue', sessionId: claimed.session.id } satisfies ChannelSignal);
    return claimed.session;
  }

  /**
   * Claims the oldest waiting chat in the agent's channels, in one statement (queue-claim.ts).
   * Atomic under any concurrency: `FOR UPDATE SKIP LOCKED` hands each row to exactly one
   * claimer, and others move on to the next.
   */
  async function claimNext(agent: Agent, channelIds?: readonly string[] | null): Promise<ChatSession | null> {
    // A non-UUID cannot be a channel the agent responds in, and must not reach the uuid[] cast.
    const malformed = channelIds?.find((id) => !isUuid(id));
    if (malformed !== undefined) throw forbidden(`You cannot respond in channel ${malformed}.`);
    const outcome = await claimInOneStatement(sql, agent, { channelIds: channelIds ?? null });
    if (outcome.kind === 'refused') throw forbidden(`You cannot respond in channel ${outcome.channelId}.`);
    if (outcome.kind === 'deactivated') throw forbidden(DEACTIVATED);
    return outcome.kind === 'claimed' ? finishClaim(outcome) : null;
  }

  /** Claims one specific waiting chat; CONFLICT when another agent got it first. */
  async function accept(agent: Agent, sessionId: string): Promise<ChatSession> {
    const session = isUuid(sessionId) ? await prisma.chatSession.findUnique({ where: { id: sessionId } }) : null;
    if (!session) throw notFound('ChatSession', sessionId);
    const membership = await prisma.channelMember.findUnique({ where: { channelId_agentId: { channelId: session.channelId, agentId: agent.id } } });
    if (!membership) throw notFound('ChatSession', sessionId);
    if (!membership.canRespond) throw forbidden('You cannot respond in this channel.');
    const outcome = await claimInOneStatement(sql, agent, { channelIds: [session.channelId], sessionId: session.id });
    // Refused: the membership was withdrawn since it was read above.
    if (outcome.kind === 'refused') throw forbidden('You cannot respond in this channel.');
    if (outcome.kind === 'deactivated') throw forbidden(DEACTIVATED);
    if (outcome.kind === 'none')
      throw conflict(session.agentId === agent.id ? 'You already have this chat.' : 'This chat is no longer waiting: another agent took it or it ended.');
    return finishClaim(outcome);
  }

  async function averageWaitSeconds(channelIds: readonly string[]): Promise<number | null> {
    if (channelIds.length === 0) return null;
    const [row] = await prisma.$queryRaw<{ avg: number | null }[]>`
      SELECT avg(extract(epoch FROM ("startedAt" - "queuedAt")))::float8 AS avg
      FROM "ChatSession"
      WHERE "channelId" = ANY(${channelIds}::uuid[]) AND "startedAt" > now() - interval '24 hours' AND "queuedAt" IS NOT NULL`;
    return row?.avg == null ? null : Math.round(row.avg);
  }

  /** Waiting chats in the given channels, oldest first, with their position in their channel's queue. */
  async function waiting(channelIds: readonly string[]): Promise<QueuedSession[]> {
    const sessions = await prisma.chatSession.findMany({
      where: { status: 'QUEUED', channelId: { in: [...channelIds] } },
      orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
    });
    const perChannel = new Map<string, number>();
    const now = Date.now();
    return sessions.map((session) => {
      const position = (perChannel.get(session.channelId) ?? 0) + 1;
      perChannel.set(session.channelId, position);
      return { session, position, waitSeconds: Math.max(0, Math.round((now - (session.queuedAt ?? session.requestedAt).getTime()) / 1000)) };
    });
  }

  async function queueFor(agent: Agent, channelIds?: readonly string[] | null): Promise<QueuedSession[]> {
    return waiting(await watchedChannels(agent, channelIds));
  }

  /** The queue status of a session as it is now (its status may have changed since it was read). */
  async function statusOfSession(sessionId: string): Promise<QueueStatus> {
    return statusOf((await prisma.chatSession.findUnique({ where: { id: sessionId } })) as ChatSession);
  }

  /** What a waiting visitor sees: their place in line and the expected wait. */
  async function statusOf(session: ChatSession): Promise<QueueStatus> {
    const [queueLength, ahead, averageWait] = await Promise.all([
      prisma.chatSession.count({ where: { channelId: session.channelId, status: 'QUEUED' } }),
      session.status === 'QUEUED'
        ? prisma.chatSession.count({
            where: {
              channelId: session.channelId,
              status: 'QUEUED',
              OR: [{ queuedAt: { lt: session.queuedAt! } }, { queuedAt: session.queuedAt!, id: { lt: session.id } }],
            },
          })
        : Promise.resolve(null),
      averageWaitSeconds([session.channelId]),
    ]);
    return {
      sessionId: session.id,
      status: session.status,
      position: ahead === null ? null : ahead + 1,
      queueLength,
      averageWaitSeconds: averageWait,
    };
  }

  /**
   * Inside the transaction that deactivates `agent`: the chats they are handling go back to the
   * queue (the visitor is told why) and every pending transfer they offered or were offered is
   * cancelled. Returns what to announce once that transaction has committed.
   */
  async function releaseAgent(tx: Prisma.TransactionClient, agent: Agent): Promise<() => void> {
    const now = new Date();
    // Offers being decided right now finish first (a chat accepted by this agent is then requeued
    // below); the chat rows are locked before transfer rows, as every transfer decision does.
    const offered = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM "ChatSession"
      WHERE id IN (SELECT "sessionId" FROM "Transfer" WHERE status = 'PENDING' AND (${agent.id}::uuid IN ("fromAgentId", "toAgentId")))
      ORDER BY id FOR UPDATE`;
    const requeued = await tx.chatSession.updateManyAndReturn({
      where: { agentId: agent.id, status: 'ACTIVE' },
      data: { status: 'QUEUED', agentId: null, queuedAt: now, startedAt: null, agentReadSeq: 0 },
      select: { id: true, channelId: true, agentId: true },
    });
    const requeuedIds = new Set(requeued.map((s) => s.id));
    const withdrawn = await tx.transfer.findMany({
      where: { sessionId: { in: [...requeuedIds, ...offered.map((s) => s.id)] }, status: 'PENDING' },
      select: { id: true, sessionId: true, fromAgentId: true, toAgentId: true },
    });
    const name = agent.nickname || agent.name;
    const announcements: (() => void)[] = [];
    for (const session of requeued) {
      const cancelled = await chats.cancelPendingTransfers(tx, session.id, now);
      const published: ChatEventDto[] = [
        ...cancelled.published,
        await chats.appendMessage(tx, session, {
          authorKind: 'SYSTEM',
          systemType: 'RETURNED_TO_QUEUE',
          body: `${name} is no longer available, so the chat is back in the queue. The next free agent will answer.`,
          clientMessageId: null,
        }),
        await events.append(tx, session.id, { type: 'STATUS_CHANGED', audience: 'ALL', status: 'QUEUED' }),
      ];
      announcements.push(() => {
        chats.announce(session, published, [agent.id, ...cancelled.targets]);
        bus.publish('channel', session.channelId, { reason: 'queue', sessionId: session.id } satisfies ChannelSignal);
      });
    }
    // Offers on other agents' chats are withdrawn; the chat stays with whoever has it.
    for (const { id } of offered.filter((s) => !requeuedIds.has(s.id))) {
      const cancelled = await chats.cancelPendingTransfers(tx, id, now);
      announcements.push(() => events.publish(cancelled.published));
    }
    announcements.push(() => {
      for (const t of withdrawn)
        for (const agentId of [t.fromAgentId, t.toAgentId])
          bus.publish('agent', agentId, { reason: 'transfer', sessionId: t.sessionId, transferId: t.id } satisfies AgentSignal);
    });
    return () => {
      for (const announce of announcements) announce();
    };
  }

  return { claimNext, accept, queueFor, waiting, statusOf, statusOfSession, averageWaitSeconds, respondableChannels, watchedChannels, releaseAgent };
}

export type QueueService = ReturnType<typeof createQueueService>;
