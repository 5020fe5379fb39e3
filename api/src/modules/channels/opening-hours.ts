import { validation } from '../../platform/errors';
import type { ChannelOpeningHours } from '../../generated/prisma/client';

export type OpeningHoursRow = Pick<ChannelOpeningHours, 'weekday' | 'opensAt' | 'closesAt' | 'breakStartsAt' | 'breakEndsAt'>;

export const MINUTES_PER_DAY = 1440;
export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const SHORT_WEEKDAY_TO_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The weekday (0 = Monday) and minutes after local midnight of an instant, in an IANA time zone. */
export function localWeekdayAndMinutes(timeZone: string, at: Date): { weekday: number; minutes: number } {
  let weekday = -1;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') weekday = SHORT_WEEKDAY_TO_INDEX[part.value] ?? -1;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (weekday < 0) throw new Error(`Could not read the weekday in time zone ${timeZone}`);
  return { weekday, minutes: hour * 60 + minute };
}

/**
 * Whether a channel is open at an instant. Opening hours off means always open; a weekday without
 * a row is closed; [opensAt, closesAt) is open except the break [breakStartsAt, breakEndsAt).
 * Wall-clock time in the channel's zone is what counts, so DST changes need no special handling.
 */
export function isWithinOpeningHours(channel: { timeZone: string; openingHoursEnabled: boolean }, hours: readonly OpeningHoursRow[], at: Date): boolean {
  if (!channel.openingHoursEnabled) return true;
  const { weekday, minutes } = localWeekdayAndMinutes(channel.timeZone, at);
  const today = hours.find((row) => row.weekday === weekday);
  if (!today || minutes < today.opensAt || minutes >= today.closesAt) return false;
  if (today.breakStartsAt != null && today.breakEndsAt != null && minutes >= today.breakStartsAt && minutes < today.breakEndsAt) return false;
  return true;
}

/** Checks admin input for a channel's opening hours; returns the rows sorted by weekday. */
export function validateOpeningHours<T extends OpeningHoursRow>(rows: readonly T[]): T[] {
  const field = 'openingHours';
  const seen = new Set<number>();
  for (const row of rows) {
    if (!Number.isInteger(row.weekday) || row.weekday < 0 || row.weekday > 6)
      throw validation(field, `weekday must be 0 (Monday) to 6 (Sunday), got ${row.weekday}`);
    const day = WEEKDAY_NAMES[row.weekday];
    if (seen.has(row.weekday)) throw validation(field, `${day} is given more than once`);
    seen.add(row.weekday);
    const times: [string, number | null][] = [
      ['opensAt', row.opensAt],
      ['closesAt', row.closesAt],
      ['breakStartsAt', row.breakStartsAt],
      ['breakEndsAt', row.breakEndsAt],
    ];
    for (const [name, value] of times) {
      if (value != null && (!Number.isInteger(value) || value < 0 || value > MINUTES_PER_DAY))
        throw validation(field, `${day}: ${name} must be whole minutes from 0 to ${MINUTES_PER_DAY}, got ${value}`);
    }
    if (row.closesAt <= row.opensAt) throw validation(field, `${day}: closesAt must be after opensAt`);
    const hasBreakStart = row.breakStartsAt != null;
    if (hasBreakStart !== (row.breakEndsAt != null)) throw validation(field, `${day}: a break needs both breakStartsAt and breakEndsAt`);
    if (row.breakStartsAt != null && row.breakEndsAt != null) {
      if (row.breakEndsAt <= row.breakStartsAt) throw validation(field, `${day}: breakEndsAt must be after breakStartsAt`);
      if (row.breakStartsAt < row.opensAt || row.breakEndsAt > row.closesAt) throw validation(field, `${day}: the break must lie within the opening hours`);
    }
  }
  return [...rows].sort((a, b) => a.weekday - b.weekday);
}

// Region/City names such as Europe/Oslo, Etc/GMT+5 or UTC; rules out offsets like "+01:00".
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** Accepts an IANA time zone the runtime knows and returns its canonical spelling. */
export function validateTimeZone(timeZone: string): string {
  const trimmed = timeZone.trim();
  if (trimmed.length === 0 || trimmed.length > 64 || !TIME_ZONE_NAME.test(trimmed))
    throw validation('timeZone', 'must be an IANA time zone such as "Europe/Oslo"');
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    throw validation('timeZone', `"${trimmed}" is not a known IANA time zone`);
  }
}
