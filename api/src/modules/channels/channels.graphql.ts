import { builder } from '../../graphql/builder';
import { agentOf, type Context } from '../../graphql/context';
import { VisitorField, WidgetTheme } from '../../generated/prisma/enums';
import { CHANNEL_TEXT_LIMITS, MAX_OFFLINE_QUEUE_LENGTH, MAX_THRESHOLD_MINUTES, embedSnippet, formatClockTime } from './channels.service';
import { selfOrAdmin } from '../agents/agents.graphql';
import { publicBaseUrl } from '../../graphql/request-origin';

export const WidgetThemeEnum = builder.enumType(WidgetTheme, {
  name: 'WidgetTheme',
  description: 'The widget’s colour scheme: LIGHT or DARK.',
});

export const VisitorFieldEnum = builder.enumType(VisitorField, {
  name: 'VisitorField',
  description: 'A visitor detail a form can ask for and require.',
});

export const WeekdayEnum = builder.enumType('Weekday', {
  description: 'A day of the week, in the channel’s time zone.',
  values: {
    MONDAY: { value: 0, description: 'Monday.' },
    TUESDAY: { value: 1, description: 'Tuesday.' },
    WEDNESDAY: { value: 2, description: 'Wednesday.' },
    THURSDAY: { value: 3, description: 'Thursday.' },
    FRIDAY: { value: 4, description: 'Friday.' },
    SATURDAY: { value: 5, description: 'Saturday.' },
    SUNDAY: { value: 6, description: 'Sunday.' },
  } as const,
});

// The channels an agent is a member of, loaded once per request for every settings field asked.
const memberChannelIds = new WeakMap<Context, Promise<Set<string>>>();

/** Settings, members and the embed are for the channel's members and admins, not visitors or API tokens. */
async function canReadSettings(channelId: string, ctx: Context): Promise<boolean> {
  const agent = agentOf(ctx);
  if (!agent) return false;
  if (agent.role === 'ADMIN') return true;
  let ids = memberChannelIds.get(ctx);
  if (!ids) {
    ids = ctx.services.channels.memberChannelIds(agent.id);
    memberChannelIds.set(ctx, ids);
  }
  return (await ids).has(channelId);
}

const settingsAccess = (channel: { id: string }, _args: unknown, ctx: Context) => canReadSettings(channel.id, ctx);
const MEMBERS_ONLY = ' Members of the channel and admins.';

builder.prismaObject('ChannelOpeningHours', {
  name: 'OpeningHoursDay',
  description: 'When a channel is open on one weekday, in its time zone. A weekday without a row is closed.',
  fields: (t) => ({
    weekday: t.field({ type: WeekdayEnum, description: 'The day.', resolve: (d) => d.weekday as 0 | 1 | 2 | 3 | 4 | 5 | 6 }),
    opensAt: t.string({ description: 'Opening time, "HH:MM".', resolve: (d) => formatClockTime(d.opensAt) }),
    closesAt: t.string({ description: 'Closing time, "HH:MM"; "24:00" is the end of the day.', resolve: (d) => formatClockTime(d.closesAt) }),
    breakStartsAt: t.string({
      nullable: true,
      description: 'Start of the break, "HH:MM"; null without a break.',
      resolve: (d) => (d.breakStartsAt == null ? null : formatClockTime(d.breakStartsAt)),
    }),
    breakEndsAt: t.string({
      nullable: true,
      description: 'End of the break, "HH:MM"; null without a break.',
      resolve: (d) => (d.breakEndsAt == null ? null : formatClockTime(d.breakEndsAt)),
    }),
  }),
});

builder.prismaObject('ChannelMember', {
  description: 'An agent in a channel, with what they may do there.',
  fields: (t) => ({
    agent: t.relation('agent', { description: 'The agent.' }),
    channel: t.relation('channel', { description: 'The channel.' }),
    canRespond: t.exposeBoolean('canRespond', { description: 'Takes chats from the queue and receives transfers.' }),
    getsNotifications: t.exposeBoolean('getsNotifications', { description: 'Gets a browser notification and a sound for each new chat.' }),
    canListenIn: t.exposeBoolean('canListenIn', { description: 'May open other agents’ chats read-only (listen in).' }),
    isManager: t.exposeBoolean('isManager', {
      description: 'May take over any chat of the channel and gets the manager warning when a chat waits too long.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the agent was added.' }),
  }),
});

builder.prismaObject('Channel', {
  description: 'A chat topic such as "Technical support" or "Sales", with its own agents, widget and forms.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier; the widget embed names it in `data-channel`.' }),
    name: t.exposeString('name', { description: 'Unique name (case-insensitively).' }),
    language: t.exposeString('language', { description: 'Language of the widget strings, a BCP 47 tag such as "en" or "nb".' }),
    badgeHeader: t.exposeString('badgeHeader', { description: 'Text on the widget launcher badge.' }),
    description: t.exposeString('description', { description: 'What the channel is for.' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone of the opening hours.' }),
    openingHoursEnabled: t.exposeBoolean('openingHoursEnabled', { description: 'False means always open.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the channel was created.' }),

    archivedAt: t.expose('archivedAt', {
      type: 'DateTime',
      nullable: true,
      authScopes: settingsAccess,
      description: `When an admin archived it: it takes no new chats. Null while in use.${MEMBERS_ONLY}`,
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', authScopes: settingsAccess, description: `When a setting last changed.${MEMBERS_ONLY}` }),
    openingHours: t.relation('openingHours', {
      authScopes: settingsAccess,
      query: { orderBy: { weekday: 'asc' } },
      description: `Opening hours per weekday, Monday first; used when openingHoursEnabled.${MEMBERS_ONLY}`,
    }),
    warnAgentsAfterMinutes: t.exposeInt('warnAgentsAfterMinutes', {
      nullable: true,
      authScopes: settingsAccess,
      description: `Agents are warned when a new chat has waited this many minutes; null is off.${MEMBERS_ONLY}`,
    }),
    warnManagersAfterMinutes: t.exposeInt('warnManagersAfterMinutes', {
      nullable: true,
      authScopes: settingsAccess,
      description: `Managers are warned when a new chat has waited this many minutes; null is off.${MEMBERS_ONLY}`,
    }),
    widgetTheme: t.expose('widgetTheme', { type: WidgetThemeEnum, authScopes: settingsAccess, description: `Widget colour scheme.${MEMBERS_ONLY}` }),
    widgetColor: t.exposeString('widgetColor', { authScopes: settingsAccess, description: `Widget accent colour, "#rrggbb".${MEMBERS_ONLY}` }),
    widgetFont: t.exposeString('widgetFont', { authScopes: settingsAccess, description: `Widget CSS font-family list.${MEMBERS_ONLY}` }),
    widgetLogoUrl: t.exposeString('widgetLogoUrl', {
      nullable: true,
      authScopes: settingsAccess,
      description: `Logo in the widget header; null for none.${MEMBERS_ONLY}`,
    }),
    showAgentPhoto: t.exposeBoolean('showAgentPhoto', { authScopes: settingsAccess, description: `Whether visitors see the agent’s photo.${MEMBERS_ONLY}` }),
    widgetHeader: t.exposeString('widgetHeader', { authScopes: settingsAccess, description: `Title of the open widget.${MEMBERS_ONLY}` }),
    welcomeMessage: t.exposeString('welcomeMessage', {
      authScopes: settingsAccess,
      description: `Sent to the visitor when an agent takes the chat.${MEMBERS_ONLY}`,
    }),
    queueMessage: t.exposeString('queueMessage', {
      authScopes: settingsAccess,
      description: `Shown while queued; {queuePosition} and {averageWait} (hh:mm) are filled in live.${MEMBERS_ONLY}`,
    }),
    prechatEnabled: t.exposeBoolean('prechatEnabled', { authScopes: settingsAccess, description: `Whether the pre-chat form is shown.${MEMBERS_ONLY}` }),
    prechatRequiredFields: t.expose('prechatRequiredFields', {
      type: [VisitorFieldEnum],
      authScopes: settingsAccess,
      description: `What the pre-chat form requires.${MEMBERS_ONLY}`,
    }),
    faqSuggestionsEnabled: t.exposeBoolean('faqSuggestionsEnabled', {
      authScopes: settingsAccess,
      description: `Whether visitors get FAQ suggestions from faqFolder before joining the queue.${MEMBERS_ONLY}`,
    }),
    faqFolder: t.relation('faqFolder', {
      nullable: true,
      authScopes: settingsAccess,
      description: `The FAQ folder suggestions come from (with its subfolders).${MEMBERS_ONLY}`,
    }),
    offlineHeader: t.exposeString('offlineHeader', { authScopes: settingsAccess, description: `Title of the offline form.${MEMBERS_ONLY}` }),
    offlineMessage: t.exposeString('offlineMessage', { authScopes: settingsAccess, description: `Text above the offline form.${MEMBERS_ONLY}` }),
    offlineCreatesRequest: t.exposeBoolean('offlineCreatesRequest', {
      authScopes: settingsAccess,
      description: `Whether the offline form creates a request.${MEMBERS_ONLY}`,
    }),
    offlineRequiredFields: t.expose('offlineRequiredFields', {
      type: [VisitorFieldEnum],
      authScopes: settingsAccess,
      description: `What the offline form requires.${MEMBERS_ONLY}`,
    }),
    offlineAfterWaitMinutes: t.exposeInt('offlineAfterWaitMinutes', {
      nullable: true,
      authScopes: settingsAccess,
      description: `New visitors get the offline form once the oldest queued chat has waited this many minutes; null is off.${MEMBERS_ONLY}`,
    }),
    offlineAfterQueueLength: t.exposeInt('offlineAfterQueueLength', {
      nullable: true,
      authScopes: settingsAccess,
      description: `New visitors get the offline form once this many chats are queued; null is off.${MEMBERS_ONLY}`,
    }),
    postchatEnabled: t.exposeBoolean('postchatEnabled', { authScopes: settingsAccess, description: `Whether the post-chat form is shown.${MEMBERS_ONLY}` }),
    postchatRating: t.exposeBoolean('postchatRating', {
      authScopes: settingsAccess,
      description: `Whether the post-chat form asks for a rating.${MEMBERS_ONLY}`,
    }),
    postchatTranscript: t.exposeBoolean('postchatTranscript', {
      authScopes: settingsAccess,
      description: `Whether the post-chat form offers the transcript by email.${MEMBERS_ONLY}`,
    }),
    members: t.relation('members', {
      authScopes: settingsAccess,
      query: { orderBy: [{ agent: { name: 'asc' } }, { agentId: 'asc' }] },
      description: `The channel’s agents with their flags, by name.${MEMBERS_ONLY}`,
    }),
    embedSnippet: t.string({
      authScopes: settingsAccess,
      description: `The one-line script tag that puts this channel’s widget on a website (PUBLIC_URL, or the address this request came to).${MEMBERS_ONLY}`,
      resolve: (channel, _args, ctx) => embedSnippet(publicBaseUrl(ctx), channel.id),
    }),
    demoPageUrl: t.string({
      authScopes: settingsAccess,
      description: `A page of this server that embeds the widget, to try the channel.${MEMBERS_ONLY}`,
      resolve: (channel, _args, ctx) => `${publicBaseUrl(ctx)}/demo/${channel.id}`,
    }),
  }),
});

builder.prismaObjectField('Agent', 'memberships', (t) =>
  t.relation('memberships', {
    authScopes: selfOrAdmin,
    query: { orderBy: [{ channel: { name: 'asc' } }, { channelId: 'asc' }] },
    description: 'The channels the agent is in, with their flags, by channel name. The agent themself and admins.',
  }),
);

const OpeningHoursDayInput = builder.inputType('OpeningHoursDayInput', {
  description: 'One open weekday. Times are "HH:MM" from 00:00 to 24:00 in the channel’s time zone.',
  fields: (t) => ({
    weekday: t.field({ type: WeekdayEnum, required: true, description: 'The day; each at most once.' }),
    opensAt: t.string({ required: true, description: 'Opening time.' }),
    closesAt: t.string({ required: true, description: 'Closing time, after opensAt; "24:00" for midnight.' }),
    breakStartsAt: t.string({ description: 'Start of a break within the opening hours; give both break times or neither.' }),
    breakEndsAt: t.string({ description: 'End of the break, after breakStartsAt.' }),
  }),
});

const L = CHANNEL_TEXT_LIMITS;
const limitsNote = `Thresholds are whole minutes from 1 to ${MAX_THRESHOLD_MINUTES}; null turns them off.`;

/** Every channel setting, shared by the create and the update input. */
type SchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;
function settingsInputFields(t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>) {
  return {
    language: t.string({ description: 'BCP 47 language tag of the widget strings, e.g. "en", "nb", "en-GB".' }),
    badgeHeader: t.string({ description: `Launcher badge text, 1–${L.badgeHeader} characters.` }),
    description: t.string({ description: `What the channel is for, up to ${L.description} characters.` }),
    timeZone: t.string({ description: 'IANA time zone of the opening hours, e.g. "Europe/Oslo".' }),
    openingHoursEnabled: t.boolean({ description: 'True to use the opening hours; false is always open. Needs at least one day.' }),
    openingHours: t.field({ type: [OpeningHoursDayInput], description: 'Replaces every day; a weekday left out is closed.' }),
    warnAgentsAfterMinutes: t.int({ description: `Warn agents about a chat waiting this long. ${limitsNote}` }),
    warnManagersAfterMinutes: t.int({ description: `Warn managers about a chat waiting this long. ${limitsNote}` }),
    widgetTheme: t.field({ type: WidgetThemeEnum, description: 'LIGHT or DARK.' }),
    widgetColor: t.string({ description: 'Accent colour, "#rrggbb" (or "#rgb").' }),
    widgetFont: t.string({ description: `CSS font-family list, up to ${L.widgetFont} characters of font names.` }),
    widgetLogoUrl: t.string({ description: 'http(s) URL of a logo; null or empty removes it.' }),
    showAgentPhoto: t.boolean({ description: 'Whether visitors see the agent’s photo.' }),
    widgetHeader: t.string({ description: `Title of the open widget, 1–${L.widgetHeader} characters.` }),
    welcomeMessage: t.string({ description: `Sent when an agent takes the chat, 1–${L.welcomeMessage} characters.` }),
    queueMessage: t.string({ description: `Shown while queued, 1–${L.queueMessage} characters; may use {queuePosition} and {averageWait}.` }),
    prechatEnabled: t.boolean({ description: 'Whether the pre-chat form is shown.' }),
    prechatRequiredFields: t.field({ type: [VisitorFieldEnum], description: 'What the pre-chat form requires.' }),
    faqSuggestionsEnabled: t.boolean({ description: 'FAQ suggestions before the queue; needs faqFolderId.' }),
    faqFolderId: t.id({ description: 'The FAQ folder suggestions come from; null removes it.' }),
    offlineHeader: t.string({ description: `Title of the offline form, 1–${L.offlineHeader} characters.` }),
    offlineMessage: t.string({ description: `Text above the offline form, 1–${L.offlineMessage} characters.` }),
    offlineCreatesRequest: t.boolean({ description: 'Whether the offline form creates a request.' }),
    offlineRequiredFields: t.field({ type: [VisitorFieldEnum], description: 'What the offline form requires.' }),
    offlineAfterWaitMinutes: t.int({ description: `Offline form once the oldest queued chat waited this long. ${limitsNote}` }),
    offlineAfterQueueLength: t.int({ description: `Offline form once this many chats are queued, 1–${MAX_OFFLINE_QUEUE_LENGTH}; null is off.` }),
    postchatEnabled: t.boolean({ description: 'Whether the post-chat form is shown.' }),
    postchatRating: t.boolean({ description: 'Whether it asks for a rating.' }),
    postchatTranscript: t.boolean({ description: 'Whether it offers the transcript by email.' }),
  };
}

const CreateChannelInput = builder.inputType('CreateChannelInput', {
  description: 'A new channel. Settings left out get their defaults.',
  fields: (t) => ({
    name: t.string({ required: true, description: `1–${L.name} characters, unique case-insensitively.` }),
    ...settingsInputFields(t),
  }),
});

const UpdateChannelInput = builder.inputType('UpdateChannelInput', {
  description: 'Changes to a channel; settings left out stay as they are.',
  fields: (t) => ({
    name: t.string({ description: `1–${L.name} characters, unique case-insensitively.` }),
    ...settingsInputFields(t),
  }),
});

const ChannelMemberInput = builder.inputType('ChannelMemberInput', {
  description: 'A member’s flags; those left out keep their value (a new member gets can respond and notifications on, the others off).',
  fields: (t) => ({
    canRespond: t.boolean({ description: 'Takes chats and transfers.' }),
    getsNotifications: t.boolean({ description: 'Gets new-chat notifications.' }),
    canListenIn: t.boolean({ description: 'May listen in to other agents’ chats.' }),
    isManager: t.boolean({ description: 'May take over chats; gets manager warnings.' }),
  }),
});

builder.queryFields((t) => ({
  channels: t.prismaField({
    type: ['Channel'],
    description: 'Admins see every channel; agents see the channels they are members of. By name.',
    authScopes: { agent: true },
    args: { includeArchived: t.arg.boolean({ defaultValue: false, description: 'Include archived channels.' }) },
    resolve: (query, _root, { includeArchived }, ctx) => {
      return ctx.prisma.channel.findMany({
        ...query,
        ...ctx.services.channels.visibleChannelsQuery(agentOf(ctx)!, includeArchived ?? false),
      });
    },
  }),
  channel: t.prismaField({
    type: 'Channel',
    description: 'One channel: admins any, agents their own (others are NOT_FOUND).',
    authScopes: { agent: true },
    args: { id: t.arg.id({ required: true, description: 'The channel.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const channel = await ctx.services.channels.readable(agentOf(ctx)!, id);
      return ctx.prisma.channel.findUniqueOrThrow({ ...query, where: { id: channel.id } });
    },
  }),
}));

builder.mutationFields((t) => ({
  createChannel: t.prismaField({
    type: 'Channel',
    description: 'Creates a channel. Admins only. A name in use is CONFLICT (field name).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateChannelInput, required: true, description: 'The new channel.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const created = await ctx.services.channels.create({ ...input, faqFolderId: input.faqFolderId == null ? input.faqFolderId : input.faqFolderId });
      return ctx.prisma.channel.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  updateChannel: t.prismaField({
    type: 'Channel',
    description: 'Changes a channel’s settings. Admins only. A bad setting is VALIDATION naming it; a name in use is CONFLICT.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The channel.' }),
      input: t.arg({ type: UpdateChannelInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) => {
      const updated = await ctx.services.channels.update(id, {
        ...input,
        faqFolderId: input.faqFolderId == null ? input.faqFolderId : input.faqFolderId,
      });
      return ctx.prisma.channel.findUniqueOrThrow({ ...query, where: { id: updated.id } });
    },
  }),
  archiveChannel: t.prismaField({
    type: 'Channel',
    description:
      'Archives a channel (or restores it with archived: false). Archived, it takes no new chats and leaves the default channel lists; open chats go on and history stays. Admins only.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The channel.' }),
      archived: t.arg.boolean({ defaultValue: true, description: 'False restores it.' }),
    },
    resolve: async (query, _root, { id, archived }, ctx) => {
      const channel = await ctx.services.channels.setArchived(id, archived ?? true);
      return ctx.prisma.channel.findUniqueOrThrow({ ...query, where: { id: channel.id } });
    },
  }),
  deleteChannel: t.id({
    description: 'Deletes a channel that never had a chat. One with chats is CONFLICT (reason HAS_CHATS): archive it instead. Returns the id. Admins only.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, description: 'The channel.' }) },
    resolve: (_root, { id }, ctx) => ctx.services.channels.remove(id),
  }),
  setChannelMember: t.prismaField({
    type: 'ChannelMember',
    description: 'Adds an agent to a channel, or changes their flags. Admins only.',
    authScopes: { admin: true },
    args: {
      channelId: t.arg.id({ required: true, description: 'The channel.' }),
      agentId: t.arg.id({ required: true, description: 'The agent; a deactivated agent cannot be added.' }),
      flags: t.arg({ type: ChannelMemberInput, description: 'The flags to set.' }),
    },
    resolve: async (query, _root, { channelId, agentId, flags }, ctx) => {
      const member = await ctx.services.channels.setMember(channelId, agentId, flags ?? {});
      return ctx.prisma.channelMember.findUniqueOrThrow({ ...query, where: { channelId_agentId: { channelId: member.channelId, agentId: member.agentId } } });
    },
  }),
  removeChannelMember: t.prismaField({
    type: 'Channel',
    description: 'Takes an agent out of a channel. Chats they handle stay theirs until ended or transferred. Admins only.',
    authScopes: { admin: true },
    args: {
      channelId: t.arg.id({ required: true, description: 'The channel.' }),
      agentId: t.arg.id({ required: true, description: 'The agent.' }),
    },
    resolve: async (query, _root, { channelId, agentId }, ctx) => {
      const channel = await ctx.services.channels.removeMember(channelId, agentId);
      return ctx.prisma.channel.findUniqueOrThrow({ ...query, where: { id: channel.id } });
    },
  }),
}));
