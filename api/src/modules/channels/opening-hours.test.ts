import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import { isWithinOpeningHours, localWeekdayAndMinutes, validateOpeningHours, validateTimeZone, type OpeningHoursRow } from './opening-hours';

const hm = (h: number, m = 0) => h * 60 + m;
const day = (weekday: number, opensAt: number, closesAt: number, breakStartsAt: number | null = null, breakEndsAt: number | null = null): OpeningHoursRow => ({
  weekday,
  opensAt,
  closesAt,
  breakStartsAt,
  breakEndsAt,
});
const everyDay = (opensAt: number, closesAt: number) => [0, 1, 2, 3, 4, 5, 6].map((weekday) => day(weekday, opensAt, closesAt));
const open = (timeZone: string, hours: OpeningHoursRow[], iso: string) => isWithinOpeningHours({ timeZone, openingHoursEnabled: true }, hours, new Date(iso));

function validationField(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('VALIDATION');
    return { field: appError.extensions.field, message: appError.message };
  }
  throw new Error('expected a validation error');
}

describe('localWeekdayAndMinutes', () => {
  it('reads weekday (0 = Monday) and minutes in the given zone, not UTC', () => {
    // Tuesday 02:00 UTC is still Monday 22:00 in New York (EDT, UTC-4).
    expect(localWeekdayAndMinutes('America/New_York', new Date('2026-03-31T02:00:00Z'))).toEqual({ weekday: 0, minutes: hm(22) });
    expect(localWeekdayAndMinutes('UTC', new Date('2026-03-31T02:00:00Z'))).toEqual({ weekday: 1, minutes: hm(2) });
    // Sunday midnight is minute 0, never 24:00.
    expect(localWeekdayAndMinutes('Europe/Oslo', new Date('2026-06-06T22:00:00Z'))).toEqual({ weekday: 6, minutes: 0 });
  });
});

describe('isWithinOpeningHours', () => {
  it('is always open when opening hours are disabled, even with no rows', () => {
    expect(isWithinOpeningHours({ timeZone: 'Europe/Oslo', openingHoursEnabled: false }, [], new Date('2026-03-29T03:00:00Z'))).toBe(true);
  });

  it('opens at opensAt and closes at closesAt (exclusive)', () => {
    const hours = [day(0, hm(8), hm(16))]; // Monday 2026-06-01
    expect(open('UTC', hours, '2026-06-01T07:59:00Z')).toBe(false);
    expect(open('UTC', hours, '2026-06-01T08:00:00Z')).toBe(true);
    expect(open('UTC', hours, '2026-06-01T15:59:00Z')).toBe(true);
    expect(open('UTC', hours, '2026-06-01T16:00:00Z')).toBe(false);
  });

  it('stays open until midnight when closesAt is 1440', () => {
    const hours = [day(0, hm(20), 1440)];
    expect(open('UTC', hours, '2026-06-01T23:59:00Z')).toBe(true);
    expect(open('UTC', hours, '2026-06-02T00:00:00Z')).toBe(false); // Tuesday has no row
  });

  it('is closed during the break [breakStartsAt, breakEndsAt)', () => {
    const hours = [day(0, hm(8), hm(16), hm(11, 30), hm(12, 15))];
    expect(open('UTC', hours, '2026-06-01T11:29:00Z')).toBe(true);
    expect(open('UTC', hours, '2026-06-01T11:30:00Z')).toBe(false);
    expect(open('UTC', hours, '2026-06-01T12:14:00Z')).toBe(false);
    expect(open('UTC', hours, '2026-06-01T12:15:00Z')).toBe(true);
  });

  it('is closed all day on a weekday without a row', () => {
    const weekdaysOnly = [0, 1, 2, 3, 4].map((weekday) => day(weekday, 0, 1440));
    expect(open('Europe/Oslo', weekdaysOnly, '2026-06-05T12:00:00Z')).toBe(true); // Friday
    expect(open('Europe/Oslo', weekdaysOnly, '2026-06-06T12:00:00Z')).toBe(false); // Saturday
    expect(open('Europe/Oslo', weekdaysOnly, '2026-06-07T12:00:00Z')).toBe(false); // Sunday
    // Friday 23:30 UTC is already Saturday 01:30 in Oslo.
    expect(open('Europe/Oslo', weekdaysOnly, '2026-06-05T23:30:00Z')).toBe(false);
  });

  it('uses the weekday of the channel zone across UTC midnight', () => {
    const mondayEvening = [day(0, hm(20), hm(23))];
    expect(open('America/New_York', mondayEvening, '2026-03-31T02:00:00Z')).toBe(true); // Monday 22:00 EDT
    expect(open('UTC', mondayEvening, '2026-03-31T02:00:00Z')).toBe(false); // Tuesday 02:00 UTC
  });

  describe('Europe/Oslo across DST', () => {
    const hours = everyDay(hm(8), hm(16));

    it('spring forward (Sunday 2026-03-29): 08:00 is 07:00 UTC the day before and 06:00 UTC on the day', () => {
      expect(open('Europe/Oslo', hours, '2026-03-28T06:30:00Z')).toBe(false); // 07:30 CET
      expect(open('Europe/Oslo', hours, '2026-03-28T07:00:00Z')).toBe(true); // 08:00 CET
      expect(open('Europe/Oslo', hours, '2026-03-29T05:59:00Z')).toBe(false); // 07:59 CEST
      expect(open('Europe/Oslo', hours, '2026-03-29T06:00:00Z')).toBe(true); // 08:00 CEST
      expect(open('Europe/Oslo', hours, '2026-03-29T14:00:00Z')).toBe(false); // 16:00 CEST
    });

    it('spring forward: the skipped hour 02:00–03:00 does not exist, so 01:00 UTC is already 03:00', () => {
      const fromHalfPastTwo = [day(6, hm(2, 30), hm(4))];
      expect(open('Europe/Oslo', fromHalfPastTwo, '2026-03-29T00:59:00Z')).toBe(false); // 01:59 CET
      expect(open('Europe/Oslo', fromHalfPastTwo, '2026-03-29T01:00:00Z')).toBe(true); // 03:00 CEST
    });

    it('fall back (Sunday 2026-10-25): 08:00 is 06:00 UTC the day before and 07:00 UTC on the day', () => {
      expect(open('Europe/Oslo', hours, '2026-10-24T06:00:00Z')).toBe(true); // 08:00 CEST
      expect(open('Europe/Oslo', hours, '2026-10-25T06:30:00Z')).toBe(false); // 07:30 CET
      expect(open('Europe/Oslo', hours, '2026-10-25T07:00:00Z')).toBe(true); // 08:00 CET
      expect(open('Europe/Oslo', hours, '2026-10-25T14:59:00Z')).toBe(true); // 15:59 CET
      expect(open('Europe/Oslo', hours, '2026-10-25T15:00:00Z')).toBe(false); // 16:00 CET
    });
  });

  describe('America/New_York across DST', () => {
    const hours = everyDay(hm(9), hm(17));

    it('spring forward (Sunday 2026-03-08): 09:00 moves from 14:00 UTC to 13:00 UTC', () => {
      expect(open('America/New_York', hours, '2026-03-07T13:30:00Z')).toBe(false); // 08:30 EST
      expect(open('America/New_York', hours, '2026-03-07T14:00:00Z')).toBe(true); // 09:00 EST
      expect(open('America/New_York', hours, '2026-03-08T13:00:00Z')).toBe(true); // 09:00 EDT
      expect(open('America/New_York', hours, '2026-03-08T21:00:00Z')).toBe(false); // 17:00 EDT
    });

    it('fall back (Sunday 2026-11-01): 09:00 moves from 13:00 UTC to 14:00 UTC', () => {
      expect(open('America/New_York', hours, '2026-10-31T13:00:00Z')).toBe(true); // 09:00 EDT
      expect(open('America/New_York', hours, '2026-11-01T13:30:00Z')).toBe(false); // 08:30 EST
      expect(open('America/New_York', hours, '2026-11-01T14:00:00Z')).toBe(true); // 09:00 EST
      expect(open('America/New_York', hours, '2026-11-01T21:59:00Z')).toBe(true); // 16:59 EST
    });

    it('fall back: the repeated hour 01:00–02:00 counts as open both times', () => {
      const nightShift = [day(6, hm(1), hm(2))];
      expect(open('America/New_York', nightShift, '2026-11-01T05:30:00Z')).toBe(true); // 01:30 EDT
      expect(open('America/New_York', nightShift, '2026-11-01T06:30:00Z')).toBe(true); // 01:30 EST
      expect(open('America/New_York', nightShift, '2026-11-01T07:00:00Z')).toBe(false); // 02:00 EST
    });
  });
});

describe('validateOpeningHours', () => {
  it('accepts valid rows and returns them sorted by weekday', () => {
    const rows = [day(4, hm(9), hm(17)), day(0, 0, 1440, hm(12), hm(13))];
    expect(validateOpeningHours(rows).map((row) => row.weekday)).toEqual([0, 4]);
    expect(validateOpeningHours([])).toEqual([]);
  });

  it.each([
    ['a weekday below 0', [day(-1, hm(9), hm(17))], /weekday must be 0/],
    ['a weekday above 6', [day(7, hm(9), hm(17))], /weekday must be 0/],
    ['a fractional weekday', [day(1.5, hm(9), hm(17))], /weekday must be 0/],
    ['a duplicate weekday', [day(2, hm(9), hm(12)), day(2, hm(13), hm(17))], /Wednesday is given more than once/],
    ['opensAt below 0', [day(0, -1, hm(17))], /opensAt must be whole minutes from 0 to 1440/],
    ['closesAt above 1440', [day(0, hm(9), 1441)], /closesAt must be whole minutes/],
    ['a fractional time', [day(0, 540.5, hm(17))], /opensAt must be whole minutes/],
    ['closesAt equal to opensAt', [day(0, hm(9), hm(9))], /closesAt must be after opensAt/],
    ['closesAt before opensAt', [day(0, hm(17), hm(9))], /closesAt must be after opensAt/],
    ['a break with only a start', [day(0, hm(9), hm(17), hm(12), null)], /needs both breakStartsAt and breakEndsAt/],
    ['an inverted break', [day(0, hm(9), hm(17), hm(13), hm(12))], /breakEndsAt must be after breakStartsAt/],
    ['an empty break', [day(0, hm(9), hm(17), hm(12), hm(12))], /breakEndsAt must be after breakStartsAt/],
    ['a break starting before opening', [day(0, hm(9), hm(17), hm(8), hm(10))], /within the opening hours/],
    ['a break ending after closing', [day(0, hm(9), hm(17), hm(16), hm(18))], /within the opening hours/],
    ['a break time outside the day', [day(0, hm(9), hm(17), hm(12), 2000)], /breakEndsAt must be whole minutes/],
  ])('rejects %s naming openingHours', (_name, rows, message) => {
    const error = validationField(() => validateOpeningHours(rows));
    expect(error.field).toBe('openingHours');
    expect(error.message).toMatch(message);
  });
});

describe('validateTimeZone', () => {
  it('accepts IANA zones and returns the canonical spelling', () => {
    expect(validateTimeZone('Europe/Oslo')).toBe('Europe/Oslo');
    expect(validateTimeZone('America/New_York')).toBe('America/New_York');
    expect(validateTimeZone('UTC')).toBe('UTC');
    expect(validateTimeZone(' europe/oslo ')).toBe('Europe/Oslo');
  });

  it.each(['Mars/Olympus_Mons', 'Europe/Osloo', '', '   ', '+01:00', 'Europe/../etc', 'x'.repeat(65)])('rejects %j naming timeZone', (zone) => {
    expect(validationField(() => validateTimeZone(zone)).field).toBe('timeZone');
  });
});
