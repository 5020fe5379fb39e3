// Module crm, requests: support tickets with a gap-free number (R-42). Owns creating them by agents,
// by API scripts (idempotent on externalId, which the CSV import relies on), by the offline form and
// from a chat with its log attached, changing them, and the filters and search of their list.
import type { Principal } from '../../platform/principal';
import { forbidden, notFound } from '../../platform/errors';
import type { Prisma, PrismaClient, Request, RequestPriority, RequestSource, RequestStatus, SystemMessageType, Visitor } from '../../generated/prisma/client';
import type { AuthService } from '../identity/auth.service';
import { cleanId, searchWords, type ContactService } from './contacts.service';
import { archivedChannelError } from '../channels/availability';
import { findReadableSession } from '../chats/chat-access';
import { isUuid } from '../../platform/ids';
import type { ChatEventLog } from '../chats/chat-events';
import { checkIdentityClaim, saveVisitorIdentity } from '../chats/visitor-identity';
import { AGENT_ONLY_SYSTEM_TYPES } from '../chats/chat-dto';
import type { ChatService } from '../chats/chats.service';
import { enforceRateLimit, type RateLimit, type RateLimiter } from '../../platform/rate-limiter';
import { cleanEmail, cleanOptionalText, cleanText } from '../../platform/validate';
import { VISITOR_FIELD_LIMITS, cleanVisitorFields, type VisitorFieldsInput } from '../chats/visitor-fields';

/** A new support request, whoever creates it: a chat, the offline form, an agent or an API client. */
export interface NewRequestInput {
  title: string;
  description?: string | null;
  priority?: RequestPriority | null;
  category?: string | null;
  source: RequestSource;
  /** Idempotency key: a second create with the same externalId returns the first request. */
  externalId?: string | null;
  requesterName?: string | null;
  requesterEmail?: string | null;
  requesterPhone?: string | null;
  /** The chat log as text, for requests created from a chat. */
  chatLog?: string | null;
  contactId?: string | null;
  companyId?: string | null;
  sourceSessionId?: string | null;
  createdByAgentId?: string | null;
  apiTokenId?: string | null;
}

/** What an agent or an API script gives for a new request; the rest follows from who they are. */
export type ConsoleOrApiRequestInput = Omit<NewRequestInput, 'source' | 'chatLog' | 'sourceSessionId' | 'createdByAgentId' | 'apiTokenId'>;

export const REQUEST_LIMITS = {
  title: 200,
  description: 20_000,
  category: 100,
  externalId: 200,
  requesterName: 100,
  requesterPhone: 50,
  chatLog: 500_000,
} as const;

const REQUEST_NUMBER_PREFIX = 'R-';

/** The number people see and say: R-42. */
export function formatRequestNumber(number: number): string {
  return `${REQUEST_NUMBER_PREFIX}${number}`;
}

type RequestData = Omit<Prisma.RequestUncheckedCreateInput, 'number'>;

/** Validates and normalises the input; throws VALIDATION naming the first bad field. */
export function cleanRequestInput(input: NewRequestInput): RequestData {
  const requesterEmail = input.requesterEmail?.trim() ? cleanEmail('requesterEmail', input.requesterEmail) : null;
  return {
    title: cleanText('title', input.title, { max: REQUEST_LIMITS.title }),
    description: cleanOptionalText('description', input.description, REQUEST_LIMITS.description) ?? '',
    priority: input.priority ?? 'NORMAL',
    category: cleanOptionalText('category', input.category, REQUEST_LIMITS.category),
    source: input.source,
    externalId: cleanOptionalText('externalId', input.externalId, REQUEST_LIMITS.externalId),
    requesterName: cleanOptionalText('requesterName', input.requesterName, REQUEST_LIMITS.requesterName),
    requesterEmail,
    requesterPhone: cleanOptionalText('requesterPhone', input.requesterPhone, REQUEST_LIMITS.requesterPhone),
    chatLog: cleanOptionalText('chatLog', input.chatLog, REQUEST_LIMITS.chatLog),
    contactId: cleanId('contactId', input.contactId),
    companyId: cleanId('companyId', input.companyId),
    sourceSessionId: cleanId('sourceSessionId', input.sourceSessionId),
    createdByAgentId: cleanId('createdByAgentId', input.createdByAgentId),
    apiTokenId: cleanId('apiTokenId', input.apiTokenId),
  };
}

/**
 * Takes the next request number. The upsert locks the counter row until the transaction ends, so
 * numbers are handed out in commit order and a rolled-back transaction gives its number back.
 */
export async function allocateRequestNumber(tx: Prisma.TransactionClient): Promise<number> {
  const [row] = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Counter" (name, value) VALUES ('request', 1)
    ON CONFLICT (name) DO UPDATE SET value = "Counter".value + 1
    RETURNING value`;
  return row!.value;
}

/** Undoes allocateRequestNumber in the same transaction (it still holds the counter row lock). */
async function releaseRequestNumber(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`UPDATE "Counter" SET value = value - 1 WHERE name = 'request'`;
}

/** A created request, or (created: false) the one that already had the input's externalId. */
export interface RequestOutcome {
  request: Request;
  created: boolean;
}

async function insertRequest(tx: Prisma.TransactionClient, data: RequestData): Promise<RequestOutcome> {
  const number = await allocateRequestNumber(tx);
  if (data.externalId) {
    // Holding the counter lock, this read sees every request committed by a concurrent createRequest.
    const existing = await tx.request.findUnique({ where: { externalId: data.externalId } });
    if (existing) {
      await releaseRequestNumber(tx);
      return { request: existing, created: false };
    }
  }
  // ON CONFLICT DO NOTHING: a duplicate externalId must not abort the caller's transaction.
  const [created] = await tx.request.createManyAndReturn({ data: [{ ...data, number }], skipDuplicates: true });
  if (created) return { request: created, created: true };
  await releaseRequestNumber(tx);
  const existing = data.externalId ? await tx.request.findUnique({ where: { externalId: data.externalId } }) : null;
  if (!existing) throw new Error(`Request number ${number} is already taken; the "request" counter is behind the Request table.`);
  return { request: existing, created: false };
}

export const OFFLINE_FORM_LIMITS = { ...VISITOR_FIELD_LIMITS, message: 4000, title: 120 } as const;

export interface OfflineFormInput extends VisitorFieldsInput {
  channelId: string;
  message: string;
  /** Signed identity of the email, as in startChat (see services/identity.ts). */
  emailSignature?: string | null;
}

export interface OfflineFormResult {
  /** R-42, or null when the channel does not create requests. */
  requestNumber: string | null;
  request: Request | null;
  sessionId: string;
  visitor: Visitor;
  /** The token of a visitor created for this submission; null when the caller's own visitor was reused. */
  visitorToken: string | null;
}

export interface OfflineFormCaller {
  ip: string;
  userAgent: string | null;
  /** The visitor whose token came with the request, if any: their record is reused. */
  visitor: Visitor | null;
}

/** The request title: the message's first line, at most 120 characters. */
export function titleFromMessage(message: string): string {
  const firstLine = (message.split(/\r?\n/, 1)[0] ?? '').trim();
  const chars = Array.from(firstLine);
  if (chars.length <= OFFLINE_FORM_LIMITS.title) return firstLine;
  return `${chars
    .slice(0, OFFLINE_FORM_LIMITS.title - 1)
    .join('')
    .trimEnd()}…`;
}

// ───────────────────────────── Agents' and scripts' requests ─────────────────────────────

export interface RequestChanges {
  title?: string | null;
  description?: string | null;
  status?: RequestStatus | null;
  priority?: RequestPriority | null;
  category?: string | null;
  contactId?: string | null;
  companyId?: string | null;
}

/** "R-42" or "42" finds that number; otherwise every word must appear in the title (trigram index). */
export function requestSearchWhere(words: string[]): Prisma.RequestWhereInput {
  if (words.length === 1) {
    const number = /^(?:R-?)?(\d{1,9})$/i.exec(words[0]!);
    if (number) return { OR: [{ number: Number(number[1]) }, { title: { contains: words[0]!, mode: 'insensitive' } }] };
  }
  return { AND: words.map((word) => ({ title: { contains: word, mode: 'insensitive' as const } })) };
}

// ───────────────────────────── Requests from a chat ─────────────────────────────

/** The ready message the console puts in the agent's input, for the agent to send. */
export function readyMessageFor(request: Pick<Request, 'number'>): string {
  return `Your request number is ${formatRequestNumber(request.number)}.`;
}

export interface ChatLogMessage {
  createdAt: Date;
  authorKind: 'VISITOR' | 'AGENT' | 'SYSTEM';
  systemType: SystemMessageType | null;
  body: string;
  agent: { name: string; nickname: string | null } | null;
  attachments: { fileName: string; size: number }[];
}

export interface ChatLogSession {
  id: string;
  requestedAt: Date;
  channel: { name: string };
  visitor: { name: string | null; email: string | null };
}

const utc = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * The chat log attached to a request: a header, then one line per message with its UTC time,
 * author and body (continuation lines indented, files named). System messages that visitors never
 * saw are kept for the agents but marked "[agents only]". A log longer than `maxChars` keeps its
 * first messages and says how many were left out.
 */
export function buildChatLog(session: ChatLogSession, messages: ChatLogMessage[], maxChars: number = REQUEST_LIMITS.chatLog): string {
  const visitorName = session.visitor.name?.trim() || 'Visitor';
  const header = [
    `Chat on ${session.channel.name}, requested ${utc(session.requestedAt)} (session ${session.id})`,
    `Visitor: ${visitorName}${session.visitor.email ? ` <${session.visitor.email}>` : ''}`,
    '',
  ].join('\n');
  const lines = messages.map((m) => {
    const author =
      m.authorKind === 'VISITOR'
        ? `${visitorName} (visitor)`
        : m.authorKind === 'AGENT'
          ? `${m.agent?.name ?? 'Former agent'}${m.agent?.nickname ? ` "${m.agent.nickname}"` : ''} (agent)`
          : AGENT_ONLY_SYSTEM_TYPES.includes(m.systemType!)
            ? 'System [agents only]'
            : 'System';
    const files = m.attachments.map((a) => `[file: ${a.fileName}, ${a.size} bytes]`);
    const text = [m.body, ...files].filter(Boolean).join('\n').replace(/\n/g, '\n    ');
    return `[${utc(m.createdAt)}] ${author}: ${text}`;
  });
  const full = [header, ...lines].join('\n');
  if (full.length <= maxChars) return full;
  // Keep as many first messages as fit together with the note about the rest.
  let log = header;
  for (let i = 0; i < lines.length; i++) {
    const omitted = `\n[… ${lines.length - i} more messages not included: the log is limited to ${maxChars} characters]`;
    if (log.length + 1 + lines[i]!.length + omitted.length > maxChars) return `${log}${omitted}`.slice(0, maxChars);
    log = `${log}\n${lines[i]}`;
  }
  return log;
}

export interface RequestFromChatInput {
  /** Defaults to the first line of the visitor's first message. */
  title?: string | null;
  description?: string | null;
  priority?: RequestPriority | null;
  category?: string | null;
  /** Default: the chat's contact / company. */
  contactId?: string | null;
  companyId?: string | null;
}

export interface RequestFromChatResult {
  request: Request;
  readyMessage: string;
}

export interface RequestListFilter {
  status?: RequestStatus[] | null;
  priority?: RequestPriority[] | null;
  source?: RequestSource[] | null;
  contactId?: string | null;
  companyId?: string | null;
  search?: string | null;
}

export interface RequestServiceDeps {
  prisma: PrismaClient;
  /** Checks that the contact and company a request names exist. */
  contacts: Pick<ContactService, 'requireContact' | 'requireCompany'>;
  rateLimiter: RateLimiter;
  /** Offline form submissions per client address (OFFLINE_FORM_LIMIT_PER_IP). */
  offlineFormLimitPerIp: RateLimit;
  /** Makes the visitor of an offline form sent without a visitor token. */
  auth: Pick<AuthService, 'createVisitor'>;
  /** Records what the offline form changed about the visitor, in its transaction. */
  events: ChatEventLog;
  /** Stores the offline form's message and a chat's REQUEST_CREATED message, and tells the agents. */
  chats: Pick<ChatService, 'appendMessage' | 'announce' | 'announceVisitorUpdated'>;
}

export function createRequestService({ prisma, contacts, rateLimiter, offlineFormLimitPerIp, auth, events, chats }: RequestServiceDeps) {
  /**
   * Creates a request with the next gap-free number, inside `tx` when given (so the number is
   * given back if that transaction rolls back), otherwise in a transaction of its own. With an
   * externalId that already exists it returns the existing request and uses no number.
   */
  async function createRequest(input: NewRequestInput, tx?: Prisma.TransactionClient): Promise<Request> {
    return (await createRequestWithOutcome(input, tx)).request;
  }

  /** createRequest, also telling whether it created the request or found it by its externalId. */
  async function createRequestWithOutcome(input: NewRequestInput, tx?: Prisma.TransactionClient): Promise<RequestOutcome> {
    const data = cleanRequestInput(input);
    await contacts.requireContact(data.contactId, tx);
    await contacts.requireCompany(data.companyId, tx);
    if (tx) return insertRequest(tx, data);

    if (data.externalId) {
      // Common retry case, answered without taking the counter lock.
      const existing = await prisma.request.findUnique({ where: { externalId: data.externalId } });
      if (existing) return { request: existing, created: false };
    }
    return prisma.$transaction((tx) => insertRequest(tx, data));
  }

  /** createRequest by an agent (source CONSOLE) or an API script (source API), recorded as its creator. */
  async function createRequestAs(principal: Principal, input: ConsoleOrApiRequestInput): Promise<RequestOutcome> {
    return createRequestWithOutcome({
      ...input,
      source: principal.kind === 'apiToken' ? 'API' : 'CONSOLE',
      createdByAgentId: principal.kind === 'agent' ? principal.agent.id : null,
      apiTokenId: principal.kind === 'apiToken' ? principal.apiToken.id : null,
    });
  }

  async function findRequest(id: string): Promise<Request> {
    const request = isUuid(id) ? await prisma.request.findUnique({ where: { id } }) : null;
    if (!request) throw notFound('Request', id);
    return request;
  }

  /** Changes the given fields; omitted ones stay, null clears category, contact or company. */
  async function updateRequest(id: string, changes: RequestChanges): Promise<Request> {
    const existing = await findRequest(id);
    const data: Prisma.RequestUncheckedUpdateInput = {};
    if (changes.title !== undefined) data.title = cleanText('title', changes.title ?? '', { max: REQUEST_LIMITS.title });
    if (changes.description !== undefined) data.description = cleanOptionalText('description', changes.description, REQUEST_LIMITS.description) ?? '';
    if (changes.status != null) data.status = changes.status;
    if (changes.priority != null) data.priority = changes.priority;
    if (changes.category !== undefined) data.category = cleanOptionalText('category', changes.category, REQUEST_LIMITS.category);
    if (changes.contactId !== undefined) {
      const contactId = cleanId('contactId', changes.contactId);
      await contacts.requireContact(contactId);
      data.contactId = contactId;
    }
    if (changes.companyId !== undefined) {
      const companyId = cleanId('companyId', changes.companyId);
      await contacts.requireCompany(companyId);
      data.companyId = companyId;
    }
    return prisma.request.update({ where: { id: existing.id }, data });
  }

  /** The `requests` list: every given condition must hold, newest (highest number) first. */
  function requestListArgs(filter: RequestListFilter | null | undefined) {
    const where: Prisma.RequestWhereInput[] = [];
    if (filter?.status) where.push({ status: { in: filter.status } });
    if (filter?.priority) where.push({ priority: { in: filter.priority } });
    if (filter?.source) where.push({ source: { in: filter.source } });
    if (filter?.contactId != null) where.push({ contactId: cleanId('filter.contactId', filter.contactId) });
    if (filter?.companyId != null) where.push({ companyId: cleanId('filter.companyId', filter.companyId) });
    const words = searchWords('filter.search', filter?.search);
    if (words.length) where.push(requestSearchWhere(words));
    return { where: { AND: where }, orderBy: { number: 'desc' } } satisfies Prisma.RequestFindManyArgs;
  }

  /**
   * The offline form: validates it against the channel's required fields, records a missed OFFLINE
   * session for statistics and, when the channel says so, creates a request, all in one transaction.
   */
  async function submitOfflineForm(caller: OfflineFormCaller, input: OfflineFormInput): Promise<OfflineFormResult> {
    await enforceRateLimit(rateLimiter, `offline:ip:${caller.ip}`, offlineFormLimitPerIp);

    const channel = isUuid(input.channelId)
      ? await prisma.channel.findUnique({
          where: { id: input.channelId },
          select: {
            id: true,
            name: true,
            archivedAt: true,
            offlineRequiredFields: true,
            offlineCreatesRequest: true,
            identitySecret: true,
            identitySecretChangedAt: true,
          },
        })
      : null;
    if (!channel) throw notFound('Channel', input.channelId);
    if (channel.archivedAt) throw archivedChannelError(channel.name);

    const fields = cleanVisitorFields(input, channel.offlineRequiredFields);
    const message = cleanText('message', input.message, { max: OFFLINE_FORM_LIMITS.message });
    const accepted = await checkIdentityClaim(prisma, { channel, visitor: caller.visitor, email: fields.email, signature: input.emailSignature });
    const requestData = channel.offlineCreatesRequest
      ? cleanRequestInput({
          title: titleFromMessage(message),
          description: message,
          source: 'OFFLINE_FORM',
          requesterName: fields.name,
          requesterEmail: fields.email,
          requesterPhone: fields.phone,
        })
      : null;

    // Outside the transaction: on embedded PGlite an open transaction blocks every other connection.
    const created = caller.visitor ? null : await auth.createVisitor({ ...fields, ip: caller.ip, userAgent: caller.userAgent });
    const now = new Date();

    const { session, request, visitor, saved } = await prisma.$transaction(async (tx) => {
      // The visitor's open chats elsewhere are told when something their agents see changed.
      const saved = await saveVisitorIdentity(tx, events, { channel, visitor: caller.visitor ?? created!.visitor, fields, accepted });
      const visitor = saved.visitor;
      const session = await tx.chatSession.create({
        data: {
          channelId: channel.id,
          visitorId: visitor.id,
          status: 'OFFLINE',
          missed: true,
          requestedAt: now,
          endedAt: now,
          lastActivityAt: now,
        },
      });
      // Kept with the session even when no request is made, so the message is never lost.
      await chats.appendMessage(tx, session, { authorKind: 'VISITOR', body: message, clientMessageId: null });
      const request = requestData ? (await insertRequest(tx, { ...requestData, sourceSessionId: session.id })).request : null;
      return { session, request, visitor, saved };
    });
    chats.announceVisitorUpdated(saved);

    return {
      requestNumber: request ? formatRequestNumber(request.number) : null,
      request,
      sessionId: session.id,
      visitor,
      visitorToken: created?.token ?? null,
    };
  }

  /**
   * An agent who can read a chat creates a request from it: the requester is the visitor, the
   * contact and company those linked to the chat (unless given), and the whole chat log is attached
   * as text. A REQUEST_CREATED system message for the agents only goes into the chat in the same
   * transaction; the visitor learns the number when the agent sends the ready message.
   */
  async function createRequestFromChat(principal: Principal | null, sessionId: string, input: RequestFromChatInput): Promise<RequestFromChatResult> {
    if (principal?.kind !== 'agent') throw forbidden('Requires an agent session.');
    const readable = await findReadableSession(prisma, principal, sessionId);
    const session = await prisma.chatSession.findUniqueOrThrow({
      where: { id: readable.id },
      include: {
        channel: { select: { name: true } },
        visitor: true,
        messages: {
          orderBy: { seq: 'asc' },
          select: {
            createdAt: true,
            authorKind: true,
            systemType: true,
            body: true,
            agent: { select: { name: true, nickname: true } },
            attachments: { select: { fileName: true, size: true }, orderBy: { createdAt: 'asc' } },
          },
        },
      },
    });
    const firstVisitorMessage = session.messages.find((m) => m.authorKind === 'VISITOR');
    const defaultTitle = (firstVisitorMessage && titleFromMessage(firstVisitorMessage.body)) || `Chat on ${session.channel.name}`;
    const data = cleanRequestInput({
      title: input.title?.trim() ? input.title : defaultTitle,
      description: input.description,
      priority: input.priority,
      category: input.category,
      source: 'CHAT',
      requesterName: session.visitor.name,
      requesterEmail: session.visitor.email,
      requesterPhone: session.visitor.phone,
      chatLog: buildChatLog(session, session.messages),
      contactId: input.contactId !== undefined ? input.contactId : session.contactId,
      companyId: input.companyId !== undefined ? input.companyId : session.companyId,
      sourceSessionId: session.id,
      createdByAgentId: principal.agent.id,
    });
    await contacts.requireContact(data.contactId);
    await contacts.requireCompany(data.companyId);

    const { request, event } = await prisma.$transaction(async (tx) => {
      const { request } = await insertRequest(tx, data);
      const event = await chats.appendMessage(tx, session, {
        authorKind: 'SYSTEM',
        systemType: 'REQUEST_CREATED',
        body: `Request ${formatRequestNumber(request.number)} was created from this chat: ${request.title}`,
        clientMessageId: null,
        agent: principal.agent,
        audience: 'AGENTS',
      });
      return { request, event };
    });
    chats.announce(session, [event]);
    return { request, readyMessage: readyMessageFor(request) };
  }

  return {
    createRequest,
    createRequestAs,
    findRequest,
    updateRequest,
    requestListArgs,
    createRequestFromChat,
    submitOfflineForm,
  };
}

export type RequestService = ReturnType<typeof createRequestService>;
