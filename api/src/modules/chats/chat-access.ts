import type { Principal } from '../../platform/principal';
import type { Agent, ChatSession, ChannelMember, PrismaClient } from '../../generated/prisma/client';
import { forbidden, notFound } from '../../platform/errors';
import { isUuid } from '../../platform/ids';

type Db = Pick<PrismaClient, 'channelMember' | 'chatSession' | 'transfer'>;

/** How an agent relates to a session; decides what they may see and do. */
export interface AgentSessionRole {
  membership: ChannelMember | null;
  isOwner: boolean;
  isAdmin: boolean;
  /** A pending transfer offers this session to the agent. */
  isTransferTarget: boolean;
  /** Handled it before a transfer or takeover: now a read-only listener. */
  isFormerOwner: boolean;
}

export async function agentSessionRole(db: Db, agent: Agent, session: ChatSession): Promise<AgentSessionRole> {
  const [membership, transfers] = await Promise.all([
    db.channelMember.findUnique({ where: { channelId_agentId: { channelId: session.channelId, agentId: agent.id } } }),
    session.agentId === agent.id
      ? Promise.resolve([])
      : db.transfer.findMany({
          where: {
            sessionId: session.id,
            OR: [
              { toAgentId: agent.id, status: 'PENDING' },
              { fromAgentId: agent.id, status: 'ACCEPTED' },
            ],
          },
          select: { status: true, toAgentId: true },
        }),
  ]);
  return {
    membership,
    isOwner: session.agentId === agent.id,
    isAdmin: agent.role === 'ADMIN',
    isTransferTarget: transfers.some((t) => t.status === 'PENDING' && t.toAgentId === agent.id),
    isFormerOwner: transfers.some((t) => t.status === 'ACCEPTED'),
  };
}

/**
 * Whether an agent may read a session: admins always; the owner; former owners; a transfer's
 * target; members who can listen in or manage; responders while it waits in the queue; any
 * member once it is over (history in the contact panel).
 */
export function agentMayRead(role: AgentSessionRole, session: ChatSession): boolean {
  if (role.isAdmin || role.isOwner || role.isFormerOwner || role.isTransferTarget) return true;
  const m = role.membership;
  if (!m) return false;
  if (m.canListenIn || m.isManager) return true;
  if (session.status === 'QUEUED' || session.status === 'PRECHAT') return m.canRespond;
  return session.status !== 'ACTIVE';
}

/**
 * Loads a session the caller may read. A session outside the caller's reach is NOT_FOUND, the same
 * answer as for an id that does not exist, so ids leak nothing (a visitor asking for another
 * visitor's chat included).
 */
export async function findReadableSession(db: Db, principal: Principal | null, id: string): Promise<ChatSession> {
  const session = isUuid(id) ? await db.chatSession.findUnique({ where: { id } }) : null;
  if (!session) throw notFound('ChatSession', id);
  if (!principal) throw notFound('ChatSession', id);
  switch (principal.kind) {
    case 'visitor':
      if (session.visitorId !== principal.visitor.id) throw notFound('ChatSession', id);
      return session;
    case 'apiToken':
      if (!principal.apiToken.scopes.includes('CHATS_READ')) throw forbidden('Requires an API token with the CHATS_READ scope.');
      return session;
    case 'agent': {
      // The handling agent and admins may always read: no membership or transfer lookups on the hot path.
      if (session.agentId === principal.agent.id || principal.agent.role === 'ADMIN') return session;
      const role = await agentSessionRole(db, principal.agent, session);
      if (agentMayRead(role, session)) return session;
      // A member who lacks listen-in knows the chat exists (it is in their dashboard): say why.
      if (role.membership) throw forbidden('Listening in needs the can-listen-in flag in this channel.');
      throw notFound('ChatSession', id);
    }
  }
}
