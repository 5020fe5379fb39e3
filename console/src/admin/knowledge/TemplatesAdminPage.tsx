import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { FormDialog } from '../dialogs';
import { CharacterCount, Field } from '../forms';
import { createFieldErrors, focusField } from '../field-errors';
import { FolderSelectField } from './FolderSelectField';
import { KnowledgeAdmin } from './KnowledgeAdmin';
import type { ItemEditorProps, KnowledgeConfig } from './knowledge-admin';
import { loadTemplateVariables, saveTemplate, templateServerCalls } from './knowledge-data';
import type { Template } from './operations';

export const TEMPLATE_LIMITS = { name: 100, body: 4000 } as const;

export function TemplatesAdminPage() {
  const { client } = useRuntime();
  const config: KnowledgeConfig<Template> = {
    title: 'Reply templates',
    intro: 'Shared texts agents insert into chats, in folders. Variables such as {{visitor.name}} are filled in for each chat.',
    noun: 'template',
    ...templateServerCalls(client),
    itemTitle: (t) => t.name,
    itemPreview: (t) => t.body,
    itemFolderId: (t) => t.folder?.id ?? null,
    itemTags: (t) => (t.useCount > 0 ? <span class="tag tag-muted">used {t.useCount}×</span> : null),
    Editor: TemplateEditor,
  };
  return <KnowledgeAdmin config={config} />;
}

function TemplateEditor(props: ItemEditorProps<Template>) {
  const { client } = useRuntime();
  const [variables] = createResource(() => loadTemplateVariables(client));
  const [name, setName] = createSignal(props.item?.name ?? '');
  const [body, setBody] = createSignal(props.item?.body ?? '');
  const [folderId, setFolderId] = createSignal(props.item ? (props.item.folder?.id ?? '') : (props.folderId ?? ''));
  const [busy, setBusy] = createSignal(false);
  const [general, setGeneral] = createSignal<string | null>(null);
  const errors = createFieldErrors();
  let formElement!: HTMLFormElement;
  let bodyInput!: HTMLTextAreaElement;

  function insert(placeholder: string) {
    const start = bodyInput.selectionStart ?? body().length;
    const end = bodyInput.selectionEnd ?? start;
    setBody(body().slice(0, start) + placeholder + body().slice(end));
    bodyInput.focus();
    bodyInput.setSelectionRange(start + placeholder.length, start + placeholder.length);
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!name().trim()) problems.name = 'Enter a name agents will search for.';
    else if (name().trim().length > TEMPLATE_LIMITS.name) problems.name = `At most ${TEMPLATE_LIMITS.name} characters.`;
    if (!body().trim()) problems.body = 'Enter the text.';
    else if (body().length > TEMPLATE_LIMITS.body) problems.body = `At most ${TEMPLATE_LIMITS.body} characters.`;
    errors.replace(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusField(formElement, Object.keys(problems)[0]);
    setBusy(true);
    try {
      const saved = await saveTemplate(client, props.item, { name: name().trim(), body: body() }, folderId());
      props.onSaved(saved);
    } catch (error) {
      if (errors.placeApiError(error, ['name', 'body', 'folderId'])) focusField(formElement, errors.fields()[0]);
      else setGeneral(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title={props.item ? `Edit ${props.item.name}` : 'New reply template'}
      size="large"
      onClose={props.onClose}
      submitLabel="Save template"
      busy={busy()}
      error={general()}
      onSubmit={submit}
      formRef={(form) => (formElement = form)}
    >
      <Field name="name" label="Name" required error={errors.get('name')} hint="What agents type to find it in the Insert menu.">
        {(control) => <input {...control} type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <FolderSelectField value={folderId()} onChange={setFolderId} folders={props.folders} error={errors.get('folderId')} />
      <Field
        name="body"
        label="Text"
        required
        error={errors.get('body')}
        hint={
          <Show when={variables()} fallback="Variables are filled in for each chat.">
            Insert a variable:{' '}
            <For each={variables()}>
              {(variable) => (
                <button type="button" class="chip chip-small" title={variable.description} onClick={() => insert(variable.placeholder)}>
                  {variable.placeholder}
                </button>
              )}
            </For>
          </Show>
        }
      >
        {(control) => (
          <>
            <textarea {...control} ref={bodyInput} rows={7} value={body()} onInput={(e) => setBody(e.currentTarget.value)} />
            <CharacterCount value={body()} max={TEMPLATE_LIMITS.body} />
          </>
        )}
      </Field>
    </FormDialog>
  );
}
