import { createEffect, createMemo, createResource, createSignal, For, on, Show, type Component, type JSX } from 'solid-js';
import { ApiError, errorMessage } from '../../api';
import { showToast } from '../../ui/toasts';
import { AdminPageHeader } from '../AdminPageHeader';
import { ConfirmDialog, FormDialog } from '../dialogs';
import { Field, createFieldErrors, focusField } from '../forms';

export interface FolderNode {
  id: string;
  name: string;
  parent?: { id: string } | null;
}

export interface ItemPage<Item> {
  items: Item[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ItemEditorProps<Item> {
  /** null: a new item, filed in `folderId`. */
  item: Item | null;
  folderId: string | null;
  folders: FolderOption[];
  onClose(): void;
  onSaved(item: Item): void;
}

export interface FolderOption {
  id: string;
  path: string;
}

/** What differs between reply templates and FAQ; the page layout, folders, search and paging are shared. */
export interface KnowledgeConfig<Item extends { id: string }> {
  title: string;
  intro: string;
  /** "template", "entry". */
  noun: string;
  loadFolders(): Promise<FolderNode[]>;
  loadItems(folderId: string | null, after: string | null): Promise<ItemPage<Item>>;
  search(query: string, folderId: string | null): Promise<Item[]>;
  createFolder(name: string, parentId: string | null): Promise<unknown>;
  renameFolder(id: string, name: string): Promise<unknown>;
  moveFolder(id: string, parentId: string | null): Promise<unknown>;
  deleteFolder(id: string, deleteContents: boolean): Promise<unknown>;
  deleteItem(id: string): Promise<unknown>;
  itemTitle(item: Item): string;
  itemPreview(item: Item): string;
  itemFolderId(item: Item): string | null;
  itemTags?(item: Item): JSX.Element;
  Editor: Component<ItemEditorProps<Item>>;
}

export const MAX_FOLDER_NAME_LENGTH = 100;

/** Folders as "Parent / Child" paths, in tree order. */
export function folderOptions(folders: readonly FolderNode[]): FolderOption[] {
  const children = new Map<string | null, FolderNode[]>();
  for (const folder of folders) {
    const key = folder.parent?.id ?? null;
    children.set(key, [...(children.get(key) ?? []), folder]);
  }
  const result: FolderOption[] = [];
  const walk = (parentId: string | null, prefix: string, seen: Set<string>) => {
    for (const folder of [...(children.get(parentId) ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(folder.id)) continue;
      seen.add(folder.id);
      const path = prefix ? `${prefix} / ${folder.name}` : folder.name;
      result.push({ id: folder.id, path });
      walk(folder.id, path, seen);
    }
  };
  walk(null, '', new Set());
  return result;
}

/** The folder and every folder below it. */
function subtree(folders: readonly FolderNode[], rootId: string): Set<string> {
  const ids = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const f of folders)
      if (f.parent && ids.has(f.parent.id) && !ids.has(f.id)) {
        ids.add(f.id);
        grew = true;
      }
  }
  return ids;
}

/** The "Folder" select of an item editor; "" is no folder. */
export function FolderSelectField(props: { value: string; onChange(folderId: string): void; folders: FolderOption[]; error?: string; hint?: JSX.Element }) {
  return (
    <Field name="folderId" label="Folder" error={props.error} hint={props.hint}>
      {(control) => (
        <select {...control} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="">No folder</option>
          <For each={props.folders}>
            {(option) => (
              <option value={option.id} selected={option.id === props.value}>
                {option.path}
              </option>
            )}
          </For>
        </select>
      )}
    </Field>
  );
}

type FolderDialogState = { mode: 'create'; parentId: string | null } | { mode: 'rename' | 'move' | 'delete'; folder: FolderNode };

/** A two-pane admin page: a folder tree on the left, the items of the chosen folder (or a search) on the right. */
export function KnowledgeAdmin<Item extends { id: string }>(props: { config: KnowledgeConfig<Item> }) {
  const config = props.config;
  const [folders, { refetch: refetchFolders }] = createResource(() => config.loadFolders());
  // undefined: every item; a folder id: the items filed directly in it.
  const [selected, setSelected] = createSignal<string | undefined>(undefined);
  const [query, setQuery] = createSignal('');
  const [items, setItems] = createSignal<Item[]>([]);
  const [page, setPage] = createSignal<{ endCursor: string | null; hasNextPage: boolean }>({ endCursor: null, hasNextPage: false });
  const [loading, setLoading] = createSignal(false);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal<Item | 'new' | null>(null);
  const [deleting, setDeleting] = createSignal<Item | null>(null);
  const [folderDialog, setFolderDialog] = createSignal<FolderDialogState | null>(null);
  const options = createMemo(() => folderOptions(folders() ?? []));
  const folderById = (id: string | null | undefined) => (folders() ?? []).find((f) => f.id === id);
  const selectedFolder = () => folderById(selected());
  let searchTimer: ReturnType<typeof setTimeout> | undefined;

  async function load(append = false) {
    setLoading(true);
    setLoadError(null);
    const folderId = selected() ?? null;
    try {
      if (query().trim()) {
        setItems(await config.search(query().trim(), folderId));
        setPage({ endCursor: null, hasNextPage: false });
      } else {
        const result = await config.loadItems(folderId, append ? page().endCursor : null);
        setItems(append ? [...items(), ...result.items] : result.items);
        setPage({ endCursor: result.endCursor, hasNextPage: result.hasNextPage });
      }
    } catch (error) {
      setLoadError(errorMessage(error));
    } finally {
      setLoading(false);
    }
  }

  createEffect(on(selected, () => void load()));
  const onSearch = (value: string) => {
    setQuery(value);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void load(), 250);
  };

  async function removeItem(item: Item) {
    try {
      await config.deleteItem(item.id);
      setItems(items().filter((i) => i.id !== item.id));
      setDeleting(null);
      showToast({ tone: 'success', message: `“${config.itemTitle(item)}” deleted.` });
    } catch (error) {
      showToast({ tone: 'error', message: `Could not delete it: ${errorMessage(error)}` });
    }
  }

  function saved(item: Item, isNew: boolean) {
    setEditing(null);
    const inView = selected() === undefined || config.itemFolderId(item) === selected();
    const others = items().filter((i) => i.id !== item.id);
    setItems(inView ? (isNew ? [item, ...others] : items().map((i) => (i.id === item.id ? item : i))) : others);
    showToast({ tone: 'success', message: `“${config.itemTitle(item)}” saved.` });
  }

  const renderTree = (parentId: string | null): JSX.Element => (
    <For each={(folders() ?? []).filter((f) => (f.parent?.id ?? null) === parentId).sort((a, b) => a.name.localeCompare(b.name))}>
      {(folder) => (
        <li>
          <button type="button" class="folder-item" aria-current={selected() === folder.id} onClick={() => setSelected(folder.id)}>
            {folder.name}
          </button>
          <Show when={(folders() ?? []).some((f) => f.parent?.id === folder.id)}>
            <ul>{renderTree(folder.id)}</ul>
          </Show>
        </li>
      )}
    </For>
  );

  return (
    <div class="admin-page">
      <AdminPageHeader title={config.title} intro={config.intro}>
        <button type="button" class="button button-primary" onClick={() => setEditing('new')}>
          New {config.noun}
        </button>
      </AdminPageHeader>
      <div class="knowledge-layout">
        <nav class="folder-pane" aria-label="Folders">
          <Show when={!folders.error} fallback={<p class="notice notice-error">Could not load folders: {errorMessage(folders.error)}</p>}>
            <ul class="folder-tree">
              <li>
                <button type="button" class="folder-item" aria-current={selected() === undefined} onClick={() => setSelected(undefined)}>
                  All {config.noun === 'entry' ? 'entries' : `${config.noun}s`}
                </button>
              </li>
              {renderTree(null)}
            </ul>
          </Show>
          <div class="folder-actions">
            <button type="button" class="button button-small" onClick={() => setFolderDialog({ mode: 'create', parentId: selected() ?? null })}>
              {selectedFolder() ? 'New subfolder' : 'New folder'}
            </button>
            <Show when={selectedFolder()}>
              {(folder) => (
                <>
                  <button type="button" class="button button-small" onClick={() => setFolderDialog({ mode: 'rename', folder: folder() })}>
                    Rename
                  </button>
                  <button type="button" class="button button-small" onClick={() => setFolderDialog({ mode: 'move', folder: folder() })}>
                    Move
                  </button>
                  <button type="button" class="button button-small button-ghost" onClick={() => setFolderDialog({ mode: 'delete', folder: folder() })}>
                    Delete
                  </button>
                </>
              )}
            </Show>
          </div>
        </nav>
        <section aria-label={selectedFolder() ? `In ${selectedFolder()!.name}` : `All ${config.noun}s`}>
          <div class="items-toolbar">
            <input
              type="search"
              aria-label={`Search ${config.noun === 'entry' ? 'entries' : `${config.noun}s`}`}
              placeholder="Search…"
              value={query()}
              onInput={(e) => onSearch(e.currentTarget.value)}
            />
            <span class="muted small" role="status" aria-live="polite">
              {loading() ? 'Loading…' : `${items().length}${page().hasNextPage ? '+' : ''} shown`}
            </span>
          </div>
          <Show when={loadError()}>
            <p class="notice notice-error" role="alert">
              {loadError()}{' '}
              <button type="button" class="button button-small" onClick={() => void load()}>
                Try again
              </button>
            </p>
          </Show>
          <Show
            when={items().length > 0}
            fallback={
              <Show when={!loading() && !loadError()}>
                <p class="empty-note">{query().trim() ? 'Nothing matches.' : `No ${config.noun === 'entry' ? 'entries' : `${config.noun}s`} here yet.`}</p>
              </Show>
            }
          >
            <table class="admin-table knowledge-table">
              <tbody>
                <For each={items()}>
                  {(item) => (
                    <tr>
                      <th scope="row">
                        <button type="button" class="link-button" onClick={() => setEditing(() => item)}>
                          {config.itemTitle(item)}
                        </button>
                        {config.itemTags?.(item)}
                        <span class="item-preview">{config.itemPreview(item)}</span>
                      </th>
                      <td class="muted small">{options().find((o) => o.id === config.itemFolderId(item))?.path ?? 'No folder'}</td>
                      <td class="actions-cell">
                        <button aria-label={`Edit ${config.itemTitle(item)}`} type="button" class="button button-small" onClick={() => setEditing(() => item)}>
                          Edit
                        </button>
                        <button
                          aria-label={`Delete ${config.itemTitle(item)}`}
                          type="button"
                          class="button button-small button-ghost"
                          onClick={() => setDeleting(() => item)}
                        >
                          Delete
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
          <Show when={page().hasNextPage}>
            <button type="button" class="button" disabled={loading()} onClick={() => void load(true)}>
              Show more
            </button>
          </Show>
        </section>
      </div>

      <Show when={editing()} keyed>
        {(target) => (
          <config.Editor
            item={target === 'new' ? null : target}
            folderId={selected() ?? null}
            folders={options()}
            onClose={() => setEditing(null)}
            onSaved={(item) => saved(item, target === 'new')}
          />
        )}
      </Show>
      <Show when={deleting()} keyed>
        {(item) => (
          <ConfirmDialog
            title={`Delete “${config.itemTitle(item)}”?`}
            description="This cannot be undone."
            confirmLabel="Delete"
            onConfirm={() => void removeItem(item)}
            onClose={() => setDeleting(null)}
          >
            <p class="item-preview">{config.itemPreview(item)}</p>
          </ConfirmDialog>
        )}
      </Show>
      <Show when={folderDialog()} keyed>
        {(state) => (
          <FolderDialog
            state={state}
            config={config}
            folders={folders() ?? []}
            onClose={() => setFolderDialog(null)}
            onDone={(message, removedIds) => {
              setFolderDialog(null);
              showToast({ tone: 'success', message });
              if (removedIds?.includes(selected() ?? '')) setSelected(undefined);
              void refetchFolders();
              void load();
            }}
          />
        )}
      </Show>
    </div>
  );
}

function FolderDialog<Item extends { id: string }>(props: {
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
