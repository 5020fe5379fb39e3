import type { Context, Principal } from '../context';
import type { ChatSession } from '../generated/prisma/client';
import { forbidden, notFound } from '../errors';

/**
 * Whether a principal may read a chat session:
 * - a visitor: only their own sessions;
 * - an agent: admins everywhere, others in the channels they are members of;
 * - an API token: with the CHATS_READ scope.
 */
export async function canReadSession(ctx: Pick<Context, 'prisma'>, principal: Principal | null, session: ChatSession): Promise<boolean> {
  if (!principal) return false;
  switch (principal.kind) {
    case 'visitor':
      return session.visitorId === principal.visitor.id;
    case 'apiToken':
      return principal.apiToken.scopes.includes('CHATS_READ');
    case 'agent': {
      if (principal.agent.role === 'ADMIN') return true;
      const membership = await ctx.prisma.channelMember.findUnique({
        where: { channelId_agentId: { channelId: session.channelId, agentId: principal.agent.id } },
      });
      return membership !== null;
    }
  }
}

/**
 * Loads a session the caller may read. A visitor asking for someone else's session gets FORBIDDEN;
 * anyone else gets NOT_FOUND for sessions outside their reach, so ids leak nothing.
 */
export async function findReadableSession(ctx: Pick<Context, 'prisma' | 'principal'>, id: string): Promise<ChatSession> {
  const session = isUuid(id) ? await ctx.prisma.chatSession.findUnique({ where: { id } }) : null;
  if (!session) throw notFound('ChatSession', id);
  if (await canReadSession(ctx, ctx.principal, session)) return session;
  if (ctx.principal?.kind === 'visitor') throw forbidden('This visitor token belongs to another chat session.');
  throw notFound('ChatSession', id);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs in the database; anything else cannot exist, and must not reach a uuid column. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
