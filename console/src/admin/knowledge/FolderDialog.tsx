import { ApiError } from '@livechat/chat-client/errors';
import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { FormDialog } from '../dialogs';
import { Field } from '../forms';
import { createFieldErrors, focusField } from '../field-errors';
import { folderOptions, subtree, MAX_FOLDER_NAME_LENGTH, type FolderDialogState, type FolderNode, type KnowledgeConfig } from './knowledge-admin';

export function FolderDialog<Item extends { id: string }>(props: {
  state: FolderDialogState;
  config: KnowledgeConfig<Item>;
  folders: FolderNode[];
  onClose(): void;
  onDone(message: string, removedIds?: string[]): void;
}) {
  const state = props.state;
  const [name, setName] = createSignal(state.mode === 'rename' ? state.folder.name : '');
  const [parentId, setParentId] = createSignal(state.mode === 'move' ? (state.folder.parent?.id ?? '') : '');
  const [busy, setBusy] = createSignal(false);
  const [needsContents, setNeedsContents] = createSignal(false);
  const [general, setGeneral] = createSignal<string | null>(null);
  const errors = createFieldErrors();
  let formElement!: HTMLFormElement;
  const targets = () => {
    if (state.mode !== 'move') return [];
    const excluded = subtree(props.folders, state.folder.id);
    return folderOptions(props.folders).filter((o) => !excluded.has(o.id));
  };
  const title =
    state.mode === 'create'
      ? state.parentId
        ? `New folder in ${props.folders.find((f) => f.id === state.parentId)?.name ?? ''}`
        : 'New folder'
      : state.mode === 'rename'
        ? `Rename ${state.folder.name}`
        : state.mode === 'move'
          ? `Move ${state.folder.name}`
          : `Delete ${state.folder.name}?`;

  async function submit(event?: SubmitEvent) {
    event?.preventDefault();
    setGeneral(null);
    if (state.mode === 'create' || state.mode === 'rename') {
      const trimmed = name().trim();
      if (!trimmed || trimmed.length > MAX_FOLDER_NAME_LENGTH) {
        errors.set('name', trimmed ? `At most ${MAX_FOLDER_NAME_LENGTH} characters.` : 'Enter a name.');
        return focusField(formElement, 'name');
      }
    }
    setBusy(true);
    try {
      if (state.mode === 'create') {
        await props.config.createFolder(name().trim(), state.parentId);
        props.onDone(`Folder ${name().trim()} created.`);
      } else if (state.mode === 'rename') {
        await props.config.renameFolder(state.folder.id, name().trim());
        props.onDone(`Folder renamed to ${name().trim()}.`);
      } else if (state.mode === 'move') {
        await props.config.moveFolder(state.folder.id, parentId() || null);
        props.onDone(`${state.folder.name} moved.`);
      } else {
        await props.config.deleteFolder(state.folder.id, needsContents());
        props.onDone(`${state.folder.name} deleted.`, [...subtree(props.folders, state.folder.id)]);
      }
    } catch (error) {
      if (state.mode === 'delete' && error instanceof ApiError && error.code === 'CONFLICT') {
        setNeedsContents(true);
        setGeneral(`${error.message.replace(/^deleteContents: /, '')}`);
      } else if (!errors.placeApiError(error, ['name', 'parentId'])) setGeneral(errorMessage(error));
      else focusField(formElement, errors.fields()[0]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title={title}
      size="small"
      role={state.mode === 'delete' ? 'alertdialog' : 'dialog'}
      submitLabel={
        state.mode === 'delete' ? (needsContents() ? 'Delete folder and everything in it' : 'Delete folder') : state.mode === 'move' ? 'Move' : 'Save'
      }
      danger={state.mode === 'delete'}
      busy={busy()}
      onSubmit={submit}
      onClose={props.onClose}
      formRef={(form) => (formElement = form)}
    >
      <Show when={state.mode === 'create' || state.mode === 'rename'}>
        <Field name="name" label="Folder name" required error={errors.get('name')} hint="Unique among its neighbours.">
          {(control) => <input {...control} type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
      </Show>
      <Show when={state.mode === 'move'}>
        <Field name="parentId" label="Move into" error={errors.get('parentId')}>
          {(control) => (
            <select {...control} value={parentId()} onChange={(e) => setParentId(e.currentTarget.value)}>
              <option value="">Top level</option>
              <For each={targets()}>
                {(option) => (
                  <option value={option.id} selected={option.id === parentId()}>
                    {option.path}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
      </Show>
      <Show when={state.mode === 'delete' && !needsContents()}>
        <p>An empty folder is simply removed. If it holds anything, you will be asked again.</p>
      </Show>
      <Show when={general()}>
        <p class={`notice ${needsContents() ? 'notice-warning' : 'notice-error'}`} role="alert">
          {general()}
          {needsContents() ? ' Deleting it removes its subfolders and everything filed in them.' : ''}
        </p>
      </Show>
    </FormDialog>
  );
}
