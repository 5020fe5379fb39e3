// Module agents: the people who answer chats. Owns agent accounts (create, update, deactivate),
// their presence, roles and notification settings, and announces changes on the agent and
// channel topics. Comes first among the modules: it imports none of them.
import type { Agent, AgentRole, Presence, Prisma, PrismaClient } from '../../generated/prisma/client';
import type { AgentSignal, ChannelSignal, EventBus } from '../../platform/pubsub';
import { conflict, notFound, prismaFailure, validation } from '../../platform/errors';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword } from '../../platform/passwords';
import { announceRevocation } from '../../platform/revocations';
import type { HandledChat } from './agent-chat-state';
import { cleanEmail, cleanHttpUrl, cleanOptionalText, cleanText } from '../../platform/validate';

export interface NewAgentInput {
  email: string;
  password: string;
  name: string;
  nickname?: string | null;
  role?: AgentRole | null;
}

export interface AgentChanges {
  email?: string | null;
  name?: string | null;
  nickname?: string | null;
  photoUrl?: string | null;
  role?: AgentRole | null;
  active?: boolean | null;
  password?: string | null;
  notifyBrowser?: boolean | null;
  notifySound?: boolean | null;
  notifyManagerWarnings?: boolean | null;
}

export function validatePassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) throw validation('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw validation('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

/** What an agent's deactivation needs of the queue (the chats module's queue service provides it). */
export interface AgentRelease {
  /** Requeues the agent's chats and cancels their offers in `tx`; the returned function announces it after commit. */
  releaseAgent(tx: Prisma.TransactionClient, agent: Agent): Promise<() => void>;
}

/** The console's tab badges of one agent. */
export interface AgentBadges {
  incoming: number;
  myChats: number;
  unread: number;
  transfersToMe: number;
}

export interface AgentServiceDeps {
  prisma: PrismaClient;
  bus: EventBus;
  queue: AgentRelease;
}

export function createAgentService({ prisma, bus, queue }: AgentServiceDeps) {
  /** Present agents receive chats and notifications; the change reaches every dashboard of their channels. */
  async function setPresence(agent: Agent, presence: Presence): Promise<Agent> {
    const updated = await prisma.agent.update({ where: { id: agent.id }, data: { presence, presenceChangedAt: new Date() } });
    await announcePresence(agent.id);
    return updated;
  }

  async function announcePresence(agentId: string) {
    const memberships = await prisma.channelMember.findMany({ where: { agentId }, select: { channelId: true } });
    for (const { channelId } of memberships) bus.publish('channel', channelId, { reason: 'presence' } satisfies ChannelSignal);
    bus.publish('agent', agentId, { reason: 'presence' } satisfies AgentSignal);
  }

  async function create(input: NewAgentInput): Promise<Agent> {
    const email = cleanEmail('email', input.email);
    validatePassword(input.password);
    const name = cleanText('name', input.name, { max: 100 });
    const nickname = cleanOptionalText('nickname', input.nickname, 50);
    if (await prisma.agent.findUnique({ where: { email } })) throw conflict(`An agent with email ${email} already exists.`, 'email');
    return prisma.agent.create({
      data: { email, name, nickname, role: input.role ?? 'AGENT', passwordHash: await hashPassword(input.password) },
    });
  }

  /**
   * Agents may change their own profile and password; admins may change anyone, including role
   * and active. A new password or deactivation revokes the target's other sessions; deactivation
   * also puts the chats they handle back in the queue and cancels their pending transfers.
   */
  async function update(caller: Agent, callerAuthSessionId: string | null, id: string, changes: AgentChanges): Promise<Agent> {
    const isAdmin = caller.role === 'ADMIN';
    const target = await prisma.agent.findUnique({ where: { id } });
    if (!target || (!isAdmin && target.id !== caller.id)) throw notFound('Agent', id);
    if (!isAdmin && changes.role != null) throw validation('role', 'only admins can change roles');
    if (!isAdmin && changes.active != null) throw validation('active', 'only admins can deactivate accounts');
    if (!isAdmin && changes.email != null) throw validation('email', 'only admins can change login emails');
    const email = changes.email != null ? cleanEmail('email', changes.email) : undefined;
    if (email && email !== target.email && (await prisma.agent.findUnique({ where: { email } })))
      throw conflict(`An agent with email ${email} already exists.`, 'email');
    const name = changes.name != null ? cleanText('name', changes.name, { max: 100 }) : undefined;
    const nickname = changes.nickname != null ? cleanOptionalText('nickname', changes.nickname, 50) : undefined;
    const photoUrl = changes.photoUrl != null ? cleanHttpUrl('photoUrl', changes.photoUrl) : undefined;
    const losesAdmin = changes.active === false || (changes.role != null && changes.role !== 'ADMIN');
    if (target.role === 'ADMIN' && losesAdmin) {
      const otherAdmins = await prisma.agent.count({ where: { role: 'ADMIN', active: true, id: { not: target.id } } });
      if (otherAdmins === 0) throw validation(changes.active === false ? 'active' : 'role', 'the last active admin must stay an active admin');
    }
    if (changes.password != null) validatePassword(changes.password);
    // Hashed before the transaction opens: on embedded PGlite an open transaction blocks every connection.
    const passwordHash = changes.password != null ? await hashPassword(changes.password) : undefined;

    const { updated, revokedSessionIds, announceReleased } = await prisma
      .$transaction(async (tx) => {
        const updated = await tx.agent.update({
          where: { id: target.id },
          data: {
            email,
            name,
            nickname,
            photoUrl,
            role: changes.role ?? undefined,
            active: changes.active ?? undefined,
            notifyBrowser: changes.notifyBrowser ?? undefined,
            notifySound: changes.notifySound ?? undefined,
            notifyManagerWarnings: changes.notifyManagerWarnings ?? undefined,
            // A deactivated agent no longer counts as Present for availability and transfers.
            ...(changes.active === false ? { presence: 'AWAY' as const, presenceChangedAt: new Date() } : {}),
            passwordHash,
          },
        });
        const revoked =
          changes.active === false || changes.password != null
            ? await tx.agentAuthSession.updateManyAndReturn({
                where: { agentId: target.id, revokedAt: null, id: callerAuthSessionId ? { not: callerAuthSessionId } : undefined },
                data: { revokedAt: new Date() },
                select: { id: true },
              })
            : [];
        const announceReleased = changes.active === false ? await queue.releaseAgent(tx, updated) : null;
        return { updated, revokedSessionIds: revoked.map((s) => s.id), announceReleased };
      })
      .catch((error: unknown) => {
        if (prismaFailure(error) === 'UNIQUE_VIOLATION') throw conflict(`An agent with email ${email} already exists.`, 'email');
        throw error;
      });
    announceRevocation(bus, { agentAuthSessionIds: revokedSessionIds });
    announceReleased?.();
    if (changes.active === false && target.presence === 'PRESENT') await announcePresence(target.id);
    return updated;
  }

  /** Badge counts now: chats waiting where the agent can respond (`respondableChannelIds`), their chats, unread visitor messages and transfers offered to them. */
  async function badges(agent: Agent, respondableChannelIds: readonly string[]): Promise<AgentBadges> {
    return (await badgesAndHandledChats(agent, respondableChannelIds)).badges;
  }

  /** The badges, and the active chats the agent handles with their unread visitor message cursors (what the unread badge counts). */
  async function badgesAndHandledChats(agent: Agent, respondableChannelIds: readonly string[]): Promise<{ badges: AgentBadges; handled: HandledChat[] }> {
    const [incoming, handled, transfersToMe] = await Promise.all([
      prisma.chatSession.count({ where: { status: 'QUEUED', channelId: { in: [...respondableChannelIds] } } }),
      prisma.$queryRaw<{ sessionId: string; agentReadSeq: number; unreadCursors: number[] }[]>`
        SELECT s.id AS "sessionId", s."agentReadSeq", array_remove(array_agg(m.seq), NULL) AS "unreadCursors"
        FROM "ChatSession" s
        LEFT JOIN "Message" m ON m."sessionId" = s.id AND m."authorKind" = 'VISITOR' AND m.seq > s."agentReadSeq"
        WHERE s."agentId" = ${agent.id}::uuid AND s.status = 'ACTIVE'
        GROUP BY s.id`,
      prisma.transfer.count({ where: { toAgentId: agent.id, status: 'PENDING' } }),
    ]);
    const unread = handled.reduce((sum, chat) => sum + chat.unreadCursors.length, 0);
    return { badges: { incoming, myChats: handled.length, unread, transfersToMe }, handled };
  }

  /** Every agent account, by name: the `agents` list. */
  function agentListArgs() {
    return { orderBy: { name: 'asc' } } satisfies Prisma.AgentFindManyArgs;
  }

  return { create, update, setPresence, badges, badgesAndHandledChats, agentListArgs };
}

export type AgentService = ReturnType<typeof createAgentService>;
