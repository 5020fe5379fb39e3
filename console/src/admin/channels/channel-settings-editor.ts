import { createEffect, createMemo, createSignal, on } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { errorMessage } from '../../api';
import { createFieldErrors, focusField } from '../field-errors';
import { inputFromForm, validateChannelForm, type ChannelForm, type ChannelInput, type DayForm, type VisitorField } from './channel-form';
import { SERVER_FIELDS } from './channel-settings';

/**
 * The channel settings form's state: the edited form against the one last saved (dirty, Discard),
 * problems checked while typing once a save was tried, and saving with the server's field errors
 * placed next to their fields. `formElement` is where focus goes to the first problem.
 */
export function createChannelSettingsEditor(options: {
  initial: ChannelForm;
  /** Saves the settings; a thrown ApiError naming a field is shown next to it. Resolves with the saved form. */
  onSave(input: ChannelInput & { name: string }): Promise<ChannelForm>;
  onDirtyChange?(dirty: boolean): void;
  formElement(): HTMLFormElement | undefined;
}) {
  const [form, setForm] = createStore<ChannelForm>(structuredClone(options.initial));
  // The form as last saved: what Discard goes back to and what "unsaved changes" compares with.
  const [baseline, setBaseline] = createSignal<ChannelForm>(structuredClone(options.initial));
  const saved = createMemo(() => JSON.stringify(inputFromForm(baseline())));
  const [busy, setBusy] = createSignal(false);
  const [status, setStatus] = createSignal<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [triedToSave, setTriedToSave] = createSignal(false);
  const errors = createFieldErrors();

  const dirty = createMemo(() => JSON.stringify(inputFromForm(form)) !== saved());
  createEffect(on(dirty, (value) => options.onDirtyChange?.(value)));
  // After a first attempt to save, problems update as they are fixed.
  createEffect(() => {
    if (!triedToSave()) return;
    errors.replace(validateChannelForm(form));
  });

  const error = (field: string) => errors.get(field);
  const set = <K extends keyof ChannelForm>(key: K, value: ChannelForm[K]) => {
    setForm(key, value);
    if (!triedToSave()) errors.set(key, undefined);
    setStatus(null);
  };
  const setDay = (index: number, change: Partial<DayForm>) => {
    setForm('days', index, change);
    setStatus(null);
  };
  const toggleField = (key: 'prechatRequiredFields' | 'offlineRequiredFields', field: VisitorField, on: boolean) =>
    set(key, on ? [...form[key].filter((f) => f !== field), field] : form[key].filter((f) => f !== field));

  async function save(event?: Event) {
    event?.preventDefault();
    if (busy()) return;
    setTriedToSave(true);
    const problems = validateChannelForm(form);
    errors.replace(problems);
    const first = Object.keys(problems)[0];
    if (first) {
      const count = Object.keys(problems).length;
      setStatus({ tone: 'error', text: `Fix ${count === 1 ? 'the problem' : `the ${count} problems`} marked below, then save again.` });
      focusField(options.formElement(), first);
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const result = await options.onSave(inputFromForm(unwrap(form)));
      setForm(reconcile(structuredClone(result)));
      setBaseline(structuredClone(result));
      setTriedToSave(false);
      errors.clear();
      setStatus({ tone: 'success', text: 'Saved.' });
    } catch (caught) {
      setTriedToSave(false);
      if (errors.placeApiError(caught, SERVER_FIELDS)) {
        setStatus({ tone: 'error', text: 'Not saved: fix the problem marked below.' });
        focusField(options.formElement(), errors.fields()[0]);
      } else {
        setStatus({ tone: 'error', text: `Not saved: ${errorMessage(caught)}` });
      }
    } finally {
      setBusy(false);
    }
  }

  function discard() {
    setForm(reconcile(structuredClone(baseline())));
    errors.clear();
    setTriedToSave(false);
    setStatus(null);
  }

  return { form, set, setDay, toggleField, error, dirty, busy, status, save, discard };
}

export type ChannelSettingsEditor = ReturnType<typeof createChannelSettingsEditor>;
