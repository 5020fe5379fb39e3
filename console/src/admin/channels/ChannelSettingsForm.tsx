import { createMemo, createUniqueId, For, Show } from 'solid-js';
import { Checkbox, Field } from '../forms';
import { LIMITS, type ChannelForm, type ChannelInput } from './channel-form';
import { createChannelSettingsEditor } from './channel-settings-editor';
import { LANGUAGE_SUGGESTIONS, folderPaths, type FolderOption } from './channel-settings';
import { NumberSetting, RequiredFieldsSetting, SettingsSection, TextSetting } from './ChannelSettingFields';
import { OpeningHoursEditor } from './OpeningHoursEditor';
import { WidgetSettings } from './WidgetSettings';

interface ChannelSettingsFormProps {
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
  let formElement!: HTMLFormElement;
  const editor = createChannelSettingsEditor({
    initial: props.initial,
    onSave: (input) => props.onSave(input),
    onDirtyChange: (dirty) => props.onDirtyChange?.(dirty),
    formElement: () => formElement,
  });
  const { form, set, setDay, error, dirty, busy, status, save, discard } = editor;

  function onKeyDown(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save();
    }
  }

  const folders = createMemo(() => folderPaths(props.faqFolders));

  const languageListId = createUniqueId();

  return (
    <form ref={formElement} class="channel-form" onSubmit={save} onKeyDown={onKeyDown} novalidate aria-label="Channel settings">
      <SettingsSection id="general" title="General" description="How the channel is named and introduced.">
        <TextSetting editor={editor} name="name" label="Name" required hint="Unique; agents see it on every chat." />
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
        <TextSetting editor={editor} name="badgeHeader" label="Badge header" required hint="The text on the chat launcher." />
        <TextSetting editor={editor} name="description" label="Badge description" multiline hint="Shown under the badge header and to agents." />
      </SettingsSection>

      <SettingsSection id="hours" title="Opening hours" description="When visitors can start a chat. Outside the hours they get the offline form.">
        <OpeningHoursEditor
          enabled={form.openingHoursEnabled}
          timeZone={form.timeZone}
          days={form.days}
          onEnabledChange={(value) => set('openingHoursEnabled', value)}
          onTimeZoneChange={(value) => set('timeZone', value)}
          onDayChange={setDay}
          error={error}
        />
      </SettingsSection>

      <SettingsSection id="warnings" title="Warnings" description="Flag a new chat that nobody has answered for a while. Leave empty for no warning.">
        <div class="field-row">
          <NumberSetting
            editor={editor}
            name="warnAgentsAfterMinutes"
            label="Warn agents after"
            unit="minutes"
            hint={`1–${LIMITS.thresholdMinutes} minutes of waiting.`}
          />
          <NumberSetting editor={editor} name="warnManagersAfterMinutes" label="Warn managers after" unit="minutes" hint="Managers get a separate warning." />
        </div>
      </SettingsSection>

      <SettingsSection id="widget" title="Widget" description="How the chat looks on your website.">
        <WidgetSettings editor={editor} />
      </SettingsSection>

      <SettingsSection id="prechat" title="Pre-chat form" description="What visitors fill in before they join the queue.">
        <Checkbox label="Show the pre-chat form" checked={form.prechatEnabled} onChange={(value) => set('prechatEnabled', value)} data-field="prechatEnabled" />
        <RequiredFieldsSetting editor={editor} name="prechatRequiredFields" legend="Required fields" disabled={!form.prechatEnabled} />
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
      </SettingsSection>

      <SettingsSection id="offline" title="Offline form" description="Shown outside opening hours, when no agent is Present, or when the queue is too long.">
        <TextSetting editor={editor} name="offlineHeader" label="Header" required />
        <TextSetting editor={editor} name="offlineMessage" label="Message" required multiline />
        <Checkbox
          label="Create a request"
          hint="Each offline message becomes a request, and the visitor sees its number."
          checked={form.offlineCreatesRequest}
          onChange={(value) => set('offlineCreatesRequest', value)}
          data-field="offlineCreatesRequest"
        />
        <RequiredFieldsSetting editor={editor} name="offlineRequiredFields" legend="Required fields" disabled={false} />
        <Show when={!form.offlineRequiredFields.includes('EMAIL') && !form.offlineRequiredFields.includes('PHONE')}>
          <p class="notice notice-warning">Neither email nor phone is required: you may have no way to answer offline messages.</p>
        </Show>
        <div class="field-row">
          <NumberSetting
            editor={editor}
            name="offlineAfterWaitMinutes"
            label="Offer it when the wait exceeds"
            unit="minutes"
            hint="Counted from the oldest waiting chat. Empty: never."
          />
          <NumberSetting
            editor={editor}
            name="offlineAfterQueueLength"
            label="Offer it when the queue reaches"
            unit="chats"
            hint="Waiting chats. Empty: never."
          />
        </div>
      </SettingsSection>

      <SettingsSection id="postchat" title="Post-chat form" description="What visitors see when the chat ends.">
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
      </SettingsSection>

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
