import { notFound, rateLimited } from '../errors';
import type { Channel, PrismaClient, Visitor, VisitorField, WidgetTheme } from '../generated/prisma/client';
import { channelAvailability, type ChannelAvailability } from './availability';
import { isUuid } from './chat-access';
import { checkIdentityClaim, generateIdentitySecret } from './identity';
import type { RateLimiter } from './rate-limiter';
import { cleanVisitorFields, type VisitorFieldsInput } from './visitor-fields';

/**
 * What the embedded widget needs to render a channel: its public look, texts and forms, and
 * whether it takes chats now. Built field by field from the channel row, so a setting added
 * later (a secret, an internal threshold) can never reach a host page by accident.
 */
export interface WidgetChannelConfig {
  id: string;
  name: string;
  language: string;
  badgeHeader: string;
  header: string;
  description: string;
  theme: WidgetTheme;
  color: string;
  font: string;
  logoUrl: string | null;
  showAgentPhoto: boolean;
  welcomeMessage: string;
  queueMessage: string;
  prechatEnabled: boolean;
  prechatRequiredFields: VisitorField[];
  faqSuggestionsEnabled: boolean;
  offlineHeader: string;
  offlineMessage: string;
  offlineCreatesRequest: boolean;
  offlineRequiredFields: VisitorField[];
  postchatEnabled: boolean;
  postchatRating: boolean;
  postchatTranscript: boolean;
  identityVerification: boolean;
  reopenWindowMinutes: number;
  maxAttachmentBytes: number;
  availability: ChannelAvailability;
}

export interface WidgetSettings {
  /** False when the server cannot send mail: the widget then offers no transcript. */
  mailConfigured: boolean;
  reopenWindowMinutes: number;
  maxAttachmentBytes: number;
}

/** Visitors' identify calls per visitor per minute. */
export const IDENTIFY_RATE_LIMIT = { limit: 10, windowSeconds: 60 } as const;

export async function widgetChannel(prisma: PrismaClient, channelId: string, settings: WidgetSettings): Promise<WidgetChannelConfig> {
  // An archived channel is still shown (offline, reason ARCHIVED): visitors must get back to their open chats there.
  const channel = await findAnyChannel(prisma, channelId);
  const availability = await channelAvailability(prisma, channel.id);
  return {
    id: channel.id,
    name: channel.name,
    language: channel.language,
    badgeHeader: channel.badgeHeader,
    header: channel.widgetHeader,
    description: channel.description,
    theme: channel.widgetTheme,
    color: channel.widgetColor,
    font: channel.widgetFont,
    logoUrl: channel.widgetLogoUrl,
    showAgentPhoto: channel.showAgentPhoto,
    welcomeMessage: channel.welcomeMessage,
    queueMessage: channel.queueMessage,
    prechatEnabled: channel.prechatEnabled,
    prechatRequiredFields: channel.prechatEnabled ? channel.prechatRequiredFields : [],
    faqSuggestionsEnabled: channel.faqSuggestionsEnabled && channel.faqFolderId != null,
    offlineHeader: channel.offlineHeader,
    offlineMessage: channel.offlineMessage,
    offlineCreatesRequest: channel.offlineCreatesRequest,
    offlineRequiredFields: channel.offlineRequiredFields,
    postchatEnabled: channel.postchatEnabled,
    postchatRating: channel.postchatEnabled && channel.postchatRating,
    postchatTranscript: channel.postchatEnabled && channel.postchatTranscript && settings.mailConfigured,
    identityVerification: channel.identitySecret != null,
    reopenWindowMinutes: settings.reopenWindowMinutes,
    maxAttachmentBytes: settings.maxAttachmentBytes,
    availability,
  };
}

export interface ChannelIdentitySecret {
  channelId: string;
  /** Null when identity verification is off. */
  secret: string | null;
  rotatedAt: Date | null;
}

const secretOf = (channel: Pick<Channel, 'id' | 'identitySecret' | 'identitySecretRotatedAt'>): ChannelIdentitySecret => ({
  channelId: channel.id,
  secret: channel.identitySecret,
  rotatedAt: channel.identitySecretRotatedAt,
});

export async function channelIdentitySecret(prisma: PrismaClient, channelId: string): Promise<ChannelIdentitySecret> {
  return secretOf(await findAnyChannel(prisma, channelId));
}

/** Creates or replaces the secret: signatures made with the old one stop working at once. */
export async function rotateChannelIdentitySecret(prisma: PrismaClient, channelId: string): Promise<ChannelIdentitySecret> {
  const channel = await findAnyChannel(prisma, channelId);
  return secretOf(
    await prisma.channel.update({ where: { id: channel.id }, data: { identitySecret: generateIdentitySecret(), identitySecretRotatedAt: new Date() } }),
  );
}

/** Turns verification off: signatures are ignored and no email is refused. Verified identities are kept for a later re-enable. */
export async function disableChannelIdentityVerification(prisma: PrismaClient, channelId: string): Promise<ChannelIdentitySecret> {
  const channel = await findAnyChannel(prisma, channelId);
  return secretOf(await prisma.channel.update({ where: { id: channel.id }, data: { identitySecret: null, identitySecretRotatedAt: new Date() } }));
}

/** Archived channels too: admins manage them, and their open chats go on. */
async function findAnyChannel(prisma: PrismaClient, channelId: string): Promise<Channel> {
  const channel = isUuid(channelId) ? await prisma.channel.findUnique({ where: { id: channelId } }) : null;
  if (!channel) throw notFound('Channel', channelId);
  return channel;
}

export interface IdentifyVisitorInput extends Omit<VisitorFieldsInput, 'country'> {
  channelId: string;
  emailSignature?: string | null;
}

/**
 * `ChatWidget.identify()` during a chat: the website tells who the visitor is (after they log
 * in, for example). Given fields replace the visitor's; omitted ones stay. A signed email is
 * verified, an unsigned one is checked like in startChat.
 */
export async function identifyVisitor(prisma: PrismaClient, rateLimiter: RateLimiter, visitor: Visitor, input: IdentifyVisitorInput): Promise<Visitor> {
  const limit = await rateLimiter.hit(`identify:visitor:${visitor.id}`, IDENTIFY_RATE_LIMIT.limit, IDENTIFY_RATE_LIMIT.windowSeconds);
  if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
  const channel = await findAnyChannel(prisma, input.channelId);
  const fields = cleanVisitorFields(input, []);
  const identity = await checkIdentityClaim(prisma, channel, visitor, fields.email, input.emailSignature);
  return prisma.visitor.update({
    where: { id: visitor.id },
    data: {
      ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value != null)),
      ...identity,
      lastSeenAt: new Date(),
    },
  });
}
