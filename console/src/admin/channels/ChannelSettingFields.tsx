import { For, Show, type JSX } from 'solid-js';
import { CharacterCount, Checkbox, Field } from '../forms';
import { LIMITS, VISITOR_FIELDS, type ChannelForm } from './channel-form';
import type { ChannelSettingsEditor } from './channel-settings-editor';

// The building blocks of the channel settings form: a section, and the text, number and
// required-fields settings, each bound to the editor's form and errors.

export function SettingsSection(props: { id: string; title: string; description: string; children: JSX.Element }) {
  return (
    <section class="admin-section" id={`section-${props.id}`} tabindex="-1" aria-labelledby={`section-${props.id}-title`}>
      <header class="admin-section-header">
        <h3 id={`section-${props.id}-title`}>{props.title}</h3>
        <p class="muted">{props.description}</p>
      </header>
      <div class="admin-section-body">{props.children}</div>
    </section>
  );
}

export function TextSetting(props: {
  editor: ChannelSettingsEditor;
  name: keyof typeof LIMITS & keyof ChannelForm;
  label: string;
  required?: boolean;
  hint?: string;
  multiline?: boolean;
}) {
  const { form, set, error } = props.editor;
  return (
    <Field name={props.name} label={props.label} required={props.required} error={error(props.name)} hint={props.hint}>
      {(control) => (
        <>
          {props.multiline ? (
            <textarea {...control} rows={3} value={form[props.name] as string} onInput={(e) => set(props.name, e.currentTarget.value as never)} />
          ) : (
            <input
              {...control}
              type="text"
              value={form[props.name] as string}
              onInput={(e) => set(props.name, e.currentTarget.value as never)}
              required={props.required}
            />
          )}
          <CharacterCount value={form[props.name] as string} max={LIMITS[props.name]} />
        </>
      )}
    </Field>
  );
}

export function NumberSetting(props: {
  editor: ChannelSettingsEditor;
  name: 'warnAgentsAfterMinutes' | 'warnManagersAfterMinutes' | 'offlineAfterWaitMinutes' | 'offlineAfterQueueLength';
  label: string;
  unit: string;
  hint: string;
}) {
  const { form, set, error } = props.editor;
  return (
    <Field name={props.name} label={props.label} error={error(props.name)} hint={props.hint} class="field-number">
      {(control) => (
        <span class="input-with-unit">
          <input
            {...control}
            type="number"
            inputmode="numeric"
            min="1"
            max={props.name === 'offlineAfterQueueLength' ? LIMITS.queueLength : LIMITS.thresholdMinutes}
            step="1"
            placeholder="Off"
            value={form[props.name]}
            onInput={(e) => set(props.name, e.currentTarget.value)}
          />
          <span class="unit">{props.unit}</span>
        </span>
      )}
    </Field>
  );
}

export function RequiredFieldsSetting(props: {
  editor: ChannelSettingsEditor;
  name: 'prechatRequiredFields' | 'offlineRequiredFields';
  legend: string;
  disabled: boolean;
}) {
  const { form, toggleField, error } = props.editor;
  return (
    <fieldset class="checkbox-group" data-field={props.name} disabled={props.disabled}>
      <legend>{props.legend}</legend>
      <For each={VISITOR_FIELDS}>
        {(field) => (
          <Checkbox label={field.label} checked={form[props.name].includes(field.value)} onChange={(on) => toggleField(props.name, field.value, on)} />
        )}
      </For>
      <Show when={error(props.name)}>
        <p class="field-error">{error(props.name)}</p>
      </Show>
    </fieldset>
  );
}
