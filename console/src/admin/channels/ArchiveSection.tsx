import { ApiError } from '@livechat/chat-client/errors';
import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { showToast } from '../../ui/toasts';
import { ConfirmDialog } from '../dialogs';
import { deleteChannel, setChannelArchived } from './channel-data';

export function ArchiveSection(props: { channelId: string; name: string; archived: boolean; onArchivedChange(archivedAt: string | null): void }) {
  const { client } = useRuntime();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  const [deleteError, setDeleteError] = createSignal<{ message: string; hasChats: boolean } | null>(null);

  async function setArchived(archived: boolean) {
    setBusy(true);
    try {
      props.onArchivedChange(await setChannelArchived(client, props.channelId, archived));
      setConfirmDelete(false);
      showToast({ tone: 'success', message: archived ? `${props.name} archived: it takes no new chats.` : `${props.name} restored: it takes chats again.` });
    } catch (error) {
      showToast({ tone: 'error', message: `Could not ${archived ? 'archive' : 'restore'} ${props.name}: ${errorMessage(error)}` });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setDeleteError(null);
    try {
      await deleteChannel(client, props.channelId);
      showToast({ tone: 'success', message: `${props.name} deleted.` });
      navigate('/admin/channels', { replace: true });
    } catch (error) {
      const hasChats = error instanceof ApiError && error.code === 'CONFLICT';
      setDeleteError({ message: errorMessage(error), hasChats });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="admin-section danger-zone" id="archive" tabindex="-1" aria-labelledby="archive-title">
      <header class="admin-section-header">
        <h3 id="archive-title">Archive or delete</h3>
        <p class="muted">
          Archiving stops new chats and keeps the history; open chats can still be finished. Only a channel that never had a chat can be deleted.
        </p>
      </header>
      <div class="admin-section-body row">
        <Show
          when={props.archived}
          fallback={
            <button type="button" class="button" disabled={busy()} onClick={() => void setArchived(true)}>
              Archive channel
            </button>
          }
        >
          <button type="button" class="button button-primary" disabled={busy()} onClick={() => void setArchived(false)}>
            Restore channel
          </button>
        </Show>
        <button
          type="button"
          class="button button-danger"
          disabled={busy()}
          onClick={() => {
            setDeleteError(null);
            setConfirmDelete(true);
          }}
        >
          Delete channel…
        </button>
      </div>
      <Show when={confirmDelete()}>
        <ConfirmDialog
          title={`Delete ${props.name}?`}
          description="This cannot be undone. The embed snippet stops working."
          confirmLabel="Delete"
          busy={busy()}
          onConfirm={() => void remove()}
          onClose={() => setConfirmDelete(false)}
          action={
            deleteError()?.hasChats && !props.archived ? (
              <button type="button" class="button button-primary" disabled={busy()} onClick={() => void setArchived(true)}>
                Archive instead
              </button>
            ) : undefined
          }
        >
          <Show when={deleteError()} fallback={<p>Members lose the channel; reply templates and FAQ are not affected.</p>}>
            <p class="notice notice-error" role="alert">
              {deleteError()!.message}
            </p>
          </Show>
        </ConfirmDialog>
      </Show>
    </section>
  );
}
