// Module chats: the conversation itself. Owns the chat lifecycle, messages and the event log,
// the queue, transfers, idle endings, attachments and the visitor's identity in a chat.
// Imports identity and channels.
import { randomUUID } from 'node:crypto';
import type { ChatLimits } from '../../platform/config';
import type { Principal } from '../../platform/principal';
import { AppError, conflict, forbidden, notFound, prismaFailure, validation } from '../../platform/errors';
import type { Agent, ChatSession, Prisma, PrismaClient, Visitor } from '../../generated/prisma/client';
import type { ChannelSignal, EventBus } from '../../platform/pubsub';
import type { AgentChatSignal, ChatChange } from '../agents/agent-chat-state';
import type { AuthService } from '../identity/auth.service';
import { archivedChannelError, channelAvailability } from '../channels/availability';
import { agentSessionRole, findReadableSession } from './chat-access';
import { isUuid } from '../../platform/ids';
import { checkIdentityClaim, saveVisitorIdentity, type SavedVisitorIdentity } from './visitor-identity';
import { messageDto, participantDto, type AttachmentDto, type ChatEventDto, type MessageDto } from './chat-dto';
import type { ChatEventLog } from './chat-events';
import { enforceRateLimit, type RateLimiter } from '../../platform/rate-limiter';
import { optionalText, wholeNumber } from '../../platform/validation';
import { cleanVisitorFields, type VisitorFieldsInput } from './visitor-fields';

/** A visitor's rating of an ended chat, and its optional comment. */
export const chatRating = wholeNumber('rating', 1, 5);
export const chatRatingComment = optionalText('comment', 1000);

export const MAX_MESSAGE_LENGTH = 4000;
const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const ACTIVE_STATUSES = ['QUEUED', 'ACTIVE'] as const;

export interface StartChatInput extends VisitorFieldsInput {
  channelId: string;
  message: string;
  /** Hex HMAC-SHA256 of the email with the channel's identity secret (see services/identity.ts). */
  emailSignature?: string | null;
}

/**
 * Strips control characters (keeping newlines and tabs), trims, and enforces 1–4000 characters.
 */
export function cleanMessageBody(body: string, field = 'body'): string {
  const cleaned = body
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(/\r\n?/g, '\n')
    .trim();
  if (cleaned === '') throw validation(field, 'must not be empty');
  if (cleaned.length > MAX_MESSAGE_LENGTH) throw validation(field, `must be at most ${MAX_MESSAGE_LENGTH} characters`);
  return cleaned;
}

/** What messages and read receipts changed in a chat's list row; undefined when any event is of another kind (or a message's files are not in it). */
export function chatChangeOf(published: readonly ChatEventDto[]): ChatChange | undefined {
  if (!published.length) return undefined;
  const change: ChatChange = {
    lastEventCursor: 0,
    lastActivityAt: '',
    lastMessage: null,
    lastMessageAt: null,
    lastMessageAuthor: null,
    visitorMessageCursors: [],
    agentReadUpTo: null,
  };
  for (const event of published) {
    if (event.cursor == null) return undefined;
    if (event.type === 'MESSAGE' && event.message?.attachments) {
      const message = event.message;
      change.lastMessage = { ...message, cursor: event.cursor };
      if (message.authorKind !== 'SYSTEM') {
        change.lastMessageAt = message.createdAt;
        change.lastMessageAuthor = message.authorKind;
      }
      if (message.authorKind === 'VISITOR') change.visitorMessageCursors.push(event.cursor);
    } else if (event.type === 'READ' && event.read) {
      if (event.read.by === 'AGENT') change.agentReadUpTo = Math.max(change.agentReadUpTo ?? 0, event.read.upToCursor);
    } else return undefined;
    change.lastEventCursor = Math.max(change.lastEventCursor, event.cursor);
    change.lastActivityAt = event.createdAt;
  }
  return change;
}

/** A new message's DTO before it is stored; the cursor is filled in by the event log. */
function newMessageDto(
  sessionId: string,
  draft: {
    authorKind: MessageDto['authorKind'];
    body: string;
    clientMessageId: string | null;
    agent?: Agent | null;
    systemType?: MessageDto['systemType'];
    attachments?: AttachmentDto[];
  },
  showPhoto: boolean,
): MessageDto {
  return {
    ...messageDto(
      {
        id: randomUUID(),
        sessionId,
        seq: 0,
        authorKind: draft.authorKind,
        agentId: draft.agent?.id ?? null,
        systemType: draft.systemType ?? null,
        body: draft.body,
        clientMessageId: draft.clientMessageId,
        createdAt: new Date(),
        readAt: null,
      },
      draft.agent ?? null,
      showPhoto,
    ),
    attachments: draft.attachments ?? [],
  };
}

export interface ChatServiceDeps {
  prisma: PrismaClient;
  events: ChatEventLog;
  bus: EventBus;
  rateLimiter: RateLimiter;
  auth: AuthService;
  limits: ChatLimits;
}

export function createChatService({ prisma, events, bus, rateLimiter, auth, limits }: ChatServiceDeps) {
  const enforce = (key: string, limit: { limit: number; windowSeconds: number }) => enforceRateLimit(rateLimiter, key, limit);

  /** After commit: chat events to subscribers, and refresh signals to consoles and dashboards. */
  function announce(session: Pick<ChatSession, 'id' | 'channelId' | 'agentId'>, published: ChatEventDto[], extraAgents: (string | null)[] = []) {
    events.publish(published);
    // The handling agent's console merges a message or read receipt from the signal alone.
    const change = chatChangeOf(published);
    bus.publish('channel', session.channelId, {
      reason: 'sessions',
      sessionId: session.id,
      ...(change ? { activity: true } : {}),
    } satisfies ChannelSignal);
    for (const agentId of new Set([session.agentId, ...extraAgents]))
      if (agentId)
        bus.publish('agent', agentId, {
          reason: 'chats',
          sessionId: session.id,
          ...(change && agentId === session.agentId ? { change } : {}),
        } satisfies AgentChatSignal);
  }

  async function startChat(principal: Principal | null, visitorToken: string | null, ip: string, input: StartChatInput) {
    if (principal && principal.kind !== 'visitor') throw forbidden('startChat is for visitors; call it without an agent or API token.');
    await enforce(`startChat:ip:${ip}`, limits.startChatPerIp);
    if (principal?.kind === 'visitor') await enforce(`startChat:visitor:${principal.visitor.id}`, limits.startChatPerVisitor);

    const channel = isUuid(input.channelId) ? await prisma.channel.findUnique({ where: { id: input.channelId } }) : null;
    if (!channel) throw notFound('Channel', input.channelId);
    if (channel.archivedAt) throw archivedChannelError(channel.name);
    const fields = cleanVisitorFields(input, channel.prechatEnabled ? channel.prechatRequiredFields : []);
    const body = cleanMessageBody(input.message, 'message');
    const known = principal?.kind === 'visitor' ? principal.visitor : null;
    const accepted = await checkIdentityClaim(prisma, { channel, visitor: known, email: fields.email, signature: input.emailSignature });

    if (known && visitorToken) {
      // A second start (another tab, a lost response) joins the chat already open in this
      // channel instead of queueing a duplicate; the message is kept there.
      const open = await prisma.chatSession.findFirst({
        where: { visitorId: known.id, channelId: channel.id, status: { in: [...ACTIVE_STATUSES] } },
        orderBy: { requestedAt: 'desc' },
      });
      if (open) {
        const saved = await prisma.$transaction((tx) => saveVisitorIdentity(tx, events, { channel, visitor: known, fields, accepted }));
        announceVisitorUpdated(saved);
        await storeMessage(open, 'VISITOR', randomUUID(), (tx) => appendMessage(tx, open, { authorKind: 'VISITOR', body, clientMessageId: null }));
        return { session: await prisma.chatSession.findUniqueOrThrow({ where: { id: open.id } }), visitorToken };
      }
    }

    const availability = await channelAvailability(prisma, channel.id);
    if (!availability.online)
      throw new AppError('CHANNEL_OFFLINE', `${channel.name} cannot take chats right now: show the offline form.`, {
        reason: availability.reason,
        offlineForm: true,
      });

    let visitor: Visitor;
    let token: string;
    if (known && visitorToken) {
      visitor = known;
      token = visitorToken;
    } else {
      ({ visitor, token } = await auth.createVisitor({ ...fields, ip }));
    }

    const now = new Date();
    const { session, published, saved } = await prisma.$transaction(async (tx) => {
      // Before the new chat exists: its agent reads the visitor fresh; the visitor's other open chats are told.
      const saved = await saveVisitorIdentity(tx, events, { channel, visitor, fields, accepted });
      const ahead = await tx.chatSession.count({ where: { channelId: channel.id, status: 'QUEUED' } });
      const session = await tx.chatSession.create({
        data: {
          channelId: channel.id,
          visitorId: visitor.id,
          status: 'QUEUED',
          requestedAt: now,
          queuedAt: now,
          initialQueuePosition: ahead + 1,
        },
      });
      const published = [
        await events.append(tx, session.id, { type: 'STATUS_CHANGED', audience: 'ALL', status: 'QUEUED' }),
        await appendMessage(tx, session, { authorKind: 'VISITOR', body, clientMessageId: null }),
      ];
      return { session: await tx.chatSession.findUniqueOrThrow({ where: { id: session.id } }), published, saved };
    });
    announceVisitorUpdated(saved);
    announce(session, published);
    bus.publish('channel', channel.id, { reason: 'queue', sessionId: session.id } satisfies ChannelSignal);
    return { session, visitorToken: token };
  }

  /** After commit: the VISITOR_UPDATED events saveVisitorIdentity appended. */
  function announceVisitorUpdated(saved: Pick<SavedVisitorIdentity, 'published'>) {
    for (const { session, events: written } of saved.published) announce(session, written);
  }

  /** Inside a transaction: stores a message as the session's next event. */
  async function appendMessage(
    tx: Prisma.TransactionClient,
    session: Pick<ChatSession, 'id'>,
    draft: {
      authorKind: 'VISITOR' | 'AGENT' | 'SYSTEM';
      body: string;
      clientMessageId: string | null;
      agent?: Agent | null;
      systemType?: MessageDto['systemType'];
      showPhoto?: boolean;
      audience?: 'ALL' | 'AGENTS';
      attachments?: AttachmentDto[];
    },
    sessionUpdate: Prisma.ChatSessionUpdateInput = {},
  ): Promise<ChatEventDto> {
    const dto = newMessageDto(session.id, draft, draft.showPhoto ?? true);
    const id = dto.id;
    const createdAt = new Date(dto.createdAt);
    const lastMessage: Prisma.ChatSessionUpdateInput = draft.authorKind === 'SYSTEM' ? {} : { lastMessageAuthor: draft.authorKind, lastMessageAt: createdAt };
    const event = await events.append(
      tx,
      session.id,
      { type: 'MESSAGE', audience: draft.audience ?? 'ALL', message: dto },
      { ...sessionUpdate, ...lastMessage },
    );
    await tx.message.create({
      data: {
        id,
        sessionId: session.id,
        seq: event.cursor!,
        authorKind: draft.authorKind,
        agentId: draft.agent?.id ?? null,
        systemType: draft.systemType ?? null,
        body: draft.body,
        clientMessageId: draft.clientMessageId,
        createdAt,
      },
    });
    return event;
  }

  async function existingMessage(sessionId: string, clientMessageId: string, authorKind: 'VISITOR' | 'AGENT'): Promise<MessageDto | null> {
    const existing = await prisma.message.findUnique({
      where: { sessionId_clientMessageId: { sessionId, clientMessageId } },
      include: { agent: true, session: { select: { channel: { select: { showAgentPhoto: true } } } } },
    });
    if (!existing) return null;
    if (existing.authorKind !== authorKind) throw conflict('clientMessageId is already used by another message in this chat.', 'clientMessageId');
    return messageDto(existing, existing.agent, existing.session.channel.showAgentPhoto);
  }

  async function sendMessage(
    principal: Principal | null,
    ip: string,
    input: { sessionId: string; body: string; clientMessageId: string },
  ): Promise<MessageDto> {
    if (!CLIENT_MESSAGE_ID.test(input.clientMessageId)) throw validation('clientMessageId', 'must be 1–100 characters of letters, digits, "_", "-", ".", ":"');
    const body = cleanMessageBody(input.body);
    if (principal?.kind === 'visitor') {
      await enforce(`sendMessage:visitor:${principal.visitor.id}`, limits.sendMessagePerVisitor);
      await enforce(`sendMessage:ip:${ip}`, limits.sendMessagePerIp);
    }
    const stored = await appendWhileWritable(principal, input.sessionId, body, input.clientMessageId);
    if (stored) return stored;

    // Off the hot path: find out why the chat was not writable, or whether this is a retry.
    const session = await findReadableSession(prisma, principal, input.sessionId);
    if (principal?.kind === 'visitor') {
      if (session.status === 'QUEUED' || session.status === 'ACTIVE')
        return storeMessage(session, 'VISITOR', input.clientMessageId, (tx) =>
          appendMessage(tx, session, { authorKind: 'VISITOR', body, clientMessageId: input.clientMessageId }),
        );
      // A retry of a message sent before the chat ended returns that message; anything else may reopen it.
      return (await existingMessage(session.id, input.clientMessageId, 'VISITOR')) ?? returnToChat(session, body, input.clientMessageId);
    }
    if (principal?.kind !== 'agent') throw forbidden('Only the visitor and the agent handling the chat can write in it.');
    if (session.agentId !== principal.agent.id || session.status !== 'ACTIVE') {
      const retried = await existingMessage(session.id, input.clientMessageId, 'AGENT');
      if (retried) return retried;
      if (session.agentId !== principal.agent.id) throw forbidden('Only the agent handling this chat can write in it; you are listening.');
      throw conflict(`This chat is ${session.status.toLowerCase()}; messages can no longer be sent.`);
    }
    const channel = await prisma.channel.findUniqueOrThrow({ where: { id: session.channelId }, select: { showAgentPhoto: true } });
    return storeMessage(session, 'AGENT', input.clientMessageId, (tx) =>
      appendMessage(tx, session, {
        authorKind: 'AGENT',
        body,
        clientMessageId: input.clientMessageId,
        agent: principal.agent,
        showPhoto: channel.showAgentPhoto,
      }),
    );
  }

  /**
   * The common case in one statement: the visitor writes in their queued or active chat, or the
   * handling agent in their active chat. Returns null for anything else (the caller's full path
   * decides), and a retried clientMessageId returns the first message.
   */
  async function appendWhileWritable(principal: Principal | null, sessionId: string, body: string, clientMessageId: string): Promise<MessageDto | null> {
    if (!isUuid(sessionId) || (principal?.kind !== 'visitor' && principal?.kind !== 'agent')) return null;
    const author = principal.kind === 'visitor' ? 'VISITOR' : 'AGENT';
    const agent = principal.kind === 'agent' ? principal.agent : null;
    const guard =
      principal.kind === 'agent'
        ? { agentId: principal.agent.id, statuses: ['ACTIVE' as const] }
        : { visitorId: principal.visitor.id, statuses: [...ACTIVE_STATUSES] };
    const message = newMessageDto(sessionId, { authorKind: author, body, clientMessageId, agent }, true);
    try {
      const stored = await events.appendGuardedMessage(sessionId, {
        message,
        messageWithoutPhoto: agent?.photoUrl ? { ...message, author: { ...message.author!, photoUrl: null } } : message,
        guard,
      });
      if (!stored) return null;
      announce(stored.session, [stored.event]);
      return stored.event.message!;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return existingMessage(sessionId, clientMessageId, author);
      throw error;
    }
  }

  /**
   * Runs the write in a transaction and announces it. The unique (session, clientMessageId) index
   * makes a retry fail as a whole, with no cursor used up; the retry then returns the first message.
   */
  async function storeMessage(
    session: ChatSession,
    author: 'VISITOR' | 'AGENT',
    clientMessageId: string,
    write: (tx: Prisma.TransactionClient) => Promise<ChatEventDto | ChatEventDto[]>,
    options: { reassigns?: boolean; extraAgents?: (string | null)[] } = {},
  ) {
    try {
      const written = await prisma.$transaction(async (tx) => [await write(tx)].flat());
      const current = options.reassigns
        ? await prisma.chatSession.findUniqueOrThrow({ where: { id: session.id }, select: { id: true, channelId: true, agentId: true } })
        : session;
      announce(current, written, options.extraAgents);
      return written[written.length - 1]!.message!;
    } catch (error) {
      if (prismaFailure(error) === 'UNIQUE_VIOLATION') {
        const existing = await existingMessage(session.id, clientMessageId, author);
        if (existing) return existing;
      }
      throw error;
    }
  }

  async function returnToChat(session: ChatSession, body: string, clientMessageId: string): Promise<MessageDto> {
    const reopenable = session.status === 'ENDED' && session.endedAt && Date.now() - session.endedAt.getTime() <= limits.reopenWindowMinutes * 60_000;
    if (!reopenable) throw conflict('This chat has ended. Start a new chat to continue.');

    // "Return to chat": back to the same agent if they can still take it, otherwise to the queue.
    const previousAgent = session.agentId
      ? await prisma.agent.findFirst({
          where: {
            id: session.agentId,
            active: true,
            presence: 'PRESENT',
            memberships: { some: { channelId: session.channelId, canRespond: true } },
          },
        })
      : null;
    const now = new Date();
    const reopened: Prisma.ChatSessionUpdateInput = previousAgent
      ? { status: 'ACTIVE', endedAt: null, endedBy: null, missed: false }
      : { status: 'QUEUED', endedAt: null, endedBy: null, missed: false, agent: { disconnect: true }, queuedAt: now, startedAt: null };
    return storeMessage(
      session,
      'VISITOR',
      clientMessageId,
      async (tx) => {
        // Only one concurrent "return to chat" reopens; the other just adds its message.
        const stillEnded = await tx.chatSession.updateMany({ where: { id: session.id, status: 'ENDED' }, data: { lastActivityAt: now } });
        const written: ChatEventDto[] = [];
        if (stillEnded.count === 1) {
          written.push(
            await appendMessage(
              tx,
              session,
              { authorKind: 'SYSTEM', systemType: 'REOPENED', body: 'The visitor returned to the chat.', clientMessageId: null },
              reopened,
            ),
            await events.append(tx, session.id, { type: 'STATUS_CHANGED', audience: 'ALL', status: previousAgent ? 'ACTIVE' : 'QUEUED' }),
          );
        }
        written.push(await appendMessage(tx, session, { authorKind: 'VISITOR', body, clientMessageId }));
        return written;
      },
      { reassigns: true, extraAgents: [session.agentId] },
    ).then((message) => {
      if (!previousAgent) bus.publish('channel', session.channelId, { reason: 'queue', sessionId: session.id } satisfies ChannelSignal);
      return message;
    });
  }

  async function setTyping(principal: Principal | null, sessionId: string, isTyping: boolean): Promise<boolean> {
    // Before any lookup: a flood (aliases in one request) costs a counter each, and fans nothing out past the limit.
    const caller = principal?.kind === 'visitor' ? `visitor:${principal.visitor.id}` : principal?.kind === 'agent' ? `agent:${principal.agent.id}` : null;
    if (caller) await enforce(`typing:${caller}:${sessionId.slice(0, 64)}`, limits.setTypingPerChat);
    const session = await findReadableSession(prisma, principal, sessionId);
    if (!ACTIVE_STATUSES.includes(session.status as never)) return false;
    if (principal?.kind === 'visitor') {
      events.publishEphemeral(session.id, { type: 'TYPING', audience: 'ALL', typing: { by: 'VISITOR', isTyping } });
      return true;
    }
    if (principal?.kind === 'agent' && session.agentId === principal.agent.id) {
      events.publishEphemeral(session.id, { type: 'TYPING', audience: 'ALL', typing: { by: 'AGENT', isTyping }, agent: participantDto(principal.agent) });
      return true;
    }
    throw forbidden('Only the visitor and the agent handling the chat can type in it.');
  }

  /** Read receipts. Only the visitor and the handling agent mark read: listening in stays invisible. */
  async function markRead(principal: Principal | null, sessionId: string, upToCursor: number): Promise<Pick<ChatSession, 'id'>> {
    if (!Number.isInteger(upToCursor) || upToCursor < 0) throw validation('upToCursor', 'must be a cursor (a whole number ≥ 0)');
    // One statement when the reader is the chat's visitor or handling agent and moves forward.
    const reader =
      principal?.kind === 'visitor'
        ? ({ side: 'VISITOR', id: principal.visitor.id } as const)
        : principal?.kind === 'agent'
          ? ({ side: 'AGENT', id: principal.agent.id } as const)
          : null;
    if (reader && isUuid(sessionId)) {
      const read = await events.appendGuardedRead(sessionId, reader, upToCursor);
      if (read) {
        announce(read.session, [read.event]);
        return read.session;
      }
    }
    const session = await findReadableSession(prisma, principal, sessionId);
    const upTo = Math.min(upToCursor, session.lastEventSeq);
    let side: 'VISITOR' | 'AGENT';
    if (principal?.kind === 'visitor') side = 'VISITOR';
    else if (principal?.kind === 'agent' && session.agentId === principal.agent.id) side = 'AGENT';
    else throw forbidden('Only the visitor and the agent handling the chat mark it read.');

    const readField = side === 'VISITOR' ? 'visitorReadSeq' : 'agentReadSeq';
    if (upTo <= session[readField]) return session;
    const published = await prisma.$transaction(async (tx) => {
      const advanced = await tx.chatSession.updateMany({ where: { id: session.id, [readField]: { lt: upTo } }, data: { [readField]: upTo } });
      if (advanced.count === 0) return [];
      await tx.message.updateMany({
        where: { sessionId: session.id, seq: { lte: upTo }, readAt: null, authorKind: side === 'VISITOR' ? { not: 'VISITOR' } : 'VISITOR' },
        data: { readAt: new Date() },
      });
      return [await events.append(tx, session.id, { type: 'READ', audience: 'ALL', read: { by: side, upToCursor: upTo } })];
    });
    if (published.length) announce(session, published);
    return session;
  }

  /**
   * Ends a chat: the visitor, the handling agent, a manager of the channel or an admin. A chat
   * that ends while still queued is missed. Ending an ended chat changes nothing.
   */
  async function endChat(principal: Principal | null, sessionId: string): Promise<ChatSession> {
    const session = await findReadableSession(prisma, principal, sessionId);
    let endedBy: 'VISITOR' | 'AGENT';
    if (principal?.kind === 'visitor') endedBy = 'VISITOR';
    else if (principal?.kind === 'agent') {
      const role = await agentSessionRole(prisma, principal.agent, session);
      if (!role.isOwner && !role.isAdmin && !role.membership?.isManager)
        throw forbidden('Only the agent handling this chat, a channel manager or an admin can end it.');
      endedBy = 'AGENT';
    } else throw forbidden('Only the visitor or an agent can end a chat.');
    return endSession(session, endedBy);
  }

  async function endSession(session: ChatSession, endedBy: 'VISITOR' | 'AGENT' | 'IDLE'): Promise<ChatSession> {
    if (!ACTIVE_STATUSES.includes(session.status as never)) return session;
    const systemType = endedBy === 'VISITOR' ? 'CLOSED_BY_VISITOR' : endedBy === 'AGENT' ? 'CLOSED_BY_AGENT' : 'CLOSED_BY_IDLE';
    const text = { VISITOR: 'The visitor ended the chat.', AGENT: 'The agent ended the chat.', IDLE: 'The chat was closed because the visitor was inactive.' }[
      endedBy
    ];
    const result = await prisma.$transaction(async (tx) => {
      const now = new Date();
      // Missed is decided by the row as it is now: an agent may have taken the chat since it was read.
      const ending = { status: 'ENDED' as const, endedBy, endedAt: now };
      const endedQueued = await tx.chatSession.updateMany({ where: { id: session.id, status: 'QUEUED' }, data: { ...ending, missed: true } });
      const ended = endedQueued.count
        ? endedQueued
        : await tx.chatSession.updateMany({ where: { id: session.id, status: 'ACTIVE' }, data: { ...ending, missed: false } });
      if (ended.count === 0) return null;
      const cancelled = await cancelPendingTransfers(tx, session.id, now);
      const published = [
        ...cancelled.published,
        await appendMessage(tx, session, { authorKind: 'SYSTEM', systemType, body: text, clientMessageId: null }),
        await events.append(tx, session.id, { type: 'STATUS_CHANGED', audience: 'ALL', status: 'ENDED', endedBy }),
      ];
      return { published, notify: cancelled.targets };
    });
    const fresh = await prisma.chatSession.findUniqueOrThrow({ where: { id: session.id } });
    if (result) {
      announce(fresh, result.published, result.notify);
      if (session.status === 'QUEUED') bus.publish('channel', session.channelId, { reason: 'queue', sessionId: session.id } satisfies ChannelSignal);
    }
    return fresh;
  }

  /**
   * Inside a transaction that changes the session first (ending or taking it over): cancels its
   * pending transfer with a TRANSFER_CANCELLED event, so agents' event logs close the offer too.
   */
  async function cancelPendingTransfers(tx: Prisma.TransactionClient, sessionId: string, now: Date) {
    const pending = await tx.transfer.findMany({ where: { sessionId, status: 'PENDING' }, include: { fromAgent: true, toAgent: true } });
    await tx.transfer.updateMany({ where: { sessionId, status: 'PENDING' }, data: { status: 'CANCELLED', respondedAt: now } });
    const published: ChatEventDto[] = [];
    for (const t of pending)
      published.push(
        await events.append(tx, sessionId, {
          type: 'TRANSFER_CANCELLED',
          audience: 'AGENTS',
          transfer: { id: t.id, status: 'CANCELLED', fromAgent: participantDto(t.fromAgent), toAgent: participantDto(t.toAgent) },
        }),
      );
    return { published, targets: pending.map((t) => t.toAgentId) };
  }

  /** `rating` and `comment` arrive checked (chatRating, chatRatingComment on the GraphQL arguments). */
  async function rateChat(principal: Principal | null, sessionId: string, rating: number, comment: string | null | undefined): Promise<ChatSession> {
    if (principal?.kind !== 'visitor') throw forbidden('Only the visitor rates a chat.');
    const cleanComment = comment ?? null;
    const session = await findReadableSession(prisma, principal, sessionId);
    if (session.status !== 'ENDED') throw conflict('A chat can be rated once it has ended.');
    const published = await prisma.$transaction(async (tx) => [
      await events.append(
        tx,
        session.id,
        { type: 'RATED', audience: 'ALL', rating: { rating, comment: cleanComment } },
        { rating, ratingComment: cleanComment },
      ),
    ]);
    announce(session, published);
    return prisma.chatSession.findUniqueOrThrow({ where: { id: session.id } });
  }

  return {
    startChat,
    sendMessage,
    setTyping,
    markRead,
    endChat,
    endSession,
    rateChat,
    appendMessage,
    announce,
    announceVisitorUpdated,
    cancelPendingTransfers,
  };
}

export type ChatService = ReturnType<typeof createChatService>;
