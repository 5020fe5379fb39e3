// Module channels: where chats come in. Owns channels and their settings, members and their
// flags, opening hours and availability (who is Present, whether the widget is online).
// Imports agents.
import { AppError, conflict, notFound, prismaFailure, quoted, validation } from '../../platform/errors';
import type { Agent, Channel, ChannelMember, Prisma, PrismaClient, VisitorField, WidgetTheme } from '../../generated/prisma/client';
import type { EventBus } from '../../platform/pubsub';
import { isUuid } from '../../platform/ids';
import type { AgentSignal, ChannelSignal } from '../../platform/pubsub';
import { MINUTES_PER_DAY, WEEKDAY_NAMES, validateOpeningHours, validateTimeZone, type OpeningHoursRow } from './opening-hours';
import { cleanHttpUrl, cleanOptionalText, cleanText } from '../../platform/validate';

export const CHANNEL_TEXT_LIMITS = {
  name: 100,
  badgeHeader: 60,
  description: 500,
  widgetHeader: 60,
  widgetFont: 200,
  welcomeMessage: 1000,
  queueMessage: 500,
  offlineHeader: 100,
  offlineMessage: 1000,
} as const;
export const MAX_LANGUAGE_TAG_LENGTH = 35;
/** Warning thresholds and the offline wait limit: 1 minute to one day. */
export const MAX_THRESHOLD_MINUTES = 1440;
export const MAX_OFFLINE_QUEUE_LENGTH = 1000;
export const QUEUE_MESSAGE_VARIABLES = ['queuePosition', 'averageWait'] as const;

/** One weekday as admins give it: clock times "HH:MM" in the channel's time zone; "24:00" is midnight at the end of the day. */
export interface OpeningHoursDayInput {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  opensAt: string;
  closesAt: string;
  breakStartsAt?: string | null;
  breakEndsAt?: string | null;
}

/**
 * Every channel setting; omitted (undefined) means unchanged. For the optional settings null
 * clears them (thresholds off, no logo, no FAQ folder); for the others null also means unchanged.
 */
export interface ChannelSettingsInput {
  name?: string | null;
  language?: string | null;
  badgeHeader?: string | null;
  description?: string | null;
  timeZone?: string | null;
  openingHoursEnabled?: boolean | null;
  /** Replaces every day; a weekday left out is closed. */
  openingHours?: OpeningHoursDayInput[] | null;
  warnAgentsAfterMinutes?: number | null;
  warnManagersAfterMinutes?: number | null;
  widgetTheme?: WidgetTheme | null;
  widgetColor?: string | null;
  widgetFont?: string | null;
  widgetLogoUrl?: string | null;
  showAgentPhoto?: boolean | null;
  widgetHeader?: string | null;
  welcomeMessage?: string | null;
  queueMessage?: string | null;
  prechatEnabled?: boolean | null;
  prechatRequiredFields?: VisitorField[] | null;
  faqSuggestionsEnabled?: boolean | null;
  faqFolderId?: string | null;
  offlineHeader?: string | null;
  offlineMessage?: string | null;
  offlineCreatesRequest?: boolean | null;
  offlineRequiredFields?: VisitorField[] | null;
  offlineAfterWaitMinutes?: number | null;
  offlineAfterQueueLength?: number | null;
  postchatEnabled?: boolean | null;
  postchatRating?: boolean | null;
  postchatTranscript?: boolean | null;
}

export interface MemberFlagsInput {
  canRespond?: boolean | null;
  getsNotifications?: boolean | null;
  canListenIn?: boolean | null;
  isManager?: boolean | null;
}

const CLOCK_TIME = /^(\d{1,2}):(\d{2})$/;

/** "HH:MM" (00:00–24:00) to minutes after midnight; VALIDATION on `openingHours` naming the day otherwise. */
export function parseClockTime(value: string, day: string, name: string): number {
  const match = CLOCK_TIME.exec(value.trim());
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || minutes > MINUTES_PER_DAY)
    throw validation('openingHours', `${day}: ${name} must be a time from 00:00 to 24:00 written HH:MM, got "${quoted(value)}"`);
  return minutes;
}

export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function cleanOpeningHours(days: readonly OpeningHoursDayInput[]): OpeningHoursRow[] {
  if (days.length > 7) throw validation('openingHours', 'has more than 7 days');
  const rows = days.map((day) => {
    const name = WEEKDAY_NAMES[day.weekday] ?? `weekday ${day.weekday}`;
    const optional = (value: string | null | undefined, field: string) => (value == null || value.trim() === '' ? null : parseClockTime(value, name, field));
    return {
      weekday: day.weekday,
      opensAt: parseClockTime(day.opensAt, name, 'opensAt'),
      closesAt: parseClockTime(day.closesAt, name, 'closesAt'),
      breakStartsAt: optional(day.breakStartsAt, 'breakStartsAt'),
      breakEndsAt: optional(day.breakEndsAt, 'breakEndsAt'),
    };
  });
  return validateOpeningHours(rows);
}

/** A BCP 47 language tag in its canonical spelling ("nb", "en-GB"). */
export function cleanLanguageTag(value: string): string {
  const tag = value.trim();
  if (tag === '' || tag.length > MAX_LANGUAGE_TAG_LENGTH || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag))
    throw validation('language', 'must be a language tag such as "en", "nb" or "en-GB"');
  try {
    return Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw validation('language', `"${tag}" is not a valid language tag`);
  }
}

/** "#2563eb" or "#26e" to lower-case "#rrggbb". */
export function cleanHexColor(field: string, value: string): string {
  const match = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(value.trim());
  if (!match) throw validation(field, 'must be a colour written #rrggbb, e.g. #2563eb');
  const hex = match[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/**
 * A CSS font-family list. The widget puts it into a style sheet, so only characters that can
 * appear in font names are allowed (no ; { } ( ) < > \ that could end the declaration).
 */
export function cleanFontFamily(value: string): string {
  const font = cleanText('widgetFont', value, { max: CHANNEL_TEXT_LIMITS.widgetFont });
  if (!/^[A-Za-z0-9 ,'"._-]+$/.test(font))
    throw validation('widgetFont', 'must be a list of font names such as "Inter, system-ui, sans-serif" (letters, digits, spaces, commas, quotes, - _ .)');
  return font;
}

/** The queue message may use {queuePosition} and {averageWait} and no other variable. */
export function cleanQueueMessage(value: string): string {
  const message = cleanText('queueMessage', value, { max: CHANNEL_TEXT_LIMITS.queueMessage });
  for (const [, name] of message.matchAll(/\{([^{}]*)\}/g)) {
    if (!(QUEUE_MESSAGE_VARIABLES as readonly string[]).includes(name!.trim()))
      throw validation('queueMessage', `{${name}} is not a variable; use ${QUEUE_MESSAGE_VARIABLES.map((v) => `{${v}}`).join(' or ')}`);
  }
  return message;
}

function cleanMinutes(field: string, value: number, max: number, unit = 'minutes'): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw validation(field, `must be a whole number of ${unit} from 1 to ${max}`);
  return value;
}

/** The settings an admin gave, checked one by one; cross-setting rules are checked on the merged result. */
function cleanSettings(input: ChannelSettingsInput): { data: Prisma.ChannelUncheckedUpdateInput; openingHours: OpeningHoursRow[] | null } {
  const data: Prisma.ChannelUncheckedUpdateInput = {};
  const text = (field: keyof typeof CHANNEL_TEXT_LIMITS, required = true) => {
    const value = input[field];
    if (value != null) data[field] = cleanText(field, value, { max: CHANNEL_TEXT_LIMITS[field], required });
  };
  const flag = <K extends keyof ChannelSettingsInput & keyof Prisma.ChannelUncheckedUpdateInput>(field: K) => {
    if (input[field] != null) (data as Record<string, unknown>)[field] = input[field];
  };
  const optionalNumber = (field: 'warnAgentsAfterMinutes' | 'warnManagersAfterMinutes' | 'offlineAfterWaitMinutes' | 'offlineAfterQueueLength') => {
    const value = input[field];
    if (value === undefined) return;
    const isLength = field === 'offlineAfterQueueLength';
    data[field] =
      value === null ? null : cleanMinutes(field, value, isLength ? MAX_OFFLINE_QUEUE_LENGTH : MAX_THRESHOLD_MINUTES, isLength ? 'waiting chats' : 'minutes');
  };
  const fields = (field: 'prechatRequiredFields' | 'offlineRequiredFields') => {
    if (input[field] != null) data[field] = [...new Set(input[field])];
  };

  text('name');
  if (input.language != null) data.language = cleanLanguageTag(input.language);
  text('badgeHeader');
  text('description', false);
  if (input.timeZone != null) data.timeZone = validateTimeZone(input.timeZone);
  flag('openingHoursEnabled');
  optionalNumber('warnAgentsAfterMinutes');
  optionalNumber('warnManagersAfterMinutes');
  flag('widgetTheme');
  if (input.widgetColor != null) data.widgetColor = cleanHexColor('widgetColor', input.widgetColor);
  if (input.widgetFont != null) data.widgetFont = cleanFontFamily(input.widgetFont);
  if (input.widgetLogoUrl !== undefined) data.widgetLogoUrl = cleanHttpUrl('widgetLogoUrl', input.widgetLogoUrl);
  flag('showAgentPhoto');
  text('widgetHeader');
  text('welcomeMessage');
  if (input.queueMessage != null) data.queueMessage = cleanQueueMessage(input.queueMessage);
  flag('prechatEnabled');
  fields('prechatRequiredFields');
  flag('faqSuggestionsEnabled');
  if (input.faqFolderId !== undefined) {
    const id = cleanOptionalText('faqFolderId', input.faqFolderId, 100);
    if (id !== null && !isUuid(id)) throw validation('faqFolderId', 'is not a valid folder id');
    data.faqFolderId = id;
  }
  text('offlineHeader');
  text('offlineMessage');
  flag('offlineCreatesRequest');
  fields('offlineRequiredFields');
  optionalNumber('offlineAfterWaitMinutes');
  optionalNumber('offlineAfterQueueLength');
  flag('postchatEnabled');
  flag('postchatRating');
  flag('postchatTranscript');
  const openingHours = input.openingHours != null ? cleanOpeningHours(input.openingHours) : null;
  return { data, openingHours };
}

/** The one-line embed for a customer's site. */
export function embedSnippet(baseUrl: string, channelId: string): string {
  return `<script src="${baseUrl}/widget.js" data-channel="${channelId}" defer></script>`;
}

export interface ChannelServiceDeps {
  prisma: PrismaClient;
  bus: EventBus;
}

export function createChannelService({ prisma, bus }: ChannelServiceDeps) {
  async function assertNameFree(name: string, exceptId: string | null) {
    const taken = await prisma.channel.findFirst({
      where: { name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { name: true },
    });
    if (taken) throw conflict(`A channel named "${taken.name}" already exists.`, 'name');
  }

  async function assertFolderExists(folderId: string | null | undefined) {
    if (folderId && !(await prisma.faqFolder.findUnique({ where: { id: folderId }, select: { id: true } })))
      throw validation('faqFolderId', 'no FAQ folder has this id');
  }

  /** Rules that span settings, checked against what the channel will look like after the change. */
  function checkCombined(merged: Pick<Channel, 'faqSuggestionsEnabled' | 'faqFolderId' | 'openingHoursEnabled'>, dayCount: number) {
    if (merged.faqSuggestionsEnabled && !merged.faqFolderId) throw validation('faqFolderId', 'choose a FAQ folder to turn FAQ suggestions on');
    if (merged.openingHoursEnabled && dayCount === 0) throw validation('openingHours', 'give at least one open day, or turn opening hours off (always open)');
  }

  /** A unique-name race lost to another admin surfaces as the same CONFLICT as the check before it. */
  async function withNameConflict<T>(name: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (prismaFailure(error) === 'UNIQUE_VIOLATION') throw conflict(`A channel named "${name}" already exists.`, 'name');
      throw error;
    }
  }

  function announceSettings(channelId: string) {
    bus.publish('channel', channelId, { reason: 'settings' } satisfies ChannelSignal);
  }

  async function findOrThrow(id: string): Promise<Channel> {
    const channel = isUuid(id) ? await prisma.channel.findUnique({ where: { id } }) : null;
    if (!channel) throw notFound('Channel', id);
    return channel;
  }

  /** The channels an agent is a member of. */
  async function memberChannelIds(agentId: string): Promise<Set<string>> {
    const rows = await prisma.channelMember.findMany({ where: { agentId }, select: { channelId: true } });
    return new Set(rows.map((r) => r.channelId));
  }

  /** The channel list an agent sees: every channel for admins, their own for others; archived ones only when asked. By name. */
  function visibleChannelsQuery(agent: Pick<Agent, 'id' | 'role'>, includeArchived: boolean) {
    return {
      where: { ...(agent.role === 'ADMIN' ? {} : { members: { some: { agentId: agent.id } } }), ...(includeArchived ? {} : { archivedAt: null }) },
      orderBy: { name: 'asc' },
    } satisfies Prisma.ChannelFindManyArgs;
  }

  /** Admins read every channel; agents only the channels they are members of (others are NOT_FOUND). */
  async function readable(agent: Pick<Agent, 'id' | 'role'>, id: string): Promise<Channel> {
    const channel = isUuid(id)
      ? await prisma.channel.findFirst({ where: { id, ...(agent.role === 'ADMIN' ? {} : { members: { some: { agentId: agent.id } } }) } })
      : null;
    if (!channel) throw notFound('Channel', id);
    return channel;
  }

  async function create(input: ChannelSettingsInput): Promise<Channel> {
    if (input.name == null) throw validation('name', 'must not be empty');
    const { data, openingHours } = cleanSettings(input);
    const name = data.name as string;
    await assertNameFree(name, null);
    await assertFolderExists(data.faqFolderId as string | null | undefined);
    checkCombined(
      {
        faqSuggestionsEnabled: (data.faqSuggestionsEnabled as boolean | undefined) ?? false,
        faqFolderId: (data.faqFolderId as string | null | undefined) ?? null,
        openingHoursEnabled: (data.openingHoursEnabled as boolean | undefined) ?? false,
      },
      openingHours?.length ?? 0,
    );
    return withNameConflict(name, () =>
      prisma.channel.create({
        data: { ...(data as Prisma.ChannelUncheckedCreateInput), name, openingHours: openingHours ? { create: openingHours } : undefined },
      }),
    );
  }

  async function update(id: string, input: ChannelSettingsInput): Promise<Channel> {
    const current = await findOrThrow(id);
    const { data, openingHours } = cleanSettings(input);
    if (typeof data.name === 'string') await assertNameFree(data.name, id);
    await assertFolderExists(data.faqFolderId as string | null | undefined);
    const dayCount = openingHours ? openingHours.length : await prisma.channelOpeningHours.count({ where: { channelId: id } });
    checkCombined(
      {
        faqSuggestionsEnabled: (data.faqSuggestionsEnabled as boolean | undefined) ?? current.faqSuggestionsEnabled,
        faqFolderId: data.faqFolderId !== undefined ? (data.faqFolderId as string | null) : current.faqFolderId,
        openingHoursEnabled: (data.openingHoursEnabled as boolean | undefined) ?? current.openingHoursEnabled,
      },
      dayCount,
    );
    const updated = await withNameConflict(data.name as string | undefined, () =>
      prisma.channel.update({
        where: { id },
        data: { ...data, openingHours: openingHours ? { deleteMany: {}, create: openingHours } : undefined },
      }),
    );
    announceSettings(id);
    return updated;
  }

  /** Archived channels take no new chats (the widget and startChat see no channel); chats already open go on. */
  async function setArchived(id: string, archived: boolean): Promise<Channel> {
    const current = await findOrThrow(id);
    if (archived === (current.archivedAt !== null)) return current;
    const updated = await prisma.channel.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
    announceSettings(id);
    return updated;
  }

  /**
   * Deletes a channel that never had a chat (one created by mistake). A channel with chats keeps
   * them, so it cannot be deleted: CONFLICT with reason HAS_CHATS; archive it instead.
   */
  async function remove(id: string): Promise<string> {
    const channel = await findOrThrow(id);
    const chats = await prisma.chatSession.count({ where: { channelId: id } });
    if (chats > 0) {
      throw new AppError(
        'CONFLICT',
        `${channel.name} has ${chats} chat${chats === 1 ? '' : 's'} and cannot be deleted; archive it instead so their history stays.`,
        { field: 'id', reason: 'HAS_CHATS' },
      );
    }
    const members = await prisma.channelMember.findMany({ where: { channelId: id }, select: { agentId: true } });
    try {
      await prisma.channel.delete({ where: { id } });
    } catch (error) {
      // A visitor started a chat between the count and the delete (onDelete: Restrict).
      if (prismaFailure(error) === 'FOREIGN_KEY_VIOLATION')
        throw new AppError('CONFLICT', `${channel.name} just got a chat and cannot be deleted; archive it instead.`, { field: 'id', reason: 'HAS_CHATS' });
      throw error;
    }
    for (const { agentId } of members) bus.publish('agent', agentId, { reason: 'channels' } satisfies AgentSignal);
    return id;
  }

  /** Adds an agent to a channel or changes their flags; omitted flags keep their value (or the default for a new member). */
  async function setMember(channelId: string, agentId: string, flags: MemberFlagsInput): Promise<ChannelMember> {
    await findOrThrow(channelId);
    const agent = isUuid(agentId) ? await prisma.agent.findUnique({ where: { id: agentId }, select: { active: true } }) : null;
    if (!agent) throw validation('agentId', 'no agent has this id');
    const changes = {
      canRespond: flags.canRespond ?? undefined,
      getsNotifications: flags.getsNotifications ?? undefined,
      canListenIn: flags.canListenIn ?? undefined,
      isManager: flags.isManager ?? undefined,
    };
    const existing = await prisma.channelMember.findUnique({ where: { channelId_agentId: { channelId, agentId } } });
    if (!existing && !agent.active) throw validation('agentId', 'this agent is deactivated; reactivate the account first');
    const member = await prisma.channelMember.upsert({
      where: { channelId_agentId: { channelId, agentId } },
      create: { channelId, agentId, ...changes },
      update: changes,
    });
    bus.publish('agent', agentId, { reason: 'channels' } satisfies AgentSignal);
    bus.publish('channel', channelId, { reason: 'members' } satisfies ChannelSignal);
    return member;
  }

  /**
   * Takes an agent out of a channel. Chats they are handling stay theirs until they end or
   * transfer them; they get no new chats from the channel.
   */
  async function removeMember(channelId: string, agentId: string): Promise<Channel> {
    const channel = await findOrThrow(channelId);
    const { count } = isUuid(agentId) ? await prisma.channelMember.deleteMany({ where: { channelId, agentId } }) : { count: 0 };
    if (count === 0) throw notFound('ChannelMember', agentId);
    bus.publish('agent', agentId, { reason: 'channels' } satisfies AgentSignal);
    bus.publish('channel', channelId, { reason: 'members' } satisfies ChannelSignal);
    return channel;
  }

  return { memberChannelIds, visibleChannelsQuery, readable, create, update, setArchived, remove, setMember, removeMember };
}

export type ChannelService = ReturnType<typeof createChannelService>;
