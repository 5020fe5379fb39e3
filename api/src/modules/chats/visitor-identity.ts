import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, validation } from '../../platform/errors';
import type { Channel, ChatSession, Prisma, PrismaClient, Visitor } from '../../generated/prisma/client';
import type { ChatEventDto } from './chat-dto';
import type { ChatEventLog } from './chat-events';
import type { VisitorFieldsInput } from './visitor-fields';

/**
 * Signed visitor identities. A website that knows who its user is (they are logged in) computes,
 * on its own server, the hex HMAC-SHA256 of the user's lower-cased email with the channel's
 * identity secret and hands it to the widget.
 *
 * - A valid signature verifies the email for that visitor in that channel (VisitorVerification).
 *   It counts while the visitor's email is still that one and the channel's secret has not
 *   changed since: rotating or removing the secret ends every verification of the channel.
 *   Agents see "verified" per the chat's channel.
 * - It also makes the email a verified identity of the channel (VerifiedIdentity, kept across
 *   rotations): from then on the channel refuses the email without a signature, except from a
 *   visitor whose verification with it still counts.
 * - The rules apply to the email that will be stored and shown (the one given, else the
 *   visitor's current one), in the channel of the call and, when the email changes, in every
 *   channel where the visitor has an open chat, since the email is the visitor's, not the chat's.
 * - A channel without a secret ignores signatures, verifies nothing and refuses nothing.
 */

type Db = PrismaClient | Prisma.TransactionClient;
export type ChannelIdentity = Pick<Channel, 'id' | 'identitySecret' | 'identitySecretChangedAt'>;
type SessionRef = Pick<ChatSession, 'id' | 'channelId' | 'agentId'>;

const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/i;
/** Chats whose agents see the visitor's details live. */
export const OPEN_CHAT_STATUSES = ['QUEUED', 'ACTIVE'] as const;
const CHANNEL_IDENTITY = { id: true, identitySecret: true, identitySecretChangedAt: true } as const;

/** Why a claimed identity was refused, in `extensions.reason` of IDENTITY_NOT_VERIFIED. */
export type IdentityRefusal = 'SIGNATURE_REQUIRED' | 'SIGNATURE_INVALID';

/** What the website computes: hex HMAC-SHA256 of the trimmed, lower-cased email, keyed with the channel's secret. */
export function signIdentity(secret: string, email: string): string {
  return createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex');
}

/** A new identity secret: 256 random bits, prefixed so it is recognisable in configuration files. */
export function generateIdentitySecret(): string {
  return `lcs_${randomBytes(32).toString('base64url')}`;
}

function refused(reason: IdentityRefusal): AppError {
  const message =
    reason === 'SIGNATURE_REQUIRED'
      ? 'email: this email belongs to a verified account of the website; sign in on the website, or use another email.'
      : 'emailSignature: the signature does not match the email for this channel (is the website using the current identity secret?).';
  return new AppError('IDENTITY_NOT_VERIFIED', message, { reason, field: reason === 'SIGNATURE_REQUIRED' ? 'email' : 'emailSignature' });
}

/** A verification counts only if it was made after the channel's secret last changed. */
function stillCounts(channel: ChannelIdentity, verifiedAt: Date): boolean {
  return channel.identitySecret != null && (channel.identitySecretChangedAt == null || verifiedAt > channel.identitySecretChangedAt);
}

/** The email verified for the visitor in the channel, if that verification still counts. */
async function verifiedEmailIn(db: Db, channel: ChannelIdentity, visitorId: string): Promise<string | null> {
  if (!channel.identitySecret) return null;
  const row = await db.visitorVerification.findUnique({ where: { channelId_visitorId: { channelId: channel.id, visitorId } } });
  return row && stillCounts(channel, row.verifiedAt) ? row.email : null;
}

/** A visitor as read through one channel (a chat's, identifyVisitor's): GraphQL's `emailVerified` is about that channel. */
export type VisitorInChannel = Visitor & { viewedInChannelId: string };

/** What agents of the channel see: whether the visitor's current email is verified there. */
export async function isEmailVerifiedIn(db: Db, channelId: string, visitor: Pick<Visitor, 'id' | 'email'>): Promise<boolean> {
  if (visitor.email == null) return false;
  const row = await db.visitorVerification.findUnique({
    where: { channelId_visitorId: { channelId, visitorId: visitor.id } },
    include: { channel: { select: CHANNEL_IDENTITY } },
  });
  return row != null && row.email === visitor.email && stillCounts(row.channel, row.verifiedAt);
}

/** Whether the channel lets this visitor (null: a new one) be shown with this email without a signature. */
async function mayShowUnsigned(db: Db, channel: ChannelIdentity, visitorId: string | null, email: string): Promise<boolean> {
  if (!channel.identitySecret) return true;
  if (visitorId && (await verifiedEmailIn(db, channel, visitorId)) === email) return true;
  const claimed = await db.verifiedIdentity.findUnique({ where: { channelId_email: { channelId: channel.id, email } }, select: { email: true } });
  return claimed == null;
}

export interface IdentityClaim {
  /** The channel of the call (startChat, the offline form, identifyVisitor). */
  channel: ChannelIdentity;
  /** The caller's visitor; null when a new one will be created. */
  visitor: Pick<Visitor, 'id' | 'email'> | null;
  /** The email given in this call, cleaned and lower-cased; null keeps the visitor's. */
  email: string | null;
  signature: string | null | undefined;
}

/** A claim that passed: the signed email, to record with `saveVisitorIdentity` once the visitor exists. */
export interface AcceptedIdentity {
  signed: { email: string; secret: string } | null;
}

/**
 * Checks the email that will be stored and shown against the rules of the channel of the call
 * and, when the email changes, of the channels of the visitor's open chats. Throws VALIDATION for
 * a malformed signature and IDENTITY_NOT_VERIFIED for a wrong one or an unsigned claim to a
 * verified email. Writes nothing.
 */
export async function checkIdentityClaim(db: Db, { channel, visitor, email, signature }: IdentityClaim): Promise<AcceptedIdentity> {
  let signed: AcceptedIdentity['signed'] = null;
  const secret = channel.identitySecret;
  // Without a secret a signature means nothing, so it is not even looked at.
  if (secret && signature != null && signature.trim() !== '') {
    const hex = signature.trim();
    if (email == null) throw validation('email', 'is required with emailSignature');
    if (!SIGNATURE_PATTERN.test(hex)) throw validation('emailSignature', 'must be the 64-character hex HMAC-SHA256 of the email');
    if (!timingSafeEqual(Buffer.from(signIdentity(secret, email), 'hex'), Buffer.from(hex, 'hex'))) throw refused('SIGNATURE_INVALID');
    signed = { email, secret };
  }

  const shown = email ?? visitor?.email ?? null;
  if (shown == null) return { signed };
  const channels: ChannelIdentity[] = signed ? [] : [channel];
  if (visitor && email != null && email !== visitor.email) {
    const open = await db.chatSession.findMany({
      where: { visitorId: visitor.id, status: { in: [...OPEN_CHAT_STATUSES] }, channelId: { not: channel.id }, channel: { identitySecret: { not: null } } },
      distinct: ['channelId'],
      select: { channelId: true, channel: { select: CHANNEL_IDENTITY } },
    });
    channels.push(...open.map((s) => s.channel));
  }
  for (const each of channels) if (!(await mayShowUnsigned(db, each, visitor?.id ?? null, shown))) throw refused('SIGNATURE_REQUIRED');
  return { signed };
}

/**
 * Records a valid signature: the visitor's verification in the channel and the channel's verified
 * identity. Only while the channel still has the secret that checked it: the row lock makes a
 * concurrent rotation wait for this write and then delete it, or makes this write see the new
 * secret and fail with SIGNATURE_INVALID.
 */
async function recordVerification(tx: Prisma.TransactionClient, channelId: string, visitorId: string, signed: { email: string; secret: string }) {
  const current = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Channel" WHERE id = ${channelId}::uuid AND "identitySecret" = ${signed.secret} FOR SHARE`;
  if (current.length === 0) throw refused('SIGNATURE_INVALID');
  const now = new Date();
  await tx.visitorVerification.upsert({
    where: { channelId_visitorId: { channelId, visitorId } },
    create: { channelId, visitorId, email: signed.email, verifiedAt: now },
    update: { email: signed.email, verifiedAt: now },
  });
  await tx.verifiedIdentity.upsert({
    where: { channelId_email: { channelId, email: signed.email } },
    create: { channelId, email: signed.email, firstVerifiedAt: now, lastVerifiedAt: now },
    update: { lastVerifiedAt: now },
  });
}

const DETAIL_KEYS = ['name', 'email', 'phone', 'company', 'country'] as const;

/** Inside a transaction: a VISITOR_UPDATED event, for agents only, in each of these chats. */
export async function appendVisitorUpdated(tx: Prisma.TransactionClient, events: ChatEventLog, sessions: SessionRef[]) {
  const published: { session: SessionRef; events: ChatEventDto[] }[] = [];
  for (const session of sessions) published.push({ session, events: [await events.append(tx, session.id, { type: 'VISITOR_UPDATED', audience: 'AGENTS' })] });
  return published;
}

export interface SavedVisitorIdentity {
  visitor: Visitor;
  /** VISITOR_UPDATED events in the visitor's open chats, to announce after commit. */
  published: { session: SessionRef; events: ChatEventDto[] }[];
}

/**
 * Inside a transaction, after `checkIdentityClaim`: writes the given details (omitted ones stay)
 * and the signed email's verification. When something agents see changed (a detail, or whether
 * the email is verified in this channel), appends VISITOR_UPDATED to the visitor's open chats.
 */
export async function saveVisitorIdentity(
  tx: Prisma.TransactionClient,
  events: ChatEventLog,
  input: { channel: ChannelIdentity; visitor: Visitor; fields: VisitorFieldsInput; accepted: AcceptedIdentity },
): Promise<SavedVisitorIdentity> {
  const { channel, visitor, fields, accepted } = input;
  const wasVerified = visitor.email != null && (await verifiedEmailIn(tx, channel, visitor.id)) === visitor.email;
  const given = Object.fromEntries(DETAIL_KEYS.filter((key) => fields[key] != null).map((key) => [key, fields[key]]));
  const updated = await tx.visitor.update({ where: { id: visitor.id }, data: { ...given, lastSeenAt: new Date() } });
  if (accepted.signed) await recordVerification(tx, channel.id, visitor.id, accepted.signed);
  const isVerified = accepted.signed ? true : updated.email != null && (await verifiedEmailIn(tx, channel, visitor.id)) === updated.email;

  const changed = DETAIL_KEYS.some((key) => visitor[key] !== updated[key]) || wasVerified !== isVerified;
  if (!changed) return { visitor: updated, published: [] };
  const open = await tx.chatSession.findMany({
    where: { visitorId: visitor.id, status: { in: [...OPEN_CHAT_STATUSES] } },
    select: { id: true, channelId: true, agentId: true },
  });
  return { visitor: updated, published: await appendVisitorUpdated(tx, events, open) };
}
