import { createEffect, createSignal, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { errorMessage, runMutation, runQuery } from '../api';
import { ContactPanel } from '../contacts/ContactPanel';
import { readFragment } from '../graphql';
import { InsertMenu } from '../insert/InsertMenu';
import { useRuntime } from '../runtime';
import { AcceptTransferMutation, RejectTransferMutation } from '../shell/operations';
import { visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import { followChatEvents } from './chat-events';
import { MessageFields } from './chat-fragments';
import { newClientMessageId } from '@livechat/chat-client/client-message-id';
import {
  AcceptQueuedChatMutation,
  CancelTransferMutation,
  ConversationFields,
  ConversationQuery,
  ConversationSummaryQuery,
  EndChatMutation,
  ListenMutation,
  MessagePageFields,
  OlderMessagesQuery,
  TakeOverMutation,
  type Loaded,
} from './operations';
import { Composer } from './Composer';
import { createConversationState, resumeCursor, type ConversationMode, type ServerMessage } from './conversation-state';
import { createConversationSender } from './conversation-sending';
import { createTypingSignal, markReadWhileShown } from './typing-and-read';
import { CreateRequestDialog } from './CreateRequestDialog';
import { getDraft, setDraft } from './drafts';
import { MessageList } from './MessageList';
import { TransferDialog } from './TransferDialog';
import { ConversationBanner } from './ConversationBanner';
import { ConversationHeader } from './ConversationHeader';
import { EndChatDialog } from './EndChatDialog';

export interface ConversationProps {
  sessionId: string;
  /** Opened from the Dashboard's ongoing list: read-only, and the agent is not told. */
  listen: boolean;
  /** Lets the Chats tab's shortcuts reach the input and the Insert menu. */
  registerActions?: (actions: { focusInput(): void; openInsert(): void; send(): void } | null) => void;
}

/** Loads a chat (or starts listening to it) and shows it; a failure offers to try again. */
export function Conversation(props: ConversationProps) {
  const { client } = useRuntime();
  const [loaded, setLoaded] = createSignal<Loaded>();
  const [error, setError] = createSignal<string | null>(null);

  async function load() {
    setError(null);
    try {
      const data = props.listen
        ? (await runMutation(client, ListenMutation, { sessionId: props.sessionId })).listenToChat
        : (await runQuery(client, ConversationQuery, { id: props.sessionId })).chatSession;
      setLoaded({ session: readFragment(ConversationFields, data), page: readFragment(MessagePageFields, data.messages) });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }
  onMount(() => void load());

  return (
    <Switch>
      <Match when={error()}>
        <div class="conversation-empty" role="alert">
          <h2>Could not open this chat</h2>
          <p class="muted">{error()}</p>
          <button type="button" class="button button-primary" onClick={load}>
            Try again
          </button>
        </div>
      </Match>
      <Match when={loaded()}>{(data) => <ConversationView {...props} initial={data()} />}</Match>
      <Match when={true}>
        <div class="conversation-empty" aria-busy="true">
          <div class="spinner" role="status" aria-label="Loading the conversation" />
        </div>
      </Match>
    </Switch>
  );
}

function ConversationView(props: ConversationProps & { initial: Loaded }) {
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
  const [dialog, setDialog] = createSignal<'transfer' | 'request' | 'end' | null>(null);
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
  const stop = followChatEvents(socket, props.sessionId, resumeCursor(props.initial.session.lastEventSeq, state.messages), {
    onEvent(event) {
      setStreamError(null);
      conversation.applyEvent(event);
      if (event.message?.systemType === 'REQUEST_CREATED') setCrmVersion((v) => v + 1);
      // VISITOR_UPDATED: the website identified the visitor (new details, or verified or not any more).
      if (['AGENT_JOINED', 'STATUS_CHANGED', 'CONTACT_LINKED', 'VISITOR_UPDATED'].includes(event.type) || event.type.startsWith('TRANSFER_'))
        void refreshSession();
      const transfer = event.transfer;
      if (event.type === 'TRANSFER_REJECTED' && transfer && transfer.fromAgent.id === meId())
        showToast({ tone: 'info', message: `${transfer.toAgent.displayName} declined the transfer. The chat stays with you.` });
      if (event.type === 'TRANSFER_ACCEPTED' && transfer && transfer.fromAgent.id === meId())
        showToast({ tone: 'success', message: `${transfer.toAgent.displayName} accepted the transfer. You can follow the chat read-only.` });
    },
    onError(message) {
      setStreamError(message);
    },
  });
  onCleanup(stop);

  // Typing indicators are live only; one that never got its "stopped" fades out.
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      () => [state.visitorTyping, state.agentTyping] as const,
      ([visitor, agent]) => {
        clearTimeout(typingTimer);
        if (visitor || agent)
          typingTimer = setTimeout(() => {
            conversation.stopTyping('VISITOR');
            conversation.stopTyping('AGENT');
          }, 8000);
      },
    ),
  );
  onCleanup(() => clearTimeout(typingTimer));

  async function refreshSession() {
    try {
      const data = await runQuery(client, ConversationSummaryQuery, { id: props.sessionId });
      const fresh = readFragment(ConversationFields, data.chatSession);
      setSession(fresh);
      conversation.setStatus(fresh.status);
    } catch {
      // Losing access (e.g. after a transfer) leaves the last known state on screen.
    }
  }
  // A reconnect may have missed changes that are not chat events (e.g. a transfer's note).
  createEffect(on(reconnects, () => void refreshSession(), { defer: true }));

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
    onRead: () => void workspace.refreshMyChats(),
  });

  // ── Older pages ─────────────────────────────────────────────────────────
  async function loadOlder() {
    if (loadingOlder() || !state.hasMore || !state.messages.length) return;
    setLoadingOlder(true);
    try {
      const data = await runQuery(client, OlderMessagesQuery, { id: props.sessionId, beforeCursor: state.messages[0]!.cursor });
      const page = readFragment(MessagePageFields, data.chatSession.messages);
      conversation.prependPage(page.messages.map((m) => readFragment(MessageFields, m)) as ServerMessage[], page.hasMore);
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
          onTakeOver={() => act(() => runMutation(client, TakeOverMutation, { sessionId: props.sessionId }), 'You took over the chat.')}
        />

        <ConversationBanner
          mode={mode()}
          session={session()}
          meId={meId()}
          busy={busy()}
          onAcceptQueued={() => act(() => runMutation(client, AcceptQueuedChatMutation, { sessionId: props.sessionId }), 'The chat is yours.')}
          onCancelTransfer={(id) => act(() => runMutation(client, CancelTransferMutation, { transferId: id }), 'Transfer cancelled.')}
          onAnswerTransfer={(id, accept) =>
            act(
              () =>
                accept ? runMutation(client, AcceptTransferMutation, { transferId: id }) : runMutation(client, RejectTransferMutation, { transferId: id }),
              accept ? 'The chat is yours.' : 'Transfer declined.',
            )
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

        <Show
          when={mode() === 'handling'}
          fallback={
            <p class="composer-disabled muted">
              {mode() === 'ended'
                ? 'This chat has ended. You can still create a request or link a contact.'
                : mode() === 'listening'
                  ? 'You are listening in. The agent and the visitor are not told.'
                  : mode() === 'transferred'
                    ? `This chat is now handled by ${session().agent?.displayName ?? 'another agent'}. You can follow it read-only.`
                    : mode() === 'offered'
                      ? 'Accept the transfer to reply.'
                      : 'Answer the chat to reply.'}
            </p>
          }
        >
          <div class="composer-wrap">
            <Show when={insertOpen()}>
              <InsertMenu
                sessionId={props.sessionId}
                onInsertText={insertIntoDraft}
                onSent={() => setInsertOpen(false)}
                onClose={() => {
                  setInsertOpen(false);
                  queueMicrotask(focusInput);
                }}
              />
            </Show>
            <Composer
              value={draft()}
              onInput={updateDraft}
              onSend={sendText}
              onFiles={sendFiles}
              onOpenInsert={() => setInsertOpen(!insertOpen())}
              insertOpen={insertOpen()}
              visitorName={visitorName()}
              ref={(el) => (input = el)}
            />
          </div>
        </Show>
        <Show when={dragging()}>
          <div class="drop-overlay" aria-hidden="true">
            Drop files to send them to {visitorName()}
          </div>
        </Show>
      </section>

      <ContactPanel sessionId={props.sessionId} session={session()} crmVersion={crmVersion()} onChanged={refreshSession} />

      <Show when={dialog() === 'transfer'}>
        <TransferDialog
          sessionId={props.sessionId}
          visitorName={visitorName()}
          onClose={() => setDialog(null)}
          onTransferred={() => {
            setDialog(null);
            void refreshSession();
            void workspace.refreshMyChats();
          }}
        />
      </Show>
      <Show when={dialog() === 'request'}>
        <CreateRequestDialog
          sessionId={props.sessionId}
          session={session()}
          firstVisitorMessage={state.messages.find((m) => m.authorKind === 'VISITOR')?.body ?? ''}
          onClose={() => setDialog(null)}
          onCreated={(readyMessage) => {
            setDialog(null);
            if (mode() === 'handling') {
              updateDraft(draft().trim() ? `${draft().trimEnd()}\n${readyMessage}` : readyMessage);
              queueMicrotask(focusInput);
            }
          }}
        />
      </Show>
      <Show when={dialog() === 'end'}>
        <EndChatDialog
          visitorName={visitorName()}
          busy={busy()}
          onClose={() => setDialog(null)}
          onEnd={() => {
            setDialog(null);
            void act(() => runMutation(client, EndChatMutation, { sessionId: props.sessionId }), 'Chat ended.');
          }}
        />
      </Show>
    </div>
  );
}
