import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import {
  cleanFontFamily,
  cleanHexColor,
  cleanLanguageTag,
  cleanOpeningHours,
  cleanQueueMessage,
  embedSnippet,
  formatClockTime,
  parseClockTime,
} from './channels.service';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).extensions.field as string;
  }
  throw new Error('expected a VALIDATION error');
}

describe('clock times', () => {
  it.each([
    ['00:00', 0],
    ['9:05', 545],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('reads %s as %i minutes and writes it back', (text, minutes) => {
    expect(parseClockTime(text, 'Monday', 'opensAt')).toBe(minutes);
    expect(formatClockTime(minutes)).toBe(text.padStart(5, '0'));
  });

  it.each(['24:01', '12:60', '9', '09.00', '', '-1:00', '9am'])('rejects %j naming the day', (text) => {
    expect(() => parseClockTime(text, 'Tuesday', 'closesAt')).toThrow(/^openingHours: Tuesday: closesAt must be a time/);
  });

  it('turns a week of "HH:MM" days into sorted minute rows, empty break times meaning none', () => {
    expect(
      cleanOpeningHours([
        { weekday: 4, opensAt: '10:00', closesAt: '16:00', breakStartsAt: '', breakEndsAt: null },
        { weekday: 0, opensAt: '08:00', closesAt: '24:00', breakStartsAt: '12:00', breakEndsAt: '12:45' },
      ]),
    ).toEqual([
      { weekday: 0, opensAt: 480, closesAt: 1440, breakStartsAt: 720, breakEndsAt: 765 },
      { weekday: 4, opensAt: 600, closesAt: 960, breakStartsAt: null, breakEndsAt: null },
    ]);
    expect(fieldOf(() => cleanOpeningHours(Array.from({ length: 8 }, (_, i) => ({ weekday: i % 7, opensAt: '09:00', closesAt: '10:00' }))))).toBe(
      'openingHours',
    );
  });
});

describe('widget and language settings', () => {
  it('canonicalises language tags and refuses anything else', () => {
    expect(cleanLanguageTag(' EN-gb ')).toBe('en-GB');
    expect(cleanLanguageTag('nb')).toBe('nb');
    for (const bad of ['', 'e', 'english', 'en_GB', 'en-', `en-${'x'.repeat(40)}`])
      expect(
        fieldOf(() => cleanLanguageTag(bad)),
        bad,
      ).toBe('language');
  });

  it('normalises colours to lower-case #rrggbb', () => {
    expect(cleanHexColor('widgetColor', '#ABC')).toBe('#aabbcc');
    expect(cleanHexColor('widgetColor', ' #2563EB ')).toBe('#2563eb');
    for (const bad of ['2563eb', '#2563e', 'rgb(0,0,0)', '#gggggg'])
      expect(
        fieldOf(() => cleanHexColor('widgetColor', bad)),
        bad,
      ).toBe('widgetColor');
  });

  it('accepts font lists but nothing that could end the CSS declaration', () => {
    expect(cleanFontFamily(`"Open Sans", 'Segoe UI', system-ui, sans-serif`)).toBe(`"Open Sans", 'Segoe UI', system-ui, sans-serif`);
    for (const bad of ['Arial; color: red', 'a{}', 'url(x)', 'Arial</style>', 'Arial\\'])
      expect(
        fieldOf(() => cleanFontFamily(bad)),
        bad,
      ).toBe('widgetFont');
  });

  it('allows only the two queue variables', () => {
    expect(cleanQueueMessage('You are {queuePosition}; about {averageWait} to go.')).toBe('You are {queuePosition}; about {averageWait} to go.');
    expect(() => cleanQueueMessage('Wait {minutes}')).toThrow('{minutes} is not a variable; use {queuePosition} or {averageWait}');
  });

  it('writes the embed as one deferred script tag', () => {
    expect(embedSnippet('https://chat.example.com', 'abc')).toBe('<script src="https://chat.example.com/widget.js" data-channel="abc" defer></script>');
  });
});
