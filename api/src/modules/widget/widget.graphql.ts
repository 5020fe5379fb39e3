import { builder } from '../../graphql/builder';
import { configFromEnv } from '../../platform/config';
import type { ChannelAvailability } from '../channels/availability';
import type { ChannelIdentitySecret, ChannelIdentityVerification, WidgetChannelConfig } from './widget.service';
import { VisitorFieldEnum, WidgetThemeEnum } from '../channels/channels.graphql';
import { VisitorRef } from '../chats/chats.graphql';

// Descriptions give the defaults; a deployment may set other limits.
const defaults = configFromEnv({}).chat;

export const ChannelOfflineReasonEnum = builder.enumType('ChannelOfflineReason', {
  description:
    'Why a channel takes no chats now: OUTSIDE_OPENING_HOURS, NO_AGENT_PRESENT (no member who can respond is Present), QUEUE_TOO_LONG or WAIT_TOO_LONG (the channel’s queue limits) send visitors to the offline form; ARCHIVED takes no offline form either, only the visitors’ open chats go on. The same values come in `extensions.reason` of CHANNEL_OFFLINE.',
  values: ['ARCHIVED', 'OUTSIDE_OPENING_HOURS', 'NO_AGENT_PRESENT', 'QUEUE_TOO_LONG', 'WAIT_TOO_LONG'] as const,
});

const WidgetAvailabilityRef = builder.objectRef<ChannelAvailability>('WidgetAvailability').implement({
  description: 'Whether the channel takes chats at the moment of the query.',
  fields: (t) => ({
    online: t.exposeBoolean('online', { description: 'True: show the pre-chat form; false: show the offline form (unless `reason` is ARCHIVED).' }),
    reason: t.field({ type: ChannelOfflineReasonEnum, nullable: true, description: 'Why it is offline; null when online.', resolve: (a) => a.reason }),
    queueLength: t.exposeInt('queueLength', { description: 'Chats waiting in the channel now.' }),
  }),
});

const WidgetChannelRef = builder.objectRef<WidgetChannelConfig>('WidgetChannel').implement({
  description:
    'The public face of a channel, for the embedded widget: its look, texts and forms, and whether it takes chats now. Holds no secret and no internal setting.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The channel id, as in the embed’s `data-channel`.' }),
    name: t.exposeString('name', { description: 'The channel’s name.' }),
    language: t.exposeString('language', { description: 'BCP 47 tag of the widget’s language, e.g. "en" or "nb".' }),
    badgeHeader: t.exposeString('badgeHeader', { description: 'Text on the launcher badge.' }),
    header: t.exposeString('header', { description: 'Title of the open widget.' }),
    description: t.exposeString('description', { description: 'What the channel is for.' }),
    theme: t.expose('theme', { type: WidgetThemeEnum, description: 'Light or dark.' }),
    color: t.exposeString('color', { description: 'Accent colour (CSS), for the launcher, header and the visitor’s messages.' }),
    font: t.exposeString('font', { description: 'CSS font-family of the widget.' }),
    logoUrl: t.exposeString('logoUrl', { nullable: true, description: 'Logo shown in the header, if any.' }),
    showAgentPhoto: t.exposeBoolean('showAgentPhoto', { description: 'Whether agents’ photos are shown next to their messages.' }),
    welcomeMessage: t.exposeString('welcomeMessage', { description: 'Sent by the agent who takes the chat.' }),
    queueMessage: t.exposeString('queueMessage', {
      description: 'Shown while waiting; `{queuePosition}` and `{averageWait}` (hh:mm) are filled in live from `queueStatus`.',
    }),
    prechatEnabled: t.exposeBoolean('prechatEnabled', { description: 'Whether the pre-chat form asks for details before the chat.' }),
    prechatRequiredFields: t.expose('prechatRequiredFields', {
      type: [VisitorFieldEnum],
      description: 'Fields the pre-chat form requires (startChat refuses without them); empty when the form is off.',
    }),
    faqSuggestionsEnabled: t.exposeBoolean('faqSuggestionsEnabled', {
      description: 'Whether to show `faqSuggestions` for the visitor’s question before they join the queue.',
    }),
    offlineHeader: t.exposeString('offlineHeader', { description: 'Title of the offline form.' }),
    offlineMessage: t.exposeString('offlineMessage', { description: 'Text above the offline form.' }),
    offlineCreatesRequest: t.exposeBoolean('offlineCreatesRequest', {
      description: 'Whether the offline form creates a request (and the visitor sees its number).',
    }),
    offlineRequiredFields: t.expose('offlineRequiredFields', { type: [VisitorFieldEnum], description: 'Fields the offline form requires.' }),
    postchatEnabled: t.exposeBoolean('postchatEnabled', { description: 'Whether to show the post-chat form when the chat ends.' }),
    postchatRating: t.exposeBoolean('postchatRating', { description: 'Whether the post-chat form asks for a 1–5 rating.' }),
    postchatTranscript: t.exposeBoolean('postchatTranscript', {
      description: 'Whether the post-chat form offers the transcript by email (false also when the server has no mail configured).',
    }),
    identityVerification: t.exposeBoolean('identityVerification', {
      description: 'True when the channel checks signed identities (`emailSignature`); verified emails cannot be claimed without one.',
    }),
    reopenWindowMinutes: t.exposeInt('reopenWindowMinutes', { description: 'How long after the end a visitor’s message reopens the chat ("return to chat").' }),
    maxAttachmentBytes: t.exposeInt('maxAttachmentBytes', { description: 'The largest file `sendAttachment` accepts.' }),
    availability: t.field({ type: WidgetAvailabilityRef, description: 'Whether it takes chats now.', resolve: (c) => c.availability }),
  }),
});

const ChannelIdentitySecretRef = builder.objectRef<ChannelIdentitySecret>('ChannelIdentitySecret').implement({
  description: 'A channel’s key for signed visitor identities. Keep it on the website’s server; never put it in a page.',
  fields: (t) => ({
    channelId: t.exposeID('channelId', { description: 'The channel.' }),
    secret: t.exposeString('secret', {
      nullable: true,
      description: 'The HMAC-SHA256 key: the website signs the visitor’s lower-cased email with it (hex digest). Null when verification is off.',
    }),
    changedAt: t.expose('changedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the secret was last created, rotated or removed (turned off); null when the channel never had one.',
    }),
  }),
});

const ChannelIdentityVerificationRef = builder.objectRef<ChannelIdentityVerification>('ChannelIdentityVerification').implement({
  description: 'Whether a channel verifies signed visitor identities, without its secret (read that with `channelIdentitySecret`).',
  fields: (t) => ({
    channelId: t.exposeID('channelId', { description: 'The channel.' }),
    enabled: t.exposeBoolean('enabled', { description: 'True when the channel has a secret: it verifies signed emails and protects verified ones.' }),
    secretChangedAt: t.expose('secretChangedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the secret was last created, rotated or removed; verifications made before it do not count. Null when the channel never had one.',
    }),
  }),
});

const IdentifyVisitorInput = builder.inputType('IdentifyVisitorInput', {
  description: 'Who the visitor is, as the website knows them (`ChatWidget.identify()`). Omitted fields stay as they are.',
  fields: (t) => ({
    channelId: t.id({ required: true, description: 'The channel whose identity secret signs the email.' }),
    name: t.string({ description: 'Up to 100 characters.' }),
    email: t.string({ description: 'A valid email.' }),
    phone: t.string({ description: 'Up to 50 characters.' }),
    company: t.string({ description: 'Up to 100 characters.' }),
    emailSignature: t.string({
      description:
        'Hex HMAC-SHA256 of the lower-cased email with the channel’s identity secret; makes the email verified in this channel. Ignored when the channel does not verify identities.',
    }),
  }),
});

builder.queryFields((t) => ({
  widgetChannel: t.field({
    type: WidgetChannelRef,
    description:
      'The public configuration and availability of a channel, for the embedded widget. Needs no credentials. NOT_FOUND for unknown and archived channels. Limited per client address (WIDGET_CHANNEL_LIMIT_PER_IP a minute): RATE_LIMITED with `retryAfter`.',
    args: { channelId: t.arg.id({ required: true, description: 'The channel, as in the embed’s `data-channel`.' }) },
    resolve: (_root, { channelId }, ctx) => ctx.services.widget.widgetChannel(channelId, ctx.ip),
  }),
  channelIdentityVerification: t.field({
    type: ChannelIdentityVerificationRef,
    description: 'Whether the channel verifies signed identities and when its secret last changed, without the secret. Admins only.',
    authScopes: { admin: true },
    args: { channelId: t.arg.id({ required: true, description: 'The channel.' }) },
    resolve: (_root, { channelId }, ctx) => ctx.services.widget.channelIdentityVerification(channelId),
  }),
  channelIdentitySecret: t.field({
    type: ChannelIdentitySecretRef,
    description: 'The channel’s identity secret, for the website’s developers. Admins only.',
    authScopes: { admin: true },
    args: { channelId: t.arg.id({ required: true, description: 'The channel.' }) },
    resolve: (_root, { channelId }, ctx) => ctx.services.widget.channelIdentitySecret(channelId),
  }),
}));

builder.mutationFields((t) => ({
  rotateChannelIdentitySecret: t.field({
    type: ChannelIdentitySecretRef,
    description:
      'Creates the channel’s identity secret, or replaces it: signatures made with the old one are refused from now on, and every visitor verified with it stops being verified until the website signs their email with the new one (emails verified before stay protected). Turns identity verification on. Admins only.',
    authScopes: { admin: true },
    args: { channelId: t.arg.id({ required: true, description: 'The channel.' }) },
    resolve: (_root, { channelId }, ctx) => ctx.services.widget.rotateChannelIdentitySecret(channelId),
  }),
  disableChannelIdentityVerification: t.field({
    type: ChannelIdentityVerificationRef,
    description:
      'Removes the channel’s identity secret: signatures are ignored, no visitor is verified and no email is refused. Turned on again, the channel protects the emails verified before, and visitors are verified anew with the new secret. Admins only.',
    authScopes: { admin: true },
    args: { channelId: t.arg.id({ required: true, description: 'The channel.' }) },
    resolve: (_root, { channelId }, ctx) => ctx.services.widget.disableChannelIdentityVerification(channelId),
  }),
  identifyVisitor: t.field({
    type: VisitorRef,
    description: `The website says who the visitor is, during a chat (\`ChatWidget.identify()\`). Visitor tokens only, with an open (queued or active) chat in the channel, else FORBIDDEN. The email that will be shown (the given one, else the visitor’s) is checked in this channel and, when it changes, in the channels of the visitor’s other open chats: a signed email becomes verified in this channel; an unsigned claim to a verified email fails with IDENTITY_NOT_VERIFIED. Agents of the visitor’s open chats get a VISITOR_UPDATED event when anything they see changed. At most ${defaults.identifyPerVisitor.limit} per minute per visitor by default (IDENTIFY_LIMIT_PER_VISITOR), then RATE_LIMITED with \`retryAfter\`.`,
    authScopes: { visitor: true },
    args: { input: t.arg({ type: IdentifyVisitorInput, required: true, description: 'What the website knows.' }) },
    resolve: (_root, { input }, ctx) => {
      const visitor = ctx.principal?.kind === 'visitor' ? ctx.principal.visitor : null;
      return ctx.services.widget.identifyVisitor(visitor!, input);
    },
  }),
}));
