import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { createNow } from '../ui/clock';
import { Dialog } from '../ui/Dialog';
import { showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import { adjacentChat, arrangeChatList, flatChatOrder } from './chat-list-order';
import { ChatList } from './ChatList';
import { Conversation } from './Conversation';
import { matchShortcut, shortcuts } from './shortcuts';
import { KeyboardIcon } from '../ui/icons';
import { ErrorNotice } from '../ui/ErrorNotice';
import { takeNextInQueue } from './chat-data';

export function ChatsPage() {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const params = useParams<{ sessionId?: string }>();
  const [search] = useSearchParams<{ listen?: string }>();
  const navigate = useNavigate();
  const now = createNow(30_000);
  const [taking, setTaking] = createSignal(false);
  const [helpOpen, setHelpOpen] = createSignal(false);
  let conversationActions: { focusInput(): void; openInsert(): void; send(): void } | null = null;

  const inQueue = () => workspace.badges()?.incoming ?? 0;
  const order = () => flatChatOrder(arrangeChatList(workspace.myChats(), workspace.me()?.id));

  async function getNext() {
    if (taking()) return;
    setTaking(true);
    try {
      const next = await takeNextInQueue(client);
      if (next) {
        await workspace.refreshMyChats();
        navigate(`/chats/${next.id}`);
      } else showToast({ tone: 'info', message: 'Nobody is waiting in your channels right now.' });
    } catch (error) {
      showToast({ tone: 'error', message: `Could not take the next chat: ${errorMessage(error)}` });
    } finally {
      setTaking(false);
    }
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (document.querySelector('dialog[open]') && !helpOpen()) return;
    const shortcut = matchShortcut(event);
    if (!shortcut) return;
    event.preventDefault();
    if (shortcut === 'nextChat' || shortcut === 'previousChat') {
      const next = adjacentChat(order(), params.sessionId, shortcut === 'nextChat' ? 1 : -1);
      if (next) navigate(`/chats/${next}`);
    } else if (shortcut === 'focusInput') conversationActions?.focusInput();
    else if (shortcut === 'openInsert') conversationActions?.openInsert();
    else if (shortcut === 'nextInQueue') void getNext();
    else if (shortcut === 'help') setHelpOpen(true);
  };
  document.addEventListener('keydown', onKeyDown);
  onCleanup(() => document.removeEventListener('keydown', onKeyDown));

  return (
    <div class="chats-page">
      <aside class="chats-sidebar" aria-labelledby="chats-title">
        <header class="chats-sidebar-header">
          <div class="row row-between">
            <h1 id="chats-title">Chats</h1>
            <button type="button" class="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}>
              <KeyboardIcon />
            </button>
          </div>
          <div class="queue-box">
            <span class="queue-count" role="status" aria-live="polite">
              <strong>{inQueue()}</strong> in queue
            </span>
            <button
              type="button"
              class="button button-primary"
              disabled={taking() || inQueue() === 0}
              onClick={getNext}
              aria-keyshortcuts="Alt+N"
              title="Take the visitor who has waited longest (Alt+N)"
            >
              {taking() ? 'Taking…' : 'Get next in queue'}
            </button>
          </div>
        </header>
        <ErrorNotice error={workspace.myChatsError()} />
        <Show
          when={workspace.myChatsLoaded()}
          fallback={
            <div class="list-skeleton" role="status" aria-label="Loading your chats">
              <div class="skeleton-row" />
              <div class="skeleton-row" />
              <div class="skeleton-row" />
            </div>
          }
        >
          <ChatList chats={workspace.myChats()} meId={workspace.me()?.id} selectedId={params.sessionId} now={now()} />
        </Show>
      </aside>

      <Show
        when={params.sessionId}
        keyed
        fallback={
          <div class="conversation-empty">
            <h2>No chat open</h2>
            <p class="muted">Pick a chat on the left, or take the next visitor from the queue.</p>
            <p class="muted small">
              Press <kbd>?</kbd> for keyboard shortcuts.
            </p>
          </div>
        }
      >
        {(sessionId) => (
          <Show when={search.listen === '1' ? 'listen' : 'open'} keyed>
            {(mode) => <Conversation sessionId={sessionId} listen={mode === 'listen'} registerActions={(actions) => (conversationActions = actions)} />}
          </Show>
        )}
      </Show>

      <Show when={helpOpen()}>
        <Dialog title="Keyboard shortcuts" size="small" onClose={() => setHelpOpen(false)}>
          <table class="shortcut-table">
            <tbody>
              <For each={shortcuts}>
                {(shortcut) => (
                  <tr>
                    <td>
                      <For each={shortcut.keys}>
                        {(key, i) => (
                          <>
                            {i() > 0 && ' + '}
                            <kbd>{key}</kbd>
                          </>
                        )}
                      </For>
                    </td>
                    <td>{shortcut.description}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Dialog>
      </Show>
    </div>
  );
}
