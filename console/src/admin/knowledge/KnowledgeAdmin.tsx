import { createEffect, createMemo, createResource, createSignal, For, on, Show, type JSX } from 'solid-js';
import { errorMessage } from '../../api';
import { showToast } from '../../ui/toasts';
import { AdminPageHeader } from '../AdminPageHeader';
import { ConfirmDialog } from '../dialogs';
import { FolderDialog } from './FolderDialog';
import { folderOptions, type FolderDialogState, type KnowledgeConfig } from './knowledge-admin';

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
