import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { FormDialog } from '../dialogs';
import { CharacterCount, Checkbox, Field } from '../forms';
import { createFieldErrors, focusField } from '../field-errors';
import { FolderSelectField } from './FolderSelectField';
import { KnowledgeAdmin } from './KnowledgeAdmin';
import type { ItemEditorProps, KnowledgeConfig } from './knowledge-admin';
import { faqServerCalls, saveFaqEntry } from './knowledge-data';
import type { FaqEntry } from './operations';

export const FAQ_LIMITS = { question: 500, answer: 3000 } as const;

export function FaqAdminPage() {
  const { client } = useRuntime();
  const config: KnowledgeConfig<FaqEntry> = {
    title: 'FAQ',
    intro: 'Questions and answers agents can send, and channels suggest to visitors. Only published entries reach visitors.',
    noun: 'entry',
    ...faqServerCalls(client),
    itemTitle: (e) => e.question,
    itemPreview: (e) => e.answer,
    itemFolderId: (e) => e.folder?.id ?? null,
    itemTags: (e) => (e.published ? <span class="tag tag-success">Published</span> : <span class="tag tag-muted">Draft</span>),
    Editor: FaqEntryEditor,
  };
  return <KnowledgeAdmin config={config} />;
}

function FaqEntryEditor(props: ItemEditorProps<FaqEntry>) {
  const { client } = useRuntime();
  const [question, setQuestion] = createSignal(props.item?.question ?? '');
  const [answer, setAnswer] = createSignal(props.item?.answer ?? '');
  const [folderId, setFolderId] = createSignal(props.item ? (props.item.folder?.id ?? '') : (props.folderId ?? ''));
  const [published, setPublished] = createSignal(props.item?.published ?? false);
  const [busy, setBusy] = createSignal(false);
  const [general, setGeneral] = createSignal<string | null>(null);
  const errors = createFieldErrors();
  let formElement!: HTMLFormElement;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!question().trim()) problems.question = 'Enter the question.';
    else if (question().trim().length > FAQ_LIMITS.question) problems.question = `At most ${FAQ_LIMITS.question} characters.`;
    if (!answer().trim()) problems.answer = 'Enter the answer.';
    else if (answer().length > FAQ_LIMITS.answer) problems.answer = `At most ${FAQ_LIMITS.answer} characters.`;
    errors.replace(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusField(formElement, Object.keys(problems)[0]);
    setBusy(true);
    try {
      const saved = await saveFaqEntry(client, props.item, { question: question().trim(), answer: answer(), published: published() }, folderId());
      props.onSaved(saved);
    } catch (error) {
      if (errors.placeApiError(error, ['question', 'answer', 'folderId', 'published'])) focusField(formElement, errors.fields()[0]);
      else setGeneral(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title={props.item ? 'Edit FAQ entry' : 'New FAQ entry'}
      size="large"
      onClose={props.onClose}
      submitLabel="Save entry"
      busy={busy()}
      error={general()}
      onSubmit={submit}
      formRef={(form) => (formElement = form)}
    >
      <Field name="question" label="Question" required error={errors.get('question')} hint="As a visitor would ask it.">
        {(control) => (
          <>
            <input {...control} type="text" value={question()} onInput={(e) => setQuestion(e.currentTarget.value)} />
            <CharacterCount value={question()} max={FAQ_LIMITS.question} />
          </>
        )}
      </Field>
      <Field name="answer" label="Answer" required error={errors.get('answer')} hint="Plain text; line breaks are kept.">
        {(control) => (
          <>
            <textarea {...control} rows={8} value={answer()} onInput={(e) => setAnswer(e.currentTarget.value)} />
            <CharacterCount value={answer()} max={FAQ_LIMITS.answer} />
          </>
        )}
      </Field>
      <FolderSelectField
        value={folderId()}
        onChange={setFolderId}
        folders={props.folders}
        error={errors.get('folderId')}
        hint="Channels suggest entries from their FAQ folder; an entry in no folder is never suggested."
      />
      <Checkbox
        label="Published"
        hint="Visitors see published entries as suggestions and on their public page; drafts stay internal."
        checked={published()}
        onChange={setPublished}
        data-field="published"
      />
      <Show when={props.item?.pageUrl && props.item.published}>
        <p class="field-hint">
          Public page:{' '}
          <a href={props.item!.pageUrl!} target="_blank" rel="noopener">
            {props.item!.pageUrl}
          </a>
        </p>
      </Show>
    </FormDialog>
  );
}
