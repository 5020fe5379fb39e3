import { notFound, rateLimited, validation } from '../errors';
import type { ChatSession, Prisma, PrismaClient, Request, RequestPriority, RequestSource, Visitor, VisitorField } from '../generated/prisma/client';
import type { AuthService } from './auth';
import { isUuid } from './chat-access';
import type { RateLimiter } from './rate-limiter';
import { cleanEmail, cleanOptionalText, cleanText } from './validate';

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

function optionalId(field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!isUuid(value)) throw validation(field, 'is not a valid id');
  return value;
}

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
    contactId: optionalId('contactId', input.contactId),
    companyId: optionalId('companyId', input.companyId),
    sourceSessionId: optionalId('sourceSessionId', input.sourceSessionId),
    createdByAgentId: optionalId('createdByAgentId', input.createdByAgentId),
    apiTokenId: optionalId('apiTokenId', input.apiTokenId),
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

async function insertRequest(tx: Prisma.TransactionClient, data: RequestData): Promise<Request> {
  const number = await allocateRequestNumber(tx);
  if (data.externalId) {
    // Holding the counter lock, this read sees every request committed by a concurrent createRequest.
    const existing = await tx.request.findUnique({ where: { externalId: data.externalId } });
    if (existing) {
      await releaseRequestNumber(tx);
      return existing;
    }
  }
  // ON CONFLICT DO NOTHING: a duplicate externalId must not abort the caller's transaction.
  const [created] = await tx.request.createManyAndReturn({ data: [{ ...data, number }], skipDuplicates: true });
  if (created) return created;
  await releaseRequestNumber(tx);
  const existing = data.externalId ? await tx.request.findUnique({ where: { externalId: data.externalId } }) : null;
  if (!existing) throw new Error(`Request number ${number} is already taken; the "request" counter is behind the Request table.`);
  return existing;
}

/**
 * Creates a request with the next gap-free number, inside `db` when it is a transaction (so the
 * number is given back if that transaction rolls back), otherwise in a transaction of its own.
 * With an externalId that already exists it returns the existing request and uses no number.
 */
export async function createRequest(db: PrismaClient | Prisma.TransactionClient, input: NewRequestInput): Promise<Request> {
  const data = cleanRequestInput(input);
  if (data.contactId && !(await db.contact.findUnique({ where: { id: data.contactId }, select: { id: true } })))
    throw notFound('Contact', data.contactId);
  if (data.companyId && !(await db.company.findUnique({ where: { id: data.companyId }, select: { id: true } })))
    throw notFound('Company', data.companyId);
  if (!('$transaction' in db)) return insertRequest(db, data);

  if (data.externalId) {
    // Common retry case, answered without taking the counter lock.
    const existing = await db.request.findUnique({ where: { externalId: data.externalId } });
    if (existing) return existing;
  }
  return db.$transaction((tx) => insertRequest(tx, data));
}

export const OFFLINE_FORM_LIMITS = { name: 100, company: 100, country: 100, phone: 50, message: 4000, title: 120 } as const;
/** Offline-form submissions allowed per client IP per window. */
export const OFFLINE_FORM_RATE_LIMIT = { perIp: 5, windowSeconds: 600 } as const;

export interface OfflineFormInput {
  channelId: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  country?: string | null;
  message: string;
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

export interface OfflineFormDeps {
  prisma: PrismaClient;
  rateLimiter: RateLimiter;
  createVisitor: AuthService['createVisitor'];
  /** Stores the visitor's message in the offline session (through the chat event log), inside the transaction. */
  storeVisitorMessage: (tx: Prisma.TransactionClient, session: ChatSession, body: string) => Promise<unknown>;
}

export interface OfflineFormCaller {
  ip: string;
  userAgent: string | null;
  /** The visitor whose token came with the request, if any: their record is reused. */
  visitor: Visitor | null;
}

const VISITOR_FIELD_NAMES: Record<VisitorField, 'name' | 'email' | 'phone' | 'company' | 'country'> = {
  NAME: 'name',
  EMAIL: 'email',
  PHONE: 'phone',
  COMPANY: 'company',
  COUNTRY: 'country',
};

/** The request title: the message's first line, at most 120 characters. */
export function titleFromMessage(message: string): string {
  const firstLine = (message.split(/\r?\n/, 1)[0] ?? '').trim();
  const chars = Array.from(firstLine);
  if (chars.length <= OFFLINE_FORM_LIMITS.title) return firstLine;
  return `${chars.slice(0, OFFLINE_FORM_LIMITS.title - 1).join('').trimEnd()}…`;
}

/**
 * The offline form: validates it against the channel's required fields, records a missed OFFLINE
 * session for statistics and, when the channel says so, creates a request, all in one transaction.
 */
export async function submitOfflineForm(deps: OfflineFormDeps, caller: OfflineFormCaller, input: OfflineFormInput): Promise<OfflineFormResult> {
  const { prisma } = deps;
  const limit = await deps.rateLimiter.hit(`offline:ip:${caller.ip}`, OFFLINE_FORM_RATE_LIMIT.perIp, OFFLINE_FORM_RATE_LIMIT.windowSeconds);
  if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);

  const channel = isUuid(input.channelId)
    ? await prisma.channel.findUnique({
        where: { id: input.channelId },
        select: { id: true, offlineRequiredFields: true, offlineCreatesRequest: true },
      })
    : null;
  if (!channel) throw notFound('Channel', input.channelId);

  const fields = {
    name: cleanOptionalText('name', input.name, OFFLINE_FORM_LIMITS.name),
    email: input.email?.trim() ? cleanEmail('email', input.email) : null,
    phone: cleanOptionalText('phone', input.phone, OFFLINE_FORM_LIMITS.phone),
    company: cleanOptionalText('company', input.company, OFFLINE_FORM_LIMITS.company),
    country: cleanOptionalText('country', input.country, OFFLINE_FORM_LIMITS.country),
  };
  for (const required of channel.offlineRequiredFields) {
    const field = VISITOR_FIELD_NAMES[required];
    if (fields[field] == null) throw validation(field, 'is required');
  }
  const message = cleanText('message', input.message, { max: OFFLINE_FORM_LIMITS.message });
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
  const created = caller.visitor ? null : await deps.createVisitor({ ...fields, ip: caller.ip, userAgent: caller.userAgent });
  const now = new Date();

  const { session, request, visitor } = await prisma.$transaction(async (tx) => {
    const visitor = caller.visitor
      ? await tx.visitor.update({
          where: { id: caller.visitor.id },
          data: {
            name: fields.name ?? undefined,
            // A verified email came from the site's signed identity; the form does not replace it.
            email: caller.visitor.emailVerified ? undefined : (fields.email ?? undefined),
            phone: fields.phone ?? undefined,
            company: fields.company ?? undefined,
            country: fields.country ?? undefined,
            lastSeenAt: now,
          },
        })
      : created!.visitor;
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
    await deps.storeVisitorMessage(tx, session, message);
    const request = requestData ? await insertRequest(tx, { ...requestData, sourceSessionId: session.id }) : null;
    return { session, request, visitor };
  });

  return {
    requestNumber: request ? formatRequestNumber(request.number) : null,
    request,
    sessionId: session.id,
    visitor,
    visitorToken: created?.token ?? null,
  };
}
