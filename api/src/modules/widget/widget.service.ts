// Module widget: what the embeddable widget may read and do without an agent. Owns the public
// channel configuration, identifying the visitor during a chat and the channel's identity secret.
// Imports channels and chats.
import { forbidden, notFound } from '../../platform/errors';
import type { Channel, PrismaClient, Visitor, VisitorField, WidgetTheme } from '../../generated/prisma/client';
import { channelAvailability, type ChannelAvailability } from '../channels/availability';
import { isUuid } from '../../platform/ids';
import type { ChatEventLog } from '../chats/chat-events';
import type { ChatService } from '../chats/chats.service';
import {
  appendVisitorUpdated,
  checkIdentityClaim,
  generateIdentitySecret,
  OPEN_CHAT_STATUSES,
  saveVisitorIdentity,
  type VisitorInChannel,
} from '../chats/visitor-identity';
import { enforceRateLimit, type RateLimit, type RateLimiter } from '../../platform/rate-limiter';
import { cleanVisitorFields, type VisitorFieldsInput } from '../chats/visitor-fields';

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

async function widgetChannel(prisma: PrismaClient, channelId: string, settings: WidgetSettings): Promise<WidgetChannelConfig> {
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

/** Whether a channel verifies signed identities, without its secret. */
export interface ChannelIdentityVerification {
  channelId: string;
  enabled: boolean;
  /** When the secret was last created, rotated or removed; null when it never had one. */
  secretChangedAt: Date | null;
}

export interface ChannelIdentitySecret {
  channelId: string;
  /** Null when identity verification is off. */
  secret: string | null;
  changedAt: Date | null;
}

type ChannelIdentityRow = Pick<Channel, 'id' | 'identitySecret' | 'identitySecretChangedAt'>;

const verificationOf = (channel: ChannelIdentityRow): ChannelIdentityVerification => ({
  channelId: channel.id,
  enabled: channel.identitySecret != null,
  secretChangedAt: channel.identitySecretChangedAt,
});

const secretOf = (channel: ChannelIdentityRow): ChannelIdentitySecret => ({
  channelId: channel.id,
  secret: channel.identitySecret,
  changedAt: channel.identitySecretChangedAt,
});

async function channelIdentityVerification(prisma: PrismaClient, channelId: string): Promise<ChannelIdentityVerification> {
  return verificationOf(await findAnyChannel(prisma, channelId));
}

async function channelIdentitySecret(prisma: PrismaClient, channelId: string): Promise<ChannelIdentitySecret> {
  return secretOf(await findAnyChannel(prisma, channelId));
}

interface IdentityDeps {
  prisma: PrismaClient;
  events: ChatEventLog;
  chats: Pick<ChatService, 'announceVisitorUpdated'>;
}

/**
 * Sets or removes the secret. Either way every verification made with the old one ends (the
 * channel's verified identities stay, so those emails remain protected), and the agents of open
 * chats whose visitor was verified are told with VISITOR_UPDATED.
 */
async function changeSecret({ prisma, events, chats }: IdentityDeps, channelId: string, secret: string | null): Promise<ChannelIdentityRow> {
  const channel = await findAnyChannel(prisma, channelId);
  const { updated, published } = await prisma.$transaction(async (tx) => {
    // The row lock also makes a verification being written with the old secret wait, then be deleted here.
    const updated = await tx.channel.update({ where: { id: channel.id }, data: { identitySecret: secret, identitySecretChangedAt: new Date() } });
    const affected = await tx.chatSession.findMany({
      where: { channelId: channel.id, status: { in: [...OPEN_CHAT_STATUSES] }, visitor: { verifications: { some: { channelId: channel.id } } } },
      select: { id: true, channelId: true, agentId: true },
    });
    await tx.visitorVerification.deleteMany({ where: { channelId: channel.id } });
    return { updated, published: await appendVisitorUpdated(tx, events, affected) };
  });
  chats.announceVisitorUpdated({ published });
  return updated;
}

/** Creates or replaces the secret: signatures made with the old one stop working at once. */
async function rotateChannelIdentitySecret(deps: IdentityDeps, channelId: string): Promise<ChannelIdentitySecret> {
  return secretOf(await changeSecret(deps, channelId, generateIdentitySecret()));
}

/** Turns verification off: signatures are ignored, nothing is verified and no email is refused until it is turned on again. */
async function disableChannelIdentityVerification(deps: IdentityDeps, channelId: string): Promise<ChannelIdentityVerification> {
  return verificationOf(await changeSecret(deps, channelId, null));
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
 * in, for example). Only for a visitor with an open chat in the channel. Given fields replace the
 * visitor's; omitted ones stay. The email is checked like in startChat, in this channel and in
 * those of the visitor's other open chats; agents of the open chats are told of any change.
 */
async function identifyVisitor(
  deps: IdentityDeps & { rateLimiter: RateLimiter; limitPerVisitor: RateLimit },
  visitor: Visitor,
  input: IdentifyVisitorInput,
): Promise<VisitorInChannel> {
  const { prisma, events, chats } = deps;
  await enforceRateLimit(deps.rateLimiter, `identify:visitor:${visitor.id}`, deps.limitPerVisitor);
  const fields = cleanVisitorFields(input, []);
  const channel = await findAnyChannel(prisma, input.channelId);
  const open = await prisma.chatSession.findFirst({
    where: { visitorId: visitor.id, channelId: channel.id, status: { in: [...OPEN_CHAT_STATUSES] } },
    select: { id: true },
  });
  if (!open) throw forbidden(`identifyVisitor needs an open chat of this visitor in channel ${channel.id}; startChat takes the details otherwise.`);
  const accepted = await checkIdentityClaim(prisma, { channel, visitor, email: fields.email, signature: input.emailSignature });
  const saved = await prisma.$transaction((tx) => saveVisitorIdentity(tx, events, { channel, visitor, fields, accepted }));
  chats.announceVisitorUpdated(saved);
  return { ...saved.visitor, viewedInChannelId: channel.id };
}

export interface WidgetServiceDeps extends IdentityDeps {
  rateLimiter: RateLimiter;
  limits: { widgetChannelPerIp: RateLimit; identifyPerVisitor: RateLimit };
  settings: WidgetSettings;
}

export function createWidgetService(deps: WidgetServiceDeps) {
  const { prisma, rateLimiter, limits, settings } = deps;
  return {
    /** The public configuration of a channel, rate limited per client address. */
    async widgetChannel(channelId: string, clientAddress: string): Promise<WidgetChannelConfig> {
      await enforceRateLimit(rateLimiter, `widgetChannel:ip:${clientAddress}`, limits.widgetChannelPerIp);
      return widgetChannel(prisma, channelId, settings);
    },
    channelIdentityVerification: (channelId: string) => channelIdentityVerification(prisma, channelId),
    channelIdentitySecret: (channelId: string) => channelIdentitySecret(prisma, channelId),
    rotateChannelIdentitySecret: (channelId: string) => rotateChannelIdentitySecret(deps, channelId),
    disableChannelIdentityVerification: (channelId: string) => disableChannelIdentityVerification(deps, channelId),
    identifyVisitor: (visitor: Visitor, input: IdentifyVisitorInput) =>
      identifyVisitor({ ...deps, limitPerVisitor: limits.identifyPerVisitor }, visitor, input),
  };
}

export type WidgetService = ReturnType<typeof createWidgetService>;
