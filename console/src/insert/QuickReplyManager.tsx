import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../api';
import type { InsertSource, QuickReplyItem } from './insert-source';
import { ErrorNotice } from '../ui/ErrorNotice';

/** Add, edit and delete my quick replies without leaving the conversation. */
export function QuickReplyManager(props: { source: InsertSource; quickReplies: QuickReplyItem[]; onChanged(list: QuickReplyItem[]): void; onDone(): void }) {
  const [editing, setEditing] = createSignal<string | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  async function save(id: string | 'new', name: string, content: string) {
    setError(null);
    try {
      if (id === 'new') {
        const created = await props.source.createQuickReply(name, content);
        props.onChanged([...props.quickReplies, created].sort((a, b) => a.name.localeCompare(b.name)));
      } else {
        const updated = await props.source.updateQuickReply(id, name, content);
        props.onChanged(props.quickReplies.map((q) => (q.id === id ? updated : q)));
      }
      setEditing(null);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function remove(id: string) {
    setError(null);
    try {
      await props.source.deleteQuickReply(id);
      props.onChanged(props.quickReplies.filter((q) => q.id !== id));
      setConfirmDelete(null);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <div class="quick-manager">
      <div class="quick-manager-header">
        <strong>My quick replies</strong>
        <span class="muted small">Only you see their names; only the text is sent.</span>
        <button type="button" class="button button-small" onClick={() => props.onDone()}>
          Done
        </button>
      </div>
      <ErrorNotice error={error()} />
      <Show when={props.quickReplies.length === 0 && editing() !== 'new'}>
        <p class="muted small">No quick replies yet. Add the texts you type again and again.</p>
      </Show>
      <ul class="quick-manager-list">
        <For each={props.quickReplies}>
          {(quick) => (
            <li>
              <Show
                when={editing() === quick.id}
                fallback={
                  <div class="quick-row">
                    <div class="insert-option-text">
                      <span class="insert-option-title">{quick.name}</span>
                      <span class="insert-option-preview">{quick.content}</span>
                    </div>
                    <Show
                      when={confirmDelete() === quick.id}
                      fallback={
                        <>
                          <button type="button" class="button button-small button-ghost" aria-label={`Edit ${quick.name}`} onClick={() => setEditing(quick.id)}>
                            Edit
                          </button>
                          <button
                            type="button"
                            class="button button-small button-ghost"
                            aria-label={`Delete ${quick.name}`}
                            onClick={() => setConfirmDelete(quick.id)}
                          >
                            Delete
                          </button>
                        </>
                      }
                    >
                      <span class="small">Delete?</span>
                      <button type="button" class="button button-small button-danger" onClick={() => remove(quick.id)}>
                        Delete
                      </button>
                      <button type="button" class="button button-small" onClick={() => setConfirmDelete(null)}>
                        Keep
                      </button>
                    </Show>
                  </div>
                }
              >
                <QuickReplyForm initial={quick} onSave={(name, content) => save(quick.id, name, content)} onCancel={() => setEditing(null)} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show
        when={editing() === 'new'}
        fallback={
          <button type="button" class="button button-small" onClick={() => setEditing('new')}>
            + New quick reply
          </button>
        }
      >
        <QuickReplyForm onSave={(name, content) => save('new', name, content)} onCancel={() => setEditing(null)} />
      </Show>
    </div>
  );
}

function QuickReplyForm(props: { initial?: QuickReplyItem; onSave(name: string, content: string): Promise<void>; onCancel(): void }) {
  const [name, setName] = createSignal(props.initial?.name ?? '');
  const [content, setContent] = createSignal(props.initial?.content ?? '');
  const [busy, setBusy] = createSignal(false);
  return (
    <form
      class="quick-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        await props.onSave(name().trim(), content().trim());
        setBusy(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <label class="field">
        <span>Name (private)</span>
        <input required maxLength={100} value={name()} onInput={(e) => setName(e.currentTarget.value)} autofocus />
      </label>
      <label class="field">
        <span>Text</span>
        <textarea required rows={3} maxLength={4000} value={content()} onInput={(e) => setContent(e.currentTarget.value)} />
      </label>
      <div class="row">
        <button type="submit" class="button button-primary button-small" disabled={busy() || !name().trim() || !content().trim()}>
          {props.initial ? 'Save' : 'Add quick reply'}
        </button>
        <button type="button" class="button button-small" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
