import { describe, expect, it } from 'vitest';
import { dayProblem, formFromChannel, inputFromForm, newChannelForm, openingHoursInput, validateChannelForm, type DayForm } from './channel-form';
import type { ChannelSettings } from './operations';

const day = (change: Partial<DayForm> = {}): DayForm => ({
  weekday: 'MONDAY',
  open: true,
  opensAt: '09:00',
  closesAt: '17:00',
  hasBreak: false,
  breakStartsAt: '12:00',
  breakEndsAt: '12:30',
  ...change,
});

const channel: ChannelSettings = {
  id: 'c1',
  name: 'Support',
  language: 'nb',
  badgeHeader: 'Chat',
  description: '',
  timeZone: 'Europe/Oslo',
  openingHoursEnabled: true,
  openingHours: [
    { weekday: 'MONDAY', opensAt: '08:00', closesAt: '24:00', breakStartsAt: '12:00', breakEndsAt: '12:30' },
    { weekday: 'SATURDAY', opensAt: '10:00', closesAt: '14:00', breakStartsAt: null, breakEndsAt: null },
  ],
  warnAgentsAfterMinutes: 3,
  warnManagersAfterMinutes: null,
  widgetTheme: 'DARK',
  widgetColor: '#112233',
  widgetFont: 'Inter, sans-serif',
  widgetLogoUrl: null,
  showAgentPhoto: false,
  widgetHeader: 'Support',
  welcomeMessage: 'Hi',
  queueMessage: 'You are {queuePosition}',
  prechatEnabled: true,
  prechatRequiredFields: ['EMAIL', 'NAME'],
  faqSuggestionsEnabled: false,
  faqFolder: null,
  offlineHeader: 'Offline',
  offlineMessage: 'Leave a message',
  offlineCreatesRequest: true,
  offlineRequiredFields: ['EMAIL'],
  offlineAfterWaitMinutes: null,
  offlineAfterQueueLength: 12,
  postchatEnabled: true,
  postchatRating: true,
  postchatTranscript: false,
  archivedAt: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('opening hours in the form', () => {
  it('turns the API week into seven editor days and back, midnight as 00:00 in the editor and 24:00 in the API', () => {
    const form = formFromChannel(channel);
    expect(form.days.map((d) => [d.weekday, d.open])).toEqual([
      ['MONDAY', true],
      ['TUESDAY', false],
      ['WEDNESDAY', false],
      ['THURSDAY', false],
      ['FRIDAY', false],
      ['SATURDAY', true],
      ['SUNDAY', false],
    ]);
    expect(form.days[0]).toMatchObject({ closesAt: '00:00', hasBreak: true });
    expect(openingHoursInput(form.days)).toEqual(channel.openingHours);
  });

  it.each([
    [day(), null],
    [day({ open: false, opensAt: 'x' }), null],
    [day({ closesAt: '00:00' }), null],
    [day({ opensAt: '' }), 'Enter an opening time.'],
    [day({ closesAt: '08:00' }), 'Closing time must be after the opening time.'],
    [day({ hasBreak: true, breakStartsAt: '13:00', breakEndsAt: '12:00' }), 'The break must end after it starts.'],
    [day({ hasBreak: true, breakStartsAt: '08:00', breakEndsAt: '10:00' }), 'The break must be within the opening hours.'],
    [day({ hasBreak: true, breakStartsAt: '', breakEndsAt: '12:00' }), 'Enter when the break starts and ends.'],
  ])('checks %j → %s', (input, problem) => {
    expect(dayProblem(input)).toBe(problem);
  });
});

describe('the whole form', () => {
  it('round-trips every setting, empty numbers and logo as null and required fields in a fixed order', () => {
    const input = inputFromForm(formFromChannel(channel));
    expect(input).toMatchObject({
      name: 'Support',
      warnAgentsAfterMinutes: 3,
      warnManagersAfterMinutes: null,
      widgetLogoUrl: null,
      faqFolderId: null,
      prechatRequiredFields: ['NAME', 'EMAIL'],
      offlineAfterQueueLength: 12,
      postchatTranscript: false,
    });
  });

  it('accepts a new channel with a name, and names each problem by its field', () => {
    expect(validateChannelForm({ ...newChannelForm(), name: 'Sales' })).toEqual({});
    const problems = validateChannelForm({
      ...newChannelForm(),
      name: ' ',
      language: 'english',
      timeZone: 'Mars/Base',
      openingHoursEnabled: true,
      days: newChannelForm().days.map((d) => ({ ...d, open: false })),
      warnAgentsAfterMinutes: '0',
      widgetColor: 'blue',
      widgetFont: 'Arial; color: red',
      widgetLogoUrl: 'logo.png',
      queueMessage: 'Wait {minutes}',
      faqSuggestionsEnabled: true,
      offlineAfterQueueLength: '2.5',
    });
    expect(problems).toEqual({
      name: 'Enter a name.',
      language: expect.any(String),
      timeZone: expect.any(String),
      openingHours: 'Open at least one day, or turn opening hours off.',
      warnAgentsAfterMinutes: expect.stringContaining('1 to 1440'),
      widgetColor: expect.any(String),
      widgetFont: expect.any(String),
      widgetLogoUrl: expect.any(String),
      queueMessage: '{minutes} is not a variable. Use {queuePosition} or {averageWait}.',
      faqFolderId: expect.any(String),
      offlineAfterQueueLength: expect.stringContaining('1 to 1000'),
    });
  });

  it('reports a bad day under its own key', () => {
    const form = newChannelForm();
    form.days[2] = { ...form.days[2]!, open: true, closesAt: '08:00' };
    expect(validateChannelForm({ ...form, name: 'x' })).toEqual({ 'openingHours.WEDNESDAY': 'Closing time must be after the opening time.' });
  });
});
