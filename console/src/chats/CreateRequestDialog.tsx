import type { ApiError } from '@livechat/chat-client/errors';
import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { Dialog } from '../ui/Dialog';
import { visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import type { ConversationSession } from './operations';
import { ErrorNotice } from '../ui/ErrorNotice';
import { createRequestFromChat } from './chat-data';

const priorities = [
  ['LOW', 'Low'],
  ['NORMAL', 'Normal'],
  ['HIGH', 'High'],
  ['URGENT', 'Urgent'],
] as const;
type Priority = (typeof priorities)[number][0];

/** The request's title as the server would default it: the first line of the visitor's question. */
export function defaultRequestTitle(firstVisitorMessage: string): string {
  const line =
    firstVisitorMessage
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function CreateRequestDialog(props: {
  sessionId: string;
  session: ConversationSession;
  firstVisitorMessage: string;
  onClose(): void;
  onCreated(readyMessage: string): void;
}) {
  const { client } = useRuntime();
  const [title, setTitle] = createSignal(defaultRequestTitle(props.firstVisitorMessage) || `Chat with ${visitorLabel(props.session.visitor)}`);
  const [description, setDescription] = createSignal(props.firstVisitorMessage);
  const [priority, setPriority] = createSignal<Priority>('NORMAL');
  const [category, setCategory] = createSignal('');
  const [error, setError] = createSignal<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await createRequestFromChat(client, props.sessionId, {
        title: title().trim(),
        description: description().trim() || null,
        priority: priority(),
        category: category().trim() || null,
      });
      showToast({ tone: 'success', message: `Request ${result.request.displayNumber} created with the chat log attached.` });
      props.onCreated(result.readyMessage);
    } catch (caught) {
      setError({ message: errorMessage(caught), field: (caught as ApiError).field });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: string) => (error()?.field === field ? error()!.message : null);

  return (
    <Dialog title="Create request" description="A support request from this chat. The whole chat log is attached to it." onClose={props.onClose} size="large">
      <form class="stack" onSubmit={submit}>
        <dl class="facts">
          <div>
            <dt>Requester</dt>
            <dd>
              {visitorLabel(props.session.visitor)}
              <Show when={props.session.visitor.email}> · {props.session.visitor.email}</Show>
            </dd>
          </div>
          <div>
            <dt>Contact</dt>
            <dd>{props.session.contact?.name ?? <span class="muted">None linked (link one in the side panel first to attach it)</span>}</dd>
          </div>
          <div>
            <dt>Chat log</dt>
            <dd>Attached automatically</dd>
          </div>
        </dl>
        <label class="field">
          <span>Title</span>
          <input required maxLength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} aria-invalid={!!fieldError('title')} />
          <Show when={fieldError('title')}>
            <span class="field-error">{fieldError('title')}</span>
          </Show>
        </label>
        <label class="field">
          <span>Description</span>
          <textarea rows={5} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} aria-invalid={!!fieldError('description')} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>Priority</span>
            <select value={priority()} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
              {priorities.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>Category (optional)</span>
            <input maxLength={100} value={category()} onInput={(e) => setCategory(e.currentTarget.value)} placeholder="e.g. Billing" />
          </label>
        </div>
        <ErrorNotice error={!fieldError('title') && error()?.message} />
        <p class="muted small">After saving, a message with the request number is put in your reply box, ready to send to the visitor.</p>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy() || !title().trim()}>
            {busy() ? 'Creating…' : 'Create request'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
