import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { Dialog } from '../ui/Dialog';
import { initials } from '../ui/format';
import { showToast } from '../ui/toasts';
import { ErrorNotice } from '../ui/ErrorNotice';
import { loadTransferTargets, transferChat } from './chat-data';

/** Offer the chat to a Present member of its channel who can respond; it stays mine until accepted. */
export function TransferDialog(props: { sessionId: string; visitorName: string; onClose(): void; onTransferred(): void }) {
  const { client } = useRuntime();
  const [targets, { refetch }] = createResource(() => loadTransferTargets(client, props.sessionId));
  const [chosen, setChosen] = createSignal<string | null>(null);
  const [note, setNote] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const toAgentId = chosen();
    if (!toAgentId) return;
    setBusy(true);
    setError(null);
    try {
      await transferChat(client, props.sessionId, toAgentId, note().trim() || null);
      const target = targets()?.find((t) => t.id === toAgentId);
      showToast({ tone: 'info', message: `Transfer offered to ${target?.name ?? 'the agent'}. The chat stays yours until they accept.` });
      props.onTransferred();
    } catch (caught) {
      setError(errorMessage(caught));
      void refetch();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Transfer chat"
      description={`Offer the chat with ${props.visitorName} to a colleague who is Present and can respond in this channel.`}
      onClose={props.onClose}
    >
      <form onSubmit={submit} class="stack">
        <Show when={!targets.loading} fallback={<div class="spinner" role="status" aria-label="Loading colleagues" />}>
          <Show when={!targets.error} fallback={<ErrorNotice error={targets.error} />}>
            <Show
              when={(targets() ?? []).length > 0}
              fallback={
                <div class="empty-list">
                  <strong>Nobody can take this chat right now</strong>
                  <span class="muted">Only Present members of the channel who can respond are listed.</span>
                  <button type="button" class="button button-small" onClick={() => refetch()}>
                    Check again
                  </button>
                </div>
              }
            >
              <fieldset class="target-list">
                <legend class="sr-only">Transfer to</legend>
                <For each={targets()}>
                  {(agent) => (
                    <label class="target" classList={{ 'is-selected': chosen() === agent.id }}>
                      <input type="radio" name="target" value={agent.id} checked={chosen() === agent.id} onChange={() => setChosen(agent.id)} />
                      <span class="avatar avatar-small" aria-hidden="true">
                        {initials(agent.name)}
                      </span>
                      <span class="target-name">
                        {agent.name}
                        <Show when={agent.nickname}>
                          <span class="muted"> ({agent.nickname})</span>
                        </Show>
                      </span>
                      <span class="presence-dot is-present" aria-hidden="true" />
                      <span class="sr-only">Present</span>
                    </label>
                  )}
                </For>
              </fieldset>
            </Show>
          </Show>
        </Show>
        <label class="field">
          <span>Note for your colleague (optional)</span>
          <textarea rows={2} maxLength={500} value={note()} onInput={(e) => setNote(e.currentTarget.value)} placeholder="What they should know" />
        </label>
        <ErrorNotice error={error()} />
        <div class="dialog-actions">
          <button type="button" class="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={!chosen() || busy()}>
            {busy() ? 'Offering…' : 'Offer transfer'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
