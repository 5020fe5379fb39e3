import type { VariablesOf } from '../../graphql';
import type { ChannelSettings, UpdateChannelMutation } from './operations';

export type ChannelInput = VariablesOf<typeof UpdateChannelMutation>['input'];
export type Weekday = ChannelSettings['openingHours'][number]['weekday'];
export type VisitorField = ChannelSettings['prechatRequiredFields'][number];
export type WidgetTheme = ChannelSettings['widgetTheme'];

export const WEEKDAYS: { value: Weekday; label: string; short: string }[] = [
  { value: 'MONDAY', label: 'Monday', short: 'Mon' },
  { value: 'TUESDAY', label: 'Tuesday', short: 'Tue' },
  { value: 'WEDNESDAY', label: 'Wednesday', short: 'Wed' },
  { value: 'THURSDAY', label: 'Thursday', short: 'Thu' },
  { value: 'FRIDAY', label: 'Friday', short: 'Fri' },
  { value: 'SATURDAY', label: 'Saturday', short: 'Sat' },
  { value: 'SUNDAY', label: 'Sunday', short: 'Sun' },
];

export const VISITOR_FIELDS: { value: VisitorField; label: string }[] = [
  { value: 'NAME', label: 'Name' },
  { value: 'EMAIL', label: 'Email' },
  { value: 'PHONE', label: 'Phone' },
  { value: 'COMPANY', label: 'Company' },
  { value: 'COUNTRY', label: 'Country' },
];

/** The server's limits (api/src/modules/channels/channels.service.ts), checked here too so mistakes show while typing. */
export const LIMITS = {
  name: 100,
  badgeHeader: 60,
  description: 500,
  widgetHeader: 60,
  widgetFont: 200,
  widgetLogoUrl: 2000,
  welcomeMessage: 1000,
  queueMessage: 500,
  offlineHeader: 100,
  offlineMessage: 1000,
  thresholdMinutes: 1440,
  queueLength: 1000,
} as const;

export const QUEUE_VARIABLES = ['queuePosition', 'averageWait'] as const;

/** One weekday in the editor. Times are "HH:MM" as a time input gives them; a closing time of 00:00 means midnight. */
export interface DayForm {
  weekday: Weekday;
  open: boolean;
  opensAt: string;
  closesAt: string;
  hasBreak: boolean;
  breakStartsAt: string;
  breakEndsAt: string;
}

export interface ChannelForm {
  name: string;
  language: string;
  badgeHeader: string;
  description: string;
  timeZone: string;
  openingHoursEnabled: boolean;
  days: DayForm[];
  warnAgentsAfterMinutes: string;
  warnManagersAfterMinutes: string;
  widgetTheme: WidgetTheme;
  widgetColor: string;
  widgetFont: string;
  widgetLogoUrl: string;
  showAgentPhoto: boolean;
  widgetHeader: string;
  welcomeMessage: string;
  queueMessage: string;
  prechatEnabled: boolean;
  prechatRequiredFields: VisitorField[];
  faqSuggestionsEnabled: boolean;
  faqFolderId: string;
  offlineHeader: string;
  offlineMessage: string;
  offlineCreatesRequest: boolean;
  offlineRequiredFields: VisitorField[];
  offlineAfterWaitMinutes: string;
  offlineAfterQueueLength: string;
  postchatEnabled: boolean;
  postchatRating: boolean;
  postchatTranscript: boolean;
}

export function closedDay(weekday: Weekday): DayForm {
  return { weekday, open: false, opensAt: '09:00', closesAt: '17:00', hasBreak: false, breakStartsAt: '12:00', breakEndsAt: '12:30' };
}

const fromApiTime = (time: string) => (time === '24:00' ? '00:00' : time);

export function daysFromApi(rows: readonly ChannelSettings['openingHours'][number][]): DayForm[] {
  return WEEKDAYS.map(({ value }) => {
    const row = rows.find((r) => r.weekday === value);
    if (!row) return closedDay(value);
    return {
      weekday: value,
      open: true,
      opensAt: row.opensAt,
      closesAt: fromApiTime(row.closesAt),
      hasBreak: row.breakStartsAt != null,
      breakStartsAt: row.breakStartsAt ?? '12:00',
      breakEndsAt: row.breakEndsAt ?? '12:30',
    };
  });
}

/** A new channel's form: the server's defaults (prisma/schema.prisma), open weekdays 09–17 when hours are turned on. */
export function newChannelForm(timeZone = 'UTC'): ChannelForm {
  return {
    name: '',
    language: 'en',
    badgeHeader: 'Chat with us',
    description: '',
    timeZone,
    openingHoursEnabled: false,
    days: WEEKDAYS.map(({ value }, index) => ({ ...closedDay(value), open: index < 5 })),
    warnAgentsAfterMinutes: '',
    warnManagersAfterMinutes: '',
    widgetTheme: 'LIGHT',
    widgetColor: '#2563eb',
    widgetFont: 'system-ui, sans-serif',
    widgetLogoUrl: '',
    showAgentPhoto: true,
    widgetHeader: 'Chat',
    welcomeMessage: 'Hi! How can we help you?',
    queueMessage: 'You are number {queuePosition} in the queue. Expected wait: {averageWait}.',
    prechatEnabled: true,
    prechatRequiredFields: ['NAME', 'EMAIL'],
    faqSuggestionsEnabled: false,
    faqFolderId: '',
    offlineHeader: 'We are offline',
    offlineMessage: 'Leave a message and we will get back to you.',
    offlineCreatesRequest: true,
    offlineRequiredFields: ['EMAIL'],
    offlineAfterWaitMinutes: '',
    offlineAfterQueueLength: '',
    postchatEnabled: true,
    postchatRating: true,
    postchatTranscript: true,
  };
}

const numberText = (value: number | null | undefined) => (value == null ? '' : String(value));

export function formFromChannel(channel: ChannelSettings): ChannelForm {
  return {
    name: channel.name,
    language: channel.language,
    badgeHeader: channel.badgeHeader,
    description: channel.description,
    timeZone: channel.timeZone,
    openingHoursEnabled: channel.openingHoursEnabled,
    days: daysFromApi(channel.openingHours),
    warnAgentsAfterMinutes: numberText(channel.warnAgentsAfterMinutes),
    warnManagersAfterMinutes: numberText(channel.warnManagersAfterMinutes),
    widgetTheme: channel.widgetTheme,
    widgetColor: channel.widgetColor,
    widgetFont: channel.widgetFont,
    widgetLogoUrl: channel.widgetLogoUrl ?? '',
    showAgentPhoto: channel.showAgentPhoto,
    widgetHeader: channel.widgetHeader,
    welcomeMessage: channel.welcomeMessage,
    queueMessage: channel.queueMessage,
    prechatEnabled: channel.prechatEnabled,
    prechatRequiredFields: [...channel.prechatRequiredFields],
    faqSuggestionsEnabled: channel.faqSuggestionsEnabled,
    faqFolderId: channel.faqFolder?.id ?? '',
    offlineHeader: channel.offlineHeader,
    offlineMessage: channel.offlineMessage,
    offlineCreatesRequest: channel.offlineCreatesRequest,
    offlineRequiredFields: [...channel.offlineRequiredFields],
    offlineAfterWaitMinutes: numberText(channel.offlineAfterWaitMinutes),
    offlineAfterQueueLength: numberText(channel.offlineAfterQueueLength),
    postchatEnabled: channel.postchatEnabled,
    postchatRating: channel.postchatRating,
    postchatTranscript: channel.postchatTranscript,
  };
}

const optionalNumber = (text: string) => (text.trim() === '' ? null : Number(text));
const inVisitorFieldOrder = (fields: readonly VisitorField[]) => VISITOR_FIELDS.map((f) => f.value).filter((value) => fields.includes(value));

export function openingHoursInput(days: readonly DayForm[]) {
  return days
    .filter((day) => day.open)
    .map((day) => ({
      weekday: day.weekday,
      opensAt: day.opensAt,
      closesAt: day.closesAt === '00:00' ? '24:00' : day.closesAt,
      breakStartsAt: day.hasBreak ? day.breakStartsAt : null,
      breakEndsAt: day.hasBreak ? day.breakEndsAt : null,
    }));
}

/** Every setting, for createChannel and updateChannel. */
export function inputFromForm(form: ChannelForm): ChannelInput & { name: string } {
  return {
    name: form.name.trim(),
    language: form.language.trim(),
    badgeHeader: form.badgeHeader.trim(),
    description: form.description.trim(),
    timeZone: form.timeZone.trim(),
    openingHoursEnabled: form.openingHoursEnabled,
    openingHours: openingHoursInput(form.days),
    warnAgentsAfterMinutes: optionalNumber(form.warnAgentsAfterMinutes),
    warnManagersAfterMinutes: optionalNumber(form.warnManagersAfterMinutes),
    widgetTheme: form.widgetTheme,
    widgetColor: form.widgetColor,
    widgetFont: form.widgetFont.trim(),
    widgetLogoUrl: form.widgetLogoUrl.trim() || null,
    showAgentPhoto: form.showAgentPhoto,
    widgetHeader: form.widgetHeader.trim(),
    welcomeMessage: form.welcomeMessage.trim(),
    queueMessage: form.queueMessage.trim(),
    prechatEnabled: form.prechatEnabled,
    prechatRequiredFields: inVisitorFieldOrder(form.prechatRequiredFields),
    faqSuggestionsEnabled: form.faqSuggestionsEnabled,
    faqFolderId: form.faqFolderId || null,
    offlineHeader: form.offlineHeader.trim(),
    offlineMessage: form.offlineMessage.trim(),
    offlineCreatesRequest: form.offlineCreatesRequest,
    offlineRequiredFields: inVisitorFieldOrder(form.offlineRequiredFields),
    offlineAfterWaitMinutes: optionalNumber(form.offlineAfterWaitMinutes),
    offlineAfterQueueLength: optionalNumber(form.offlineAfterQueueLength),
    postchatEnabled: form.postchatEnabled,
    postchatRating: form.postchatRating,
    postchatTranscript: form.postchatTranscript,
  };
}

/** Minutes after midnight of "HH:MM"; NaN when it is not a time. */
export function minutesOf(time: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return NaN;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** What is wrong with one open day, in the words the editor shows; null when it is fine. */
export function dayProblem(day: DayForm): string | null {
  if (!day.open) return null;
  const opens = minutesOf(day.opensAt);
  const closesRaw = minutesOf(day.closesAt);
  if (Number.isNaN(opens)) return 'Enter an opening time.';
  if (Number.isNaN(closesRaw)) return 'Enter a closing time.';
  const closes = closesRaw === 0 ? 1440 : closesRaw;
  if (closes <= opens) return 'Closing time must be after the opening time.';
  if (!day.hasBreak) return null;
  const breakStarts = minutesOf(day.breakStartsAt);
  const breakEnds = minutesOf(day.breakEndsAt);
  if (Number.isNaN(breakStarts) || Number.isNaN(breakEnds)) return 'Enter when the break starts and ends.';
  if (breakEnds <= breakStarts) return 'The break must end after it starts.';
  if (breakStarts < opens || breakEnds > closes) return 'The break must be within the opening hours.';
  return null;
}

export function isKnownTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone.trim())) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timeZone.trim() });
    return true;
  } catch {
    return false;
  }
}

function requiredText(errors: Record<string, string>, field: keyof typeof LIMITS, value: string, label: string, required = true) {
  const text = value.trim();
  if (required && !text) errors[field] = `Enter ${label}.`;
  else if (text.length > LIMITS[field]) errors[field] = `At most ${LIMITS[field]} characters (now ${text.length}).`;
}

function wholeNumber(errors: Record<string, string>, field: string, value: string, max: number, unit: string) {
  if (value.trim() === '') return;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) errors[field] = `Enter whole ${unit} from 1 to ${max}, or leave it empty to turn this off.`;
}

/** The checks the server makes, keyed by input field (`openingHours.MONDAY` for a day); empty when the form can be saved. */
export function validateChannelForm(form: ChannelForm): Record<string, string> {
  const errors: Record<string, string> = {};
  requiredText(errors, 'name', form.name, 'a name');
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(form.language.trim())) errors.language = 'Use a language tag such as en, nb or en-GB.';
  requiredText(errors, 'badgeHeader', form.badgeHeader, 'the badge text');
  requiredText(errors, 'description', form.description, 'a description', false);
  if (!isKnownTimeZone(form.timeZone)) errors.timeZone = 'Choose a time zone from the list, such as Europe/Oslo.';
  for (const day of form.days) {
    const problem = dayProblem(day);
    if (problem) errors[`openingHours.${day.weekday}`] = problem;
  }
  if (form.openingHoursEnabled && !form.days.some((d) => d.open)) errors.openingHours = 'Open at least one day, or turn opening hours off.';
  wholeNumber(errors, 'warnAgentsAfterMinutes', form.warnAgentsAfterMinutes, LIMITS.thresholdMinutes, 'minutes');
  wholeNumber(errors, 'warnManagersAfterMinutes', form.warnManagersAfterMinutes, LIMITS.thresholdMinutes, 'minutes');
  if (!/^#[0-9a-fA-F]{6}$/.test(form.widgetColor)) errors.widgetColor = 'Use a colour written #rrggbb.';
  requiredText(errors, 'widgetFont', form.widgetFont, 'a font');
  if (!errors.widgetFont && !/^[A-Za-z0-9 ,'"._-]+$/.test(form.widgetFont.trim()))
    errors.widgetFont = 'Use font names separated by commas, e.g. Inter, system-ui, sans-serif.';
  const logo = form.widgetLogoUrl.trim();
  if (logo && !/^https?:\/\/\S+$/i.test(logo)) errors.widgetLogoUrl = 'Use a full address starting with https://.';
  else if (logo.length > LIMITS.widgetLogoUrl) errors.widgetLogoUrl = `At most ${LIMITS.widgetLogoUrl} characters.`;
  requiredText(errors, 'widgetHeader', form.widgetHeader, 'a header');
  requiredText(errors, 'welcomeMessage', form.welcomeMessage, 'a welcome message');
  requiredText(errors, 'queueMessage', form.queueMessage, 'a queue message');
  if (!errors.queueMessage) {
    for (const [, name] of form.queueMessage.matchAll(/\{([^{}]*)\}/g)) {
      if (!(QUEUE_VARIABLES as readonly string[]).includes(name!.trim())) {
        errors.queueMessage = `{${name}} is not a variable. Use {queuePosition} or {averageWait}.`;
        break;
      }
    }
  }
  if (form.faqSuggestionsEnabled && !form.faqFolderId) errors.faqFolderId = 'Choose the FAQ folder suggestions come from.';
  requiredText(errors, 'offlineHeader', form.offlineHeader, 'a header');
  requiredText(errors, 'offlineMessage', form.offlineMessage, 'a message');
  wholeNumber(errors, 'offlineAfterWaitMinutes', form.offlineAfterWaitMinutes, LIMITS.thresholdMinutes, 'minutes');
  wholeNumber(errors, 'offlineAfterQueueLength', form.offlineAfterQueueLength, LIMITS.queueLength, 'chats');
  return errors;
}
