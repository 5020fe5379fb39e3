import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { newChannelForm, type ChannelForm, type ChannelInput } from './channel-form';
import { ChannelSettingsForm, contrastWithWhite, folderPaths } from './ChannelSettingsForm';

type Save = (input: ChannelInput & { name: string }) => Promise<ChannelForm>;

function renderForm(onSave: Save, initial: ChannelForm = { ...newChannelForm('UTC'), name: 'Support' }) {
  const saves: (ChannelInput & { name: string })[] = [];
  const dirty: boolean[] = [];
  render(() => (
    <ChannelSettingsForm
      initial={initial}
      faqFolders={[
        { id: 'f2', name: 'Billing', parent: { id: 'f1' } },
        { id: 'f1', name: 'Public', parent: null },
      ]}
      submitLabel="Save changes"
      onDirtyChange={(value) => dirty.push(value)}
      onSave={(input) => {
        saves.push(input);
        return onSave(input);
      }}
    />
  ));
  return { saves, dirty };
}

/** A control by its accessible name (the required mark is aria-hidden, so not part of it). */
const field = (name: string, role: 'textbox' | 'combobox' | 'checkbox' = 'textbox') => screen.getByRole(role, { name }) as HTMLInputElement;
const saveButton = () => screen.getByRole('button', { name: 'Save changes' }) as HTMLButtonElement;
const errorOf = (control: HTMLElement) => {
  const ids = control.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)).find((el) => el?.classList.contains('field-error'))?.textContent ?? null;
};

afterEach(cleanup);

describe('ChannelSettingsForm', () => {
  it('enables saving only with changes, sends every setting and confirms', async () => {
    const { saves, dirty } = renderForm(async (input) => ({ ...newChannelForm('UTC'), name: input.name, badgeHeader: input.badgeHeader! }));
    expect(saveButton().disabled).toBe(true);
    fireEvent.input(field('Badge header'), { target: { value: 'Talk to us' } });
    expect(saveButton().disabled).toBe(false);
    expect(screen.getByText('You have unsaved changes.')).toBeTruthy();
    expect(dirty).toEqual([false, true]);

    fireEvent.click(saveButton());
    await screen.findByText('Saved.');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ name: 'Support', badgeHeader: 'Talk to us', language: 'en', widgetColor: '#2563eb', openingHours: expect.any(Array) });
    expect(Object.keys(saves[0]!).sort()).toHaveLength(30);
    expect(saveButton().disabled).toBe(true);
    expect(dirty.at(-1)).toBe(false);
  });

  it('checks the form before sending: each problem sits next to its field and the first one gets focus', async () => {
    const { saves } = renderForm(async () => {
      throw new Error('must not be called');
    });
    fireEvent.input(field('Name'), { target: { value: '  ' } });
    fireEvent.input(field('Colour'), { target: { value: '#12' } });
    fireEvent.click(saveButton());
    expect(saves).toEqual([]);
    expect(screen.getByRole('status').textContent).toBe('Fix the 2 problems marked below, then save again.');
    expect(errorOf(field('Name'))).toBe('Enter a name.');
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(field('Colour'))).toBe('Use a colour written #rrggbb.');
    expect(document.activeElement).toBe(field('Name'));

    // Once shown, problems clear as they are fixed.
    fireEvent.input(field('Name'), { target: { value: 'Sales' } });
    expect(errorOf(field('Name'))).toBeNull();
    expect(field('Name').getAttribute('aria-invalid')).toBe('false');
    expect(errorOf(field('Colour'))).toBe('Use a colour written #rrggbb.');
  });

  it('shows a VALIDATION error from the server next to the field it names, and focuses it', async () => {
    renderForm(async () => {
      throw new ApiError('widgetLogoUrl: must be an absolute URL starting with https:// or http://', 'VALIDATION', 'widgetLogoUrl');
    });
    fireEvent.input(field('Logo URL'), { target: { value: 'https://[bad-host/logo.png' } });
    fireEvent.click(saveButton());
    await screen.findByText('Not saved: fix the problem marked below.');
    expect(errorOf(field('Logo URL'))).toBe('Must be an absolute URL starting with https:// or http://');
    expect(field('Logo URL').getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(field('Logo URL')));
    // The change is kept for fixing, not thrown away.
    expect(field('Logo URL').value).toBe('https://[bad-host/logo.png');
    expect(saveButton().disabled).toBe(false);
  });

  it('shows a name clash (CONFLICT) at the name, and other failures as a general message', async () => {
    let next: Error = new ApiError('A channel named "Sales" already exists.', 'CONFLICT', 'name');
    renderForm(async () => {
      throw next;
    });
    fireEvent.input(field('Name'), { target: { value: 'sales' } });
    fireEvent.click(saveButton());
    await waitFor(() => expect(errorOf(field('Name'))).toBe('A channel named "Sales" already exists.'));

    next = new ApiError('Cannot reach the server. Check your connection and try again.', 'NETWORK');
    fireEvent.click(saveButton());
    await screen.findByText('Not saved: Cannot reach the server. Check your connection and try again.');
  });

  it('discards unsaved changes back to the last saved settings', () => {
    renderForm(async () => newChannelForm());
    fireEvent.input(field('Welcome message'), { target: { value: 'Changed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(field('Welcome message').value).toBe('Hi! How can we help you?');
    expect(saveButton().disabled).toBe(true);
  });

  it('offers FAQ folders by path, and needs one for FAQ suggestions', async () => {
    renderForm(async () => newChannelForm());
    const select = field('FAQ folder', 'combobox') as unknown as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['No folder', 'Public', 'Public / Billing']);
    fireEvent.click(field('Suggest FAQ entries', 'checkbox'));
    fireEvent.click(saveButton());
    expect(errorOf(select)).toBe('Choose the FAQ folder suggestions come from.');
    fireEvent.change(select, { target: { value: 'f2' } });
    expect(errorOf(select)).toBeNull();
  });

  it('inserts queue variables and refuses unknown ones', () => {
    renderForm(async () => newChannelForm());
    const message = field('Queue message');
    fireEvent.input(message, { target: { value: 'Wait: ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Insert {averageWait}' }));
    expect(message.value).toBe('Wait: {averageWait}');
    fireEvent.input(message, { target: { value: 'Wait {mins}' } });
    fireEvent.click(saveButton());
    expect(errorOf(message)).toBe('{mins} is not a variable. Use {queuePosition} or {averageWait}.');
  });
});

describe('helpers', () => {
  it('builds folder paths and measures colour contrast', () => {
    expect(folderPaths([{ id: 'b', name: 'B', parent: { id: 'a' } }, { id: 'a', name: 'A' }])).toEqual([
      { id: 'a', path: 'A' },
      { id: 'b', path: 'A / B' },
    ]);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21);
    expect(contrastWithWhite('blue')).toBeNull();
  });
});
