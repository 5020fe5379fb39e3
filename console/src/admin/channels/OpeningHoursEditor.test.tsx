import { cleanup, fireEvent, render, screen, within } from '@solidjs/testing-library';
import { createStore } from 'solid-js/store';
import { afterEach, describe, expect, it } from 'vitest';
import { newChannelForm, validateChannelForm, type ChannelForm } from './channel-form';
import { OpeningHoursEditor, localTimeIn } from './OpeningHoursEditor';

/** The editor wired to a real form store, checked the way the channel form checks it. */
function renderEditor(change: Partial<ChannelForm> = {}) {
  const [form, setForm] = createStore<ChannelForm>({ ...newChannelForm('Europe/Oslo'), openingHoursEnabled: true, ...change });
  render(() => (
    <OpeningHoursEditor
      enabled={form.openingHoursEnabled}
      timeZone={form.timeZone}
      days={form.days}
      onEnabledChange={(value) => setForm('openingHoursEnabled', value)}
      onTimeZoneChange={(value) => setForm('timeZone', value)}
      onDayChange={(index, value) => setForm('days', index, value)}
      error={(field) => validateChannelForm(form)[field]}
    />
  ));
  return form;
}

const input = (name: string) => screen.getByLabelText(name) as HTMLInputElement;

afterEach(cleanup);

describe('OpeningHoursEditor', () => {
  it('lists the seven weekdays, opens and closes a day, and edits its hours and break', () => {
    const form = renderEditor();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
      'Sunday',
    ]);
    expect(within(rows[5]!).getByText('Closed')).toBeTruthy();

    fireEvent.click(input('Open on Saturday'));
    expect(form.days[5]!.open).toBe(true);
    fireEvent.input(input('Saturday opens at'), { target: { value: '10:00' } });
    fireEvent.input(input('Saturday closes at'), { target: { value: '14:30' } });
    fireEvent.click(input('Saturday has a break'));
    fireEvent.input(input('Saturday break starts at'), { target: { value: '12:00' } });
    fireEvent.input(input('Saturday break ends at'), { target: { value: '12:45' } });
    expect(form.days[5]).toMatchObject({ open: true, opensAt: '10:00', closesAt: '14:30', hasBreak: true, breakStartsAt: '12:00', breakEndsAt: '12:45' });

    fireEvent.click(input('Open on Monday'));
    expect(form.days[0]!.open).toBe(false);
    expect(screen.queryByLabelText('Monday opens at')).toBeNull();
  });

  it('shows a day’s problem next to it, tied to its inputs for screen readers', () => {
    renderEditor();
    fireEvent.input(input('Tuesday closes at'), { target: { value: '08:00' } });
    const message = screen.getByText('Tuesday: Closing time must be after the opening time.');
    const closes = input('Tuesday closes at');
    expect(closes.getAttribute('aria-invalid')).toBe('true');
    expect(closes.getAttribute('aria-describedby')).toBe(message.id);
    expect(input('Monday closes at').getAttribute('aria-invalid')).toBe('false');

    fireEvent.input(closes, { target: { value: '18:00' } });
    expect(screen.queryByText(/Closing time must be after/)).toBeNull();
  });

  it('treats a closing time of 00:00 as midnight, and says so', () => {
    const form = renderEditor();
    fireEvent.input(input('Friday closes at'), { target: { value: '00:00' } });
    expect(screen.getByText('(midnight)')).toBeTruthy();
    expect(validateChannelForm({ ...form, name: 'x' })).toEqual({});
  });

  it('copies Monday to the other weekdays, weekend untouched', () => {
    const form = renderEditor();
    fireEvent.input(input('Monday opens at'), { target: { value: '07:30' } });
    fireEvent.click(input('Monday has a break'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy Monday to Tuesday–Friday' }));
    for (const index of [1, 2, 3, 4]) expect(form.days[index]).toMatchObject({ open: true, opensAt: '07:30', closesAt: '17:00', hasBreak: true });
    expect(form.days[5]!.open).toBe(false);
    expect(form.days[1]!.weekday).toBe('TUESDAY');
  });

  it('checks the time zone and shows the time there', () => {
    renderEditor();
    const zone = screen.getByLabelText('Time zone') as HTMLInputElement;
    expect(zone.value).toBe('Europe/Oslo');
    expect(screen.getByText(`It is ${localTimeIn('Europe/Oslo')} there now.`)).toBeTruthy();
    fireEvent.input(zone, { target: { value: 'Europe/Atlantis' } });
    expect(screen.getByText('Choose a time zone from the list, such as Europe/Oslo.')).toBeTruthy();
    expect(zone.getAttribute('aria-invalid')).toBe('true');
  });

  it('hides the week while opening hours are off, and asks for an open day when on', () => {
    const form = renderEditor({ openingHoursEnabled: false });
    expect(screen.queryByRole('table')).toBeNull();
    fireEvent.click(input('Use opening hours'));
    expect(form.openingHoursEnabled).toBe(true);
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) fireEvent.click(input(`Open on ${day}`));
    expect(screen.getByRole('alert').textContent).toBe('Open at least one day, or turn opening hours off.');
  });
});
