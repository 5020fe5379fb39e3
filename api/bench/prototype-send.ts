// PROTOTYPE, bench only, off by default (BENCH_PROTOTYPE=single-statement-send). It is not part of
// the API: it measures what the top costs found by the bench would be worth if fixed, by swapping
// `services.chats.sendMessage` in the bench's server process for a version whose hot path
//   1. writes the message with ONE SQL statement (a data-modifying CTE: bump the session's
//      lastEventSeq, insert the ChatEvent, insert the Message) instead of a Prisma interactive
//      transaction (BEGIN, UPDATE, INSERT, INSERT, COMMIT: five round trips holding a pooled
//      connection, about 2 ms of CPU in Prisma's client), and
//   2. skips the ChannelMember lookup for the agent who owns the chat (agentMayRead() allows the
//      owner whatever the membership says).
// Everything off the hot path (ended chats, listeners, retried clientMessageIds, the unique
// violation of a duplicate) falls through to the real sendMessage, so results stay identical.
import type { Principal } from '../src/context';
import { forbidden, rateLimited, validation } from '../src/errors';
import { findReadableSession } from '../src/services/chat-access';
import { messageDto, type ChatEventDto, type MessageDto } from '../src/services/chat-dto';
import type { AppServices } from '../src/services/app-services';
import { cleanMessageBody } from '../src/services/chats';
import { randomUUID } from 'node:crypto';

const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export function installSingleStatementSend(services: AppServices) {
  const { prisma, chats, rateLimiter, config } = services;
  const original = chats.sendMessage;
  const limits = config.chat;
  let fastPath = 0;
  let fallback = 0;

  async function enforce(key: string, limit: { limit: number; windowSeconds: number }) {
    const result = await rateLimiter.hit(key, limit.limit, limit.windowSeconds);
    if (!result.allowed) throw rateLimited(result.retryAfterSeconds);
  }

  chats.sendMessage = async (principal: Principal | null, ip: string, input: { sessionId: string; body: string; clientMessageId: string }): Promise<MessageDto> => {
    if (!CLIENT_MESSAGE_ID.test(input.clientMessageId))
      throw validation('clientMessageId', 'must be 1–100 characters of letters, digits, "_", "-", ".", ":"');
    const body = cleanMessageBody(input.body);
    let session;
    let showPhoto = true;
    if (principal?.kind === 'visitor') {
      session = await findReadableSession(prisma, principal, input.sessionId);
      await enforce(`sendMessage:visitor:${principal.visitor.id}`, limits.sendMessagePerVisitor);
      await enforce(`sendMessage:ip:${ip}`, limits.sendMessagePerIp);
      if (session.status !== 'QUEUED' && session.status !== 'ACTIVE') return (fallback++, original(principal, ip, input));
    } else if (principal?.kind === 'agent') {
      session = await prisma.chatSession.findUnique({ where: { id: input.sessionId } }).catch(() => null);
      if (!session || session.agentId !== principal.agent.id || session.status !== 'ACTIVE') return (fallback++, original(principal, ip, input));
      showPhoto = (await prisma.channel.findUniqueOrThrow({ where: { id: session.channelId }, select: { showAgentPhoto: true } })).showAgentPhoto;
    } else {
      throw forbidden('Only the visitor and the agent handling the chat can write in it.');
    }

    const authorKind = principal.kind === 'visitor' ? 'VISITOR' : 'AGENT';
    const agent = principal.kind === 'agent' ? principal.agent : null;
    const id = randomUUID();
    const createdAt = new Date();
    const dto: MessageDto = {
      ...messageDto(
        { id, sessionId: session.id, seq: 0, authorKind, agentId: agent?.id ?? null, systemType: null, body, clientMessageId: input.clientMessageId, createdAt, readAt: null },
        agent,
        showPhoto,
      ),
      attachments: [],
    };
    const eventCreatedAt = new Date();
    // As chat-events' storedPayload(): the row's columns already hold cursor and sessionId.
    const { cursor: _c, sessionId: _s, ...storedMessage } = dto;
    const payload = JSON.stringify({ type: 'MESSAGE', audience: 'ALL', message: storedMessage });
    let rows: { seq: number }[];
    try {
      rows = await prisma.$queryRaw<{ seq: number }[]>`
        WITH s AS (
          UPDATE "ChatSession"
          SET "lastEventSeq" = "lastEventSeq" + 1, "lastActivityAt" = ${eventCreatedAt},
              "lastMessageAuthor" = ${authorKind}::"MessageAuthor", "lastMessageAt" = ${createdAt}
          WHERE id = ${session.id}::uuid
          RETURNING "lastEventSeq"
        ), e AS (
          INSERT INTO "ChatEvent" ("sessionId", seq, type, payload, "createdAt")
          SELECT ${session.id}::uuid, "lastEventSeq", 'MESSAGE'::"ChatEventType", ${payload}::jsonb, ${eventCreatedAt} FROM s
        )
        INSERT INTO "Message" (id, "sessionId", seq, "authorKind", "agentId", "systemType", body, "clientMessageId", "createdAt")
        SELECT ${id}::uuid, ${session.id}::uuid, "lastEventSeq", ${authorKind}::"MessageAuthor", ${agent?.id ?? null}::uuid, NULL, ${body}, ${input.clientMessageId}, ${createdAt} FROM s
        RETURNING seq`;
    } catch (error) {
      // A duplicate clientMessageId (unique violation): the whole statement rolled back; the real
      // code path finds the first message and returns it.
      if (/23505|Unique constraint/i.test(String((error as Error).message) + JSON.stringify((error as { meta?: unknown }).meta ?? ''))) {
        fallback++;
        return original(principal, ip, input);
      }
      throw error;
    }
    const seq = rows[0]!.seq;
    const event: ChatEventDto = {
      type: 'MESSAGE',
      audience: 'ALL',
      message: { ...dto, sessionId: session.id, cursor: seq },
      sessionId: session.id,
      cursor: seq,
      createdAt: eventCreatedAt.toISOString(),
    };
    chats.announce(session, [event]);
    fastPath++;
    return event.message!;
  };
  return () => ({ fastPath, fallback });
}
