import { createEffect, createMemo, createSignal, createUniqueId, For, on, Show, type JSX } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { errorMessage } from '../../api';
import { CharacterCount, Checkbox, Field, createFieldErrors, focusField } from '../forms';
import {
  LIMITS,
  QUEUE_VARIABLES,
  VISITOR_FIELDS,
  inputFromForm,
  validateChannelForm,
  type ChannelForm,
  type ChannelInput,
  type DayForm,
  type VisitorField,
} from './channel-form';
import { OpeningHoursEditor } from './OpeningHoursEditor';
import { FONT_SUGGESTIONS, LANGUAGE_SUGGESTIONS, SERVER_FIELDS, contrastWithWhite, folderPaths, type FolderOption } from './channel-settings';
import { WidgetPreview } from './WidgetPreview';

export interface ChannelSettingsFormProps {
  initial: ChannelForm;
  faqFolders: FolderOption[];
  /** "Create channel" for a new one; "Save changes" otherwise. */
  submitLabel: string;
  /** Saves the settings; a thrown ApiError naming a field is shown next to it. Resolves with the saved form. */
  onSave(input: ChannelInput & { name: string }): Promise<ChannelForm>;
  onDirtyChange?(dirty: boolean): void;
}

/** The channel settings editor: every setting, checked while typing and by the server, saved together. */
export function ChannelSettingsForm(props: ChannelSettingsFormProps) {
  const [form, setForm] = createStore<ChannelForm>(structuredClone(props.initial));
  // The form as last saved: what Discard goes back to and what "unsaved changes" compares with.
  const [baseline, setBaseline] = createSignal<ChannelForm>(structuredClone(props.initial));
  const saved = createMemo(() => JSON.stringify(inputFromForm(baseline())));
  const [busy, setBusy] = createSignal(false);
  const [status, setStatus] = createSignal<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [triedToSave, setTriedToSave] = createSignal(false);
  const errors = createFieldErrors();
  let formElement!: HTMLFormElement;

  const dirty = createMemo(() => JSON.stringify(inputFromForm(form)) !== saved());
  createEffect(on(dirty, (value) => props.onDirtyChange?.(value)));
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
      focusField(formElement, first);
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const result = await props.onSave(inputFromForm(unwrap(form)));
      setForm(reconcile(structuredClone(result)));
      setBaseline(structuredClone(result));
      setTriedToSave(false);
      errors.clear();
      setStatus({ tone: 'success', text: 'Saved.' });
    } catch (caught) {
      setTriedToSave(false);
      if (errors.placeApiError(caught, SERVER_FIELDS)) {
        setStatus({ tone: 'error', text: 'Not saved: fix the problem marked below.' });
        focusField(formElement, errors.fields()[0]);
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

  function onKeyDown(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save();
    }
  }

  const contrast = createMemo(() => contrastWithWhite(form.widgetColor));
  const folders = createMemo(() => folderPaths(props.faqFolders));

  const section = (id: string, title: string, description: string, children: JSX.Element) => (
    <section class="admin-section" id={`section-${id}`} tabindex="-1" aria-labelledby={`section-${id}-title`}>
      <header class="admin-section-header">
        <h3 id={`section-${id}-title`}>{title}</h3>
        <p class="muted">{description}</p>
      </header>
      <div class="admin-section-body">{children}</div>
    </section>
  );

  const textField = (key: keyof typeof LIMITS & keyof ChannelForm, label: string, opts: { required?: boolean; hint?: string; multiline?: boolean } = {}) => (
    <Field name={key} label={label} required={opts.required} error={error(key)} hint={opts.hint}>
      {(control) => (
        <>
          {opts.multiline ? (
            <textarea {...control} rows={3} value={form[key] as string} onInput={(e) => set(key, e.currentTarget.value as never)} />
          ) : (
            <input {...control} type="text" value={form[key] as string} onInput={(e) => set(key, e.currentTarget.value as never)} required={opts.required} />
          )}
          <CharacterCount value={form[key] as string} max={LIMITS[key]} />
        </>
      )}
    </Field>
  );

  const numberField = (
    key: 'warnAgentsAfterMinutes' | 'warnManagersAfterMinutes' | 'offlineAfterWaitMinutes' | 'offlineAfterQueueLength',
    label: string,
    unit: string,
    hint: string,
  ) => (
    <Field name={key} label={label} error={error(key)} hint={hint} class="field-number">
      {(control) => (
        <span class="input-with-unit">
          <input
            {...control}
            type="number"
            inputmode="numeric"
            min="1"
            max={key === 'offlineAfterQueueLength' ? LIMITS.queueLength : LIMITS.thresholdMinutes}
            step="1"
            placeholder="Off"
            value={form[key]}
            onInput={(e) => set(key, e.currentTarget.value)}
          />
          <span class="unit">{unit}</span>
        </span>
      )}
    </Field>
  );

  const requiredFields = (key: 'prechatRequiredFields' | 'offlineRequiredFields', legend: string, disabled: boolean) => (
    <fieldset class="checkbox-group" data-field={key} disabled={disabled}>
      <legend>{legend}</legend>
      <For each={VISITOR_FIELDS}>
        {(field) => <Checkbox label={field.label} checked={form[key].includes(field.value)} onChange={(on) => toggleField(key, field.value, on)} />}
      </For>
      <Show when={error(key)}>
        <p class="field-error">{error(key)}</p>
      </Show>
    </fieldset>
  );

  const languageListId = createUniqueId();
  const fontListId = createUniqueId();

  return (
    <form ref={formElement} class="channel-form" onSubmit={save} onKeyDown={onKeyDown} novalidate aria-label="Channel settings">
      {section(
        'general',
        'General',
        'How the channel is named and introduced.',
        <>
          {textField('name', 'Name', { required: true, hint: 'Unique; agents see it on every chat.' })}
          <Field name="language" label="Language" required error={error('language')} hint="The widget’s language, as a tag such as en, nb or en-GB.">
            {(control) => (
              <>
                <input
                  {...control}
                  type="text"
                  list={languageListId}
                  value={form.language}
                  onInput={(e) => set('language', e.currentTarget.value)}
                  autocomplete="off"
                  spellcheck={false}
                />
                <datalist id={languageListId}>
                  <For each={LANGUAGE_SUGGESTIONS}>{([tag, name]) => <option value={tag}>{name}</option>}</For>
                </datalist>
              </>
            )}
          </Field>
          {textField('badgeHeader', 'Badge header', { required: true, hint: 'The text on the chat launcher.' })}
          {textField('description', 'Badge description', { multiline: true, hint: 'Shown under the badge header and to agents.' })}
        </>,
      )}

      {section(
        'hours',
        'Opening hours',
        'When visitors can start a chat. Outside the hours they get the offline form.',
        <OpeningHoursEditor
          enabled={form.openingHoursEnabled}
          timeZone={form.timeZone}
          days={form.days}
          onEnabledChange={(value) => set('openingHoursEnabled', value)}
          onTimeZoneChange={(value) => set('timeZone', value)}
          onDayChange={setDay}
          error={error}
        />,
      )}

      {section(
        'warnings',
        'Warnings',
        'Flag a new chat that nobody has answered for a while. Leave empty for no warning.',
        <div class="field-row">
          {numberField('warnAgentsAfterMinutes', 'Warn agents after', 'minutes', `1–${LIMITS.thresholdMinutes} minutes of waiting.`)}
          {numberField('warnManagersAfterMinutes', 'Warn managers after', 'minutes', 'Managers get a separate warning.')}
        </div>,
      )}

      {section(
        'widget',
        'Widget',
        'How the chat looks on your website.',
        <div class="widget-settings">
          <div class="widget-fields">
            <fieldset class="radio-group" data-field="widgetTheme">
              <legend>Theme</legend>
              <label class="check">
                <input type="radio" name="widgetTheme" value="LIGHT" checked={form.widgetTheme === 'LIGHT'} onChange={() => set('widgetTheme', 'LIGHT')} />
                <span>Light</span>
              </label>
              <label class="check">
                <input type="radio" name="widgetTheme" value="DARK" checked={form.widgetTheme === 'DARK'} onChange={() => set('widgetTheme', 'DARK')} />
                <span>Dark</span>
              </label>
            </fieldset>
            <Field
              name="widgetColor"
              label="Colour"
              required
              error={error('widgetColor')}
              hint={
                (contrast() ?? 21) < 3
                  ? `White text on this colour is hard to read (contrast ${contrast()!.toFixed(1)}:1); pick a darker colour.`
                  : 'Buttons, the header and your messages.'
              }
            >
              {(control) => (
                <span class="input-with-action">
                  <input
                    type="color"
                    aria-label="Pick a colour"
                    value={/^#[0-9a-f]{6}$/i.test(form.widgetColor) ? form.widgetColor : '#000000'}
                    onInput={(e) => set('widgetColor', e.currentTarget.value)}
                  />
                  <input
                    {...control}
                    type="text"
                    class="input-short"
                    value={form.widgetColor}
                    onInput={(e) => set('widgetColor', e.currentTarget.value.trim())}
                    spellcheck={false}
                  />
                </span>
              )}
            </Field>
            <Field name="widgetFont" label="Font" required error={error('widgetFont')} hint="A CSS font list; the first font the visitor has is used.">
              {(control) => (
                <>
                  <input
                    {...control}
                    type="text"
                    list={fontListId}
                    value={form.widgetFont}
                    onInput={(e) => set('widgetFont', e.currentTarget.value)}
                    spellcheck={false}
                  />
                  <datalist id={fontListId}>
                    <For each={FONT_SUGGESTIONS}>{(font) => <option value={font} />}</For>
                  </datalist>
                </>
              )}
            </Field>
            <Field name="widgetLogoUrl" label="Logo URL" error={error('widgetLogoUrl')} hint="Optional. An image address starting with https://.">
              {(control) => (
                <input
                  {...control}
                  type="url"
                  value={form.widgetLogoUrl}
                  placeholder="https://example.com/logo.png"
                  onInput={(e) => set('widgetLogoUrl', e.currentTarget.value)}
                />
              )}
            </Field>
            <Checkbox
              label="Show the agent’s photo"
              checked={form.showAgentPhoto}
              onChange={(value) => set('showAgentPhoto', value)}
              data-field="showAgentPhoto"
            />
            {textField('widgetHeader', 'Header', { required: true, hint: 'The title of the open chat window.' })}
            {textField('welcomeMessage', 'Welcome message', { required: true, multiline: true, hint: 'Sent to the visitor when an agent takes the chat.' })}
            <Field
              name="queueMessage"
              label="Queue message"
              required
              error={error('queueMessage')}
              hint={
                <>
                  Shown while the visitor waits. Variables:{' '}
                  <For each={QUEUE_VARIABLES}>
                    {(variable) => (
                      <button
                        type="button"
                        class="chip chip-small"
                        onClick={() => set('queueMessage', `${form.queueMessage}{${variable}}`)}
                        aria-label={`Insert {${variable}}`}
                      >
                        {`{${variable}}`}
                      </button>
                    )}
                  </For>{' '}
                  (position in the queue; average wait as hh:mm).
                </>
              }
            >
              {(control) => (
                <>
                  <textarea {...control} rows={2} value={form.queueMessage} onInput={(e) => set('queueMessage', e.currentTarget.value)} />
                  <CharacterCount value={form.queueMessage} max={LIMITS.queueMessage} />
                </>
              )}
            </Field>
          </div>
          <WidgetPreview form={form} />
        </div>,
      )}

      {section(
        'prechat',
        'Pre-chat form',
        'What visitors fill in before they join the queue.',
        <>
          <Checkbox
            label="Show the pre-chat form"
            checked={form.prechatEnabled}
            onChange={(value) => set('prechatEnabled', value)}
            data-field="prechatEnabled"
          />
          {requiredFields('prechatRequiredFields', 'Required fields', !form.prechatEnabled)}
          <Checkbox
            label="Suggest FAQ entries"
            hint="Before joining the queue, visitors see the three published entries that best match their question."
            checked={form.faqSuggestionsEnabled}
            onChange={(value) => set('faqSuggestionsEnabled', value)}
            data-field="faqSuggestionsEnabled"
          />
          <Field
            name="faqFolderId"
            label="FAQ folder"
            required={form.faqSuggestionsEnabled}
            error={error('faqFolderId')}
            hint="Suggestions come from this folder and its subfolders."
          >
            {(control) => (
              <select {...control} value={form.faqFolderId} onChange={(e) => set('faqFolderId', e.currentTarget.value)}>
                <option value="">{folders().length === 0 ? 'No FAQ folders yet' : 'No folder'}</option>
                <For each={folders()}>
                  {(folder) => (
                    <option value={folder.id} selected={folder.id === form.faqFolderId}>
                      {folder.path}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
        </>,
      )}

      {section(
        'offline',
        'Offline form',
        'Shown outside opening hours, when no agent is Present, or when the queue is too long.',
        <>
          {textField('offlineHeader', 'Header', { required: true })}
          {textField('offlineMessage', 'Message', { required: true, multiline: true })}
          <Checkbox
            label="Create a request"
            hint="Each offline message becomes a request, and the visitor sees its number."
            checked={form.offlineCreatesRequest}
            onChange={(value) => set('offlineCreatesRequest', value)}
            data-field="offlineCreatesRequest"
          />
          {requiredFields('offlineRequiredFields', 'Required fields', false)}
          <Show when={!form.offlineRequiredFields.includes('EMAIL') && !form.offlineRequiredFields.includes('PHONE')}>
            <p class="notice notice-warning">Neither email nor phone is required: you may have no way to answer offline messages.</p>
          </Show>
          <div class="field-row">
            {numberField('offlineAfterWaitMinutes', 'Offer it when the wait exceeds', 'minutes', 'Counted from the oldest waiting chat. Empty: never.')}
            {numberField('offlineAfterQueueLength', 'Offer it when the queue reaches', 'chats', 'Waiting chats. Empty: never.')}
          </div>
        </>,
      )}

      {section(
        'postchat',
        'Post-chat form',
        'What visitors see when the chat ends.',
        <>
          <Checkbox
            label="Show the post-chat form"
            checked={form.postchatEnabled}
            onChange={(value) => set('postchatEnabled', value)}
            data-field="postchatEnabled"
          />
          <Checkbox
            label="Ask for a rating (1–5 with a comment)"
            checked={form.postchatRating}
            disabled={!form.postchatEnabled}
            onChange={(value) => set('postchatRating', value)}
          />
          <Checkbox
            label="Offer the transcript by email"
            checked={form.postchatTranscript}
            disabled={!form.postchatEnabled}
            onChange={(value) => set('postchatTranscript', value)}
          />
        </>,
      )}

      <div class="save-bar" classList={{ 'is-dirty': dirty() }}>
        <p
          class="status-line"
          classList={{ 'is-error': status()?.tone === 'error', 'is-success': status()?.tone === 'success' }}
          role="status"
          aria-live="polite"
        >
          {status()?.text ?? (dirty() ? 'You have unsaved changes.' : '')}
        </p>
        <div class="row">
          <Show when={dirty()}>
            <button type="button" class="button" onClick={discard} disabled={busy()}>
              Discard changes
            </button>
          </Show>
          <button type="submit" class="button button-primary" disabled={busy() || !dirty()} aria-keyshortcuts="Control+S">
            {busy() ? 'Saving…' : props.submitLabel}
          </button>
        </div>
      </div>
    </form>
  );
}
