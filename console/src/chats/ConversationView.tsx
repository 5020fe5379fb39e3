import { createSignal, onCleanup, Show } from 'solid-js';
import { newClientMessageId } from '@livechat/chat-client/client-message-id';
import { errorMessage } from '../api';
import { ContactPanel } from '../contacts/ContactPanel';
import { useRuntime } from '../runtime';
import { acceptTransfer, rejectTransfer } from '../shell/shell-data';
import { visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import { readFragment } from '../graphql';
import { useWorkspace } from '../workspace';
import { MessageFields } from './chat-fragments';
import { acceptQueuedChat, cancelTransfer, endChat, loadOlderMessages, takeOverChat } from './chat-data';
import type { Loaded } from './operations';
import { createConversationState, type ConversationDialog, type ConversationMode, type ServerMessage } from './conversation-state';
import { followConversation } from './conversation-live';
import { createConversationSender } from './conversation-sending';
import { createTypingSignal, markReadWhileShown } from './typing-and-read';
import { getDraft, setDraft } from './drafts';
import { MessageList } from './MessageList';
import { ConversationBanner } from './ConversationBanner';
import { ConversationDialogs } from './ConversationDialogs';
import { ConversationHeader } from './ConversationHeader';
import { ConversationReplyArea } from './ConversationReplyArea';

interface ConversationViewProps {
  /** The chat as first loaded. */
  initial: Loaded;
  sessionId: string;
  /** Opened from the Dashboard's ongoing list: read-only, and the agent is not told. */
  listen: boolean;
  /** Lets the Chats tab's shortcuts reach the input and the Insert menu. */
  registerActions?: (actions: { focusInput(): void; openInsert(): void; send(): void } | null) => void;
}

/** An open chat: the live conversation, the reply area, the contact panel and the dialogs. */
export function ConversationView(props: ConversationViewProps) {
  const { client, socket, reconnects } = useRuntime();
  const workspace = useWorkspace();
  const [session, setSession] = createSignal(props.initial.session);
  const conversation = createConversationState({
    messages: props.initial.page.messages.map((m) => readFragment(MessageFields, m)),
    hasMore: props.initial.page.hasMore,
    status: props.initial.session.status,
    visitorReadCursor: props.initial.session.visitorReadCursor,
    agentReadCursor: props.initial.session.agentReadCursor,
  });
  const state = conversation.state;
  const [draft, setDraftSignal] = createSignal(getDraft(props.sessionId));
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [streamError, setStreamError] = createSignal<string | null>(null);
  const [dialog, setDialog] = createSignal<ConversationDialog | null>(null);
  const [insertOpen, setInsertOpen] = createSignal(false);
  const [dragging, setDragging] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  /** On narrow screens the contact panel is an overlay, opened from the header. */
  const [panelOpen, setPanelOpen] = createSignal(false);
  /** Bumped when the contact's records may have changed (a request was created from this chat). */
  const [crmVersion, setCrmVersion] = createSignal(0);
  let input: HTMLTextAreaElement | undefined;

  const meId = () => workspace.me()?.id;
  const visitorName = () => visitorLabel(session().visitor);
  const mode = (): ConversationMode => {
    const s = session();
    const status = state.status;
    if (status === 'QUEUED') return 'queued';
    if (status === 'ACTIVE' && s.agent?.id === meId()) return 'handling';
    if (s.pendingTransfer && s.pendingTransfer.toAgent.id === meId()) return 'offered';
    if (status === 'ACTIVE') return props.listen ? 'listening' : 'transferred';
    return 'ended';
  };
  const membership = () => workspace.membership(session().channel.id);
  const isManager = () => workspace.me()?.role === 'ADMIN' || !!membership()?.isManager;

  // Live events, resumed from the last cursor after any reconnect.
  const { refreshSession } = followConversation({
    client,
    socket,
    reconnects,
    sessionId: props.sessionId,
    initialSession: props.initial.session,
    conversation,
    meId,
    setSession,
    onStreamError: setStreamError,
    onCrmChanged: () => setCrmVersion((v) => v + 1),
  });

  // ── Sending ──────────────────────────────────────────────────────────────
  const { deliver, persistOutbox, sendFiles } = createConversationSender({
    client,
    sessionId: props.sessionId,
    conversation,
    meId,
    mode,
    agentName: () => session().agent?.displayName,
    reconnects,
  });

  function sendText() {
    const body = draft().trim();
    if (!body) return;
    const clientMessageId = newClientMessageId();
    conversation.addOutgoing({ clientMessageId, body, createdAt: new Date().toISOString() });
    persistOutbox();
    updateDraft('');
    stopTypingSignal();
    void deliver(clientMessageId);
  }

  // ── Typing, read receipts ───────────────────────────────────────────────
  const typing = createTypingSignal(client, props.sessionId);
  const stopTypingSignal = typing.stop;
  function updateDraft(value: string) {
    setDraftSignal(value);
    setDraft(props.sessionId, value);
    if (mode() !== 'handling') return;
    typing.typed(value);
  }
  markReadWhileShown({
    client,
    sessionId: props.sessionId,
    conversation,
    handling: () => mode() === 'handling',
  });

  // ── Older pages ─────────────────────────────────────────────────────────
  async function loadOlder() {
    if (loadingOlder() || !state.hasMore || !state.messages.length) return;
    setLoadingOlder(true);
    try {
      const page = await loadOlderMessages(client, props.sessionId, state.messages[0]!.cursor);
      conversation.prependPage(page.messages as ServerMessage[], page.hasMore);
    } catch (caught) {
      showToast({ tone: 'error', message: `Could not load earlier messages: ${errorMessage(caught)}` });
    } finally {
      setLoadingOlder(false);
    }
  }

  // ── Actions ─────────────────────────────────────────────────────────────
  async function act(run: () => Promise<unknown>, success?: string) {
    setBusy(true);
    try {
      await run();
      if (success) showToast({ tone: 'success', message: success });
      await refreshSession();
      void workspace.refreshMyChats();
    } catch (caught) {
      showToast({ tone: 'error', message: errorMessage(caught) });
    } finally {
      setBusy(false);
    }
  }

  const focusInput = () => input?.focus();
  props.registerActions?.({
    focusInput,
    openInsert: () => mode() === 'handling' && setInsertOpen(true),
    send: () => mode() === 'handling' && sendText(),
  });
  onCleanup(() => props.registerActions?.(null));

  function insertIntoDraft(text: string) {
    const current = draft();
    const el = input;
    if (el && document.activeElement === el && el.selectionStart !== null) {
      const next = current.slice(0, el.selectionStart) + text + current.slice(el.selectionEnd ?? el.selectionStart);
      updateDraft(next);
    } else updateDraft(current.trim() ? `${current.trimEnd()} ${text}` : text);
    setInsertOpen(false);
    queueMicrotask(focusInput);
  }

  return (
    <div class="conversation-layout" classList={{ 'panel-open': panelOpen() }}>
      <section
        class="conversation"
        classList={{ 'is-dragging': dragging() }}
        aria-labelledby="conversation-title"
        onDragOver={(e) => {
          if (mode() === 'handling' && e.dataTransfer?.types.includes('Files')) {
            e.preventDefault();
            setDragging(true);
          }
        }}
        onDragLeave={(e) => {
          if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) setDragging(false);
        }}
        onDrop={(e) => {
          setDragging(false);
          const files = [...(e.dataTransfer?.files ?? [])];
          if (files.length && mode() === 'handling') {
            e.preventDefault();
            sendFiles(files);
          }
        }}
      >
        <ConversationHeader
          session={session()}
          mode={mode()}
          status={state.status}
          busy={busy()}
          isManager={isManager()}
          panelOpen={panelOpen()}
          onTogglePanel={() => setPanelOpen(!panelOpen())}
          onOpenDialog={setDialog}
          onTakeOver={() => act(() => takeOverChat(client, props.sessionId), 'You took over the chat.')}
        />

        <ConversationBanner
          mode={mode()}
          session={session()}
          meId={meId()}
          busy={busy()}
          onAcceptQueued={() => act(() => acceptQueuedChat(client, props.sessionId), 'The chat is yours.')}
          onCancelTransfer={(id) => act(() => cancelTransfer(client, id), 'Transfer cancelled.')}
          onAnswerTransfer={(id, accept) =>
            act(() => (accept ? acceptTransfer(client, id) : rejectTransfer(client, id)), accept ? 'The chat is yours.' : 'Transfer declined.')
          }
        />
        <Show when={streamError()}>
          <p class="notice notice-error conversation-notice" role="alert">
            Live updates stopped: {streamError()}{' '}
            <button type="button" class="link-button" onClick={() => window.location.reload()}>
              Reload
            </button>
          </p>
        </Show>

        <MessageList
          state={state}
          visitorName={visitorName()}
          loadingOlder={loadingOlder()}
          onLoadOlder={loadOlder}
          onRetry={(id) => void deliver(id)}
          onDiscard={(id) => {
            conversation.discardOutgoing(id);
            persistOutbox();
          }}
        />

        <ConversationReplyArea
          mode={mode()}
          sessionId={props.sessionId}
          agentName={session().agent?.displayName}
          visitorName={visitorName()}
          draft={draft()}
          insertOpen={insertOpen()}
          onInsertOpenChange={setInsertOpen}
          onInput={updateDraft}
          onSend={sendText}
          onFiles={sendFiles}
          onInsertText={insertIntoDraft}
          focusInput={focusInput}
          inputRef={(el) => (input = el)}
        />
        <Show when={dragging()}>
          <div class="drop-overlay" aria-hidden="true">
            Drop files to send them to {visitorName()}
          </div>
        </Show>
      </section>

      <ContactPanel sessionId={props.sessionId} session={session()} crmVersion={crmVersion()} onChanged={refreshSession} />

      <ConversationDialogs
        open={dialog()}
        sessionId={props.sessionId}
        session={session()}
        visitorName={visitorName()}
        firstVisitorMessage={state.messages.find((m) => m.authorKind === 'VISITOR')?.body ?? ''}
        busy={busy()}
        onClose={() => setDialog(null)}
        onTransferred={() => {
          setDialog(null);
          void refreshSession();
          void workspace.refreshMyChats();
        }}
        onRequestCreated={(readyMessage) => {
          setDialog(null);
          if (mode() === 'handling') {
            updateDraft(draft().trim() ? `${draft().trimEnd()}\n${readyMessage}` : readyMessage);
            queueMicrotask(focusInput);
          }
        }}
        onEnd={() => {
          setDialog(null);
          void act(() => endChat(client, props.sessionId), 'Chat ended.');
        }}
      />
    </div>
  );
}
