// Module chats, reads: what callers may read of the chats. Owns finding one session, its messages
// and unread count, listening in, the agent's own list and the filtered list of sessions, each
// narrowed to the sessions the caller may see.
import type { Agent, ChatSession, Prisma, PrismaClient, SessionStatus, Visitor } from '../../generated/prisma/client';
import { forbidden } from '../../platform/errors';
import { isUuid } from '../../platform/ids';
import type { Principal } from '../../platform/principal';
import { agentSessionRole, findReadableSession } from './chat-access';
import { AGENT_ONLY_SYSTEM_TYPES, messageDto, type MessageDto } from './chat-dto';
import { isEmailVerifiedIn } from './visitor-identity';

/** How long an agent's ended chats stay in their own list. */
const MY_ENDED_CHATS_HOURS = 8;
/** The most chats `myChats` returns. */
const MY_CHATS_LIMIT = 200;
/** Stands in for a malformed id in a filter: matches nothing, as an unknown id would. */
const NO_SUCH_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Messages a visitor may see. Not `NOT: { systemType: { in } }`: in SQL that is NULL for the
 * (systemType-less) visitor and agent messages, which would hide the whole conversation.
 */
const visitorVisible: Prisma.MessageWhereInput = { OR: [{ systemType: null }, { systemType: { notIn: [...AGENT_ONLY_SYSTEM_TYPES] } }] };

/**
 * The chat sessions a principal may list: visitors their own, non-admin agents those of their
 * channels, admins and API tokens all.
 */
export function sessionsVisibleTo(principal: Principal | null): Prisma.ChatSessionWhereInput {
  if (principal?.kind === 'visitor') return { visitorId: principal.visitor.id };
  if (principal?.kind === 'agent' && principal.agent.role !== 'ADMIN') return { channel: { members: { some: { agentId: principal.agent.id } } } };
  return {};
}

export interface ChatSessionFilter {
  status?: readonly SessionStatus[] | null;
  channelIds?: readonly string[] | null;
  agentId?: string | null;
  visitorId?: string | null;
  missed?: boolean | null;
  requestedAfter?: Date | null;
  requestedBefore?: Date | null;
}

export interface MessagePage {
  messages: MessageDto[];
  hasMore: boolean;
}

export interface ChatReadServiceDeps {
  prisma: PrismaClient;
}

export function createChatReadService({ prisma }: ChatReadServiceDeps) {
  /** A session the principal may read; NOT_FOUND otherwise, the same as for an unknown id. */
  function findReadable(principal: Principal | null, id: string): Promise<ChatSession> {
    return findReadableSession(prisma, principal, id);
  }

  /** Opens another agent's chat read-only: needs can-listen-in or manager in its channel, or to have handled it. */
  async function listenTo(principal: Principal | null, agent: Agent, sessionId: string): Promise<ChatSession> {
    const session = await findReadableSession(prisma, principal, sessionId);
    const role = await agentSessionRole(prisma, agent, session);
    if (!role.isAdmin && !role.membership?.canListenIn && !role.membership?.isManager && !role.isFormerOwner)
      throw forbidden('Listening in needs the can-listen-in flag in this channel.');
    return session;
  }

  /** Whether the visitor's email is verified in the channel they are read through. */
  function isEmailVerified(channelId: string, visitor: Pick<Visitor, 'id' | 'email'>): Promise<boolean> {
    return isEmailVerifiedIn(prisma, channelId, visitor);
  }

  /** Messages the reader's side has not read: visitor messages for agents, agent and system messages (those the visitor sees) for the visitor. */
  function unreadCount(session: Pick<ChatSession, 'id' | 'visitorReadSeq' | 'agentReadSeq'>, readerIsVisitor: boolean): Promise<number> {
    return prisma.message.count({
      where: readerIsVisitor
        ? { sessionId: session.id, seq: { gt: session.visitorReadSeq }, authorKind: { not: 'VISITOR' }, ...visitorVisible }
        : { sessionId: session.id, seq: { gt: session.agentReadSeq }, authorKind: 'VISITOR' },
    });
  }

  /** The `last` (1–200) messages before `beforeCursor`, oldest first; a visitor gets only what visitors see. */
  async function messagePage(
    session: Pick<ChatSession, 'id' | 'channelId'>,
    options: { beforeCursor?: number | null; last?: number | null; readerIsVisitor: boolean },
  ): Promise<MessagePage> {
    const take = Math.min(Math.max(options.last ?? 50, 1), 200);
    const where: Prisma.MessageWhereInput = {
      sessionId: session.id,
      ...(options.beforeCursor != null ? { seq: { lt: options.beforeCursor } } : {}),
      ...(options.readerIsVisitor ? visitorVisible : {}),
    };
    const [rows, channel] = await Promise.all([
      prisma.message.findMany({ where, orderBy: { seq: 'desc' }, take: take + 1, include: { agent: true } }),
      prisma.channel.findUniqueOrThrow({ where: { id: session.channelId }, select: { showAgentPhoto: true } }),
    ]);
    const page = rows.slice(0, take).reverse();
    return { messages: page.map((m) => messageDto(m, m.agent, channel.showAgentPhoto)), hasMore: rows.length > take };
  }

  /** The agent's list: chats they handle, those a pending transfer offers them, and their chats ended in the last 8 hours; newest activity first. */
  function myChatsQuery(agent: Agent) {
    return {
      where: {
        OR: [
          { agentId: agent.id, status: 'ACTIVE' },
          { agentId: agent.id, status: { in: ['ENDED', 'CLOSED'] }, endedAt: { gte: new Date(Date.now() - MY_ENDED_CHATS_HOURS * 3_600_000) } },
          { transfers: { some: { toAgentId: agent.id, status: 'PENDING' } } },
        ],
      },
      orderBy: { lastActivityAt: 'desc' },
      take: MY_CHATS_LIMIT,
    } satisfies Prisma.ChatSessionFindManyArgs;
  }

  /** The sessions a principal may see that meet every given condition; malformed ids match nothing. */
  function sessionsQuery(principal: Principal | null, filter: ChatSessionFilter | null | undefined) {
    const where: Prisma.ChatSessionWhereInput[] = [sessionsVisibleTo(principal)];
    const ids = (values: readonly string[] | null | undefined) => values?.filter(isUuid);
    if (filter?.status) where.push({ status: { in: [...filter.status] } });
    if (filter?.channelIds) where.push({ channelId: { in: ids(filter.channelIds) } });
    if (filter?.agentId != null) where.push({ agentId: isUuid(filter.agentId) ? filter.agentId : NO_SUCH_ID });
    if (filter?.visitorId != null) where.push({ visitorId: isUuid(filter.visitorId) ? filter.visitorId : NO_SUCH_ID });
    if (filter?.missed != null) where.push({ missed: filter.missed });
    if (filter?.requestedAfter) where.push({ requestedAt: { gte: filter.requestedAfter } });
    if (filter?.requestedBefore) where.push({ requestedAt: { lt: filter.requestedBefore } });
    return { where: { AND: where }, orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }] } satisfies Prisma.ChatSessionFindManyArgs;
  }

  return { findReadable, listenTo, isEmailVerified, unreadCount, messagePage, myChatsQuery, sessionsQuery };
}

export type ChatReadService = ReturnType<typeof createChatReadService>;
