import { createMemo, createUniqueId, For } from 'solid-js';
import { CharacterCount, Checkbox, Field } from '../forms';
import { LIMITS, QUEUE_VARIABLES } from './channel-form';
import type { ChannelSettingsEditor } from './channel-settings-editor';
import { FONT_SUGGESTIONS, contrastWithWhite } from './channel-settings';
import { TextSetting } from './ChannelSettingFields';
import { WidgetPreview } from './WidgetPreview';

/** The widget's look (theme, colour, font, logo, texts) beside a live preview. */
export function WidgetSettings(props: { editor: ChannelSettingsEditor }) {
  const { form, set, error } = props.editor;
  const contrast = createMemo(() => contrastWithWhite(form.widgetColor));
  const fontListId = createUniqueId();
  return (
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
        <Checkbox label="Show the agent’s photo" checked={form.showAgentPhoto} onChange={(value) => set('showAgentPhoto', value)} data-field="showAgentPhoto" />
        <TextSetting editor={props.editor} name="widgetHeader" label="Header" required hint="The title of the open chat window." />
        <TextSetting
          editor={props.editor}
          name="welcomeMessage"
          label="Welcome message"
          required
          multiline
          hint="Sent to the visitor when an agent takes the chat."
        />
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
    </div>
  );
}
