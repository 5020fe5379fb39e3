import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, validation } from '../errors';
import type { Channel, Prisma, PrismaClient, Visitor } from '../generated/prisma/client';

/**
 * Signed visitor identities. A website that knows who its user is (they are logged in) computes,
 * on its own server, the hex HMAC-SHA256 of the user's lower-cased email with the channel's
 * identity secret and hands it to the widget. A valid signature marks the visitor's email as
 * verified for agents and records the email as a verified identity of the channel: from then on
 * nobody can claim that email in the channel without a signature, except the very visitor (token)
 * it was verified for. A channel without a secret verifies nothing and refuses nothing.
 */

const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/i;

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

/**
 * Checks the email a visitor gives (already cleaned and lower-cased) against its signature.
 * Returns the Visitor fields to write with it: `{ emailVerified }` when an email was given, `{}`
 * when none was (the visitor's email and its verification stay as they are). Throws
 * IDENTITY_NOT_VERIFIED for a wrong signature or an unsigned claim to a verified identity.
 */
export async function checkIdentityClaim(
  db: PrismaClient | Prisma.TransactionClient,
  channel: Pick<Channel, 'id' | 'identitySecret'>,
  visitor: Pick<Visitor, 'email' | 'emailVerified'> | null,
  email: string | null,
  signature: string | null | undefined,
): Promise<{ emailVerified?: boolean }> {
  const signed = signature != null && signature.trim() !== '';
  if (signed && email == null) throw validation('email', 'is required with emailSignature');
  if (signed && !SIGNATURE_PATTERN.test(signature.trim()))
    throw validation('emailSignature', 'must be the 64-character hex HMAC-SHA256 of the email');
  if (email == null) return {};
  if (!channel.identitySecret) return { emailVerified: false };

  if (signed) {
    const expected = Buffer.from(signIdentity(channel.identitySecret, email), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'))) throw refused('SIGNATURE_INVALID');
    const now = new Date();
    await db.verifiedIdentity.upsert({
      where: { channelId_email: { channelId: channel.id, email } },
      create: { channelId: channel.id, email, firstVerifiedAt: now, lastVerifiedAt: now },
      update: { lastVerifiedAt: now },
    });
    return { emailVerified: true };
  }

  // The visitor this email was verified for keeps it on pages where the site passes no signature.
  if (visitor?.emailVerified && visitor.email === email) return { emailVerified: true };
  const claimed = await db.verifiedIdentity.findUnique({ where: { channelId_email: { channelId: channel.id, email } }, select: { email: true } });
  if (claimed) throw refused('SIGNATURE_REQUIRED');
  return { emailVerified: false };
}
