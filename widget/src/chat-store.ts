import { backoffMs } from '@livechat/chat-client/backoff';
import { followChatEventLog } from '@livechat/chat-client/chat-event-follower';
import { newClientMessageId } from '@livechat/chat-client/client-message-id';
import { ApiError, apiErrorFromGraphql, type ErrorCode } from '@livechat/chat-client/errors';
import { WS_UNAUTHENTICATED } from '@livechat/chat-client/socket';
import type { Client as WsClient } from 'graphql-ws';
import { batch, createEffect, createSignal, onCleanup } from 'solid-js';
import type { VisitorPrefill } from './embed-options';
import type { ResultOf, TypedText, VariablesOf } from './graphql';
import type { GraphqlClient } from './graphql-client';
import { fill, type Strings } from './i18n';
import * as ops from './operations';
import { onStoredChange, readStored, writeStored } from './storage';
import { uploadFile } from './upload';

/** The channel as the widget shows it. */
export type WidgetChannel = ResultOf<typeof ops.WIDGET_CHANNEL>['widgetChannel'];
/** A stored message as the server sends it. */
type MessageData = ResultOf<typeof ops.SEND_MESSAGE>['sendMessage'];
export type Participant = NonNullable<MessageData['author']>;
export type Attachment = MessageData['attachments'][number];
type ChatEventData = ResultOf<typeof ops.CHAT_EVENTS>['chatEvents'];

/**
 * One row of the conversation: a stored message as the server sends it, a line the widget writes
 * from an event (LINE: an agent joined), or the visitor's own message on its way.
 */
export interface ChatItem {
  /** The message id; the clientMessageId while unconfirmed; `e<cursor>` for a LINE. */
  id: string;
  /** Place in the chat's event log; absent while the visitor's message is being sent. */
  cursor?: number;
  authorKind: 'VISITOR' | 'AGENT' | 'SYSTEM' | 'LINE';
  systemType?: string | null;
  body: string;
  createdAt: string;
  author?: Participant | null;
  attachments?: Attachment[];
  clientMessageId?: string | null;
  /** Only on the visitor's own unconfirmed messages. */
  state?: 'sending' | 'failed';
  /** Why it failed, shown with the retry button. */
  error?: string;
  /** Upload progress 0–1, for a file on its way. */
  progress?: number;
  file?: File;
  /** Local object URL of an image being uploaded. */
  preview?: string;
}

export type QueueState = ResultOf<typeof ops.QUEUE_STATUS>['queueStatus'];

const AGENT_CHANGE_TYPES = ['TRANSFERRED', 'TAKEN_OVER'];
/** Lines the visitor caused themselves are never "unread". */
const OWN_SYSTEM_TYPES = ['CLOSED_BY_VISITOR', 'REOPENED'];
const TYPING_TIMEOUT_MS = 8000;
/** Answers that mean the stored chat or token is gone for good; anything else (a server error, a rate limit) passes. */
const GONE: ErrorCode[] = ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'];
/** 1 s, 2 s, 4 s … up to 30 s. */
const backoff = (attempt: number) => backoffMs(attempt, 1000, 30_000);

export interface ChatStoreOptions {
  channelId: string;
  endpoint: string;
  client: GraphqlClient;
  socket: WsClient;
  /** The visitor token: shared by every channel of this API on the site. */
  tokenKey: string;
  config: () => WidgetChannel | undefined;
  t: () => Strings;
}

/**
 * The visitor's side of one channel: the session (kept in localStorage so a reload or another
 * page of the site resumes it, and shared with other tabs), its conversation rebuilt from the
 * chat's event log, and every action the widget can take. Must be created under a Solid owner.
 */
export function createChatStore(options: ChatStoreOptions) {
  const { channelId, client, socket } = options;
  const sessionKey = `session:${channelId}`;
  let memoryToken: string | null = null;

  const [sessionId, setSessionId] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal<string | null>(null);
  const [agent, setAgent] = createSignal<Participant | null>(null);
  const [items, setItems] = createSignal<ChatItem[]>([]);
  const [agentTyping, setAgentTyping] = createSignal(false);
  const [visitorReadCursor, setVisitorReadCursor] = createSignal(0);
  const [agentReadCursor, setAgentReadCursor] = createSignal(0);
  const [rated, setRated] = createSignal(false);
  const [queue, setQueue] = createSignal<QueueState | null>(null);
  /** 0 while the socket is up; else the code it closed with (WS_TOO_MANY_REQUESTS: the server is limiting us). */
  const [closeCode, setCloseCode] = createSignal(0);

  const getToken = () => readStored(options.tokenKey) ?? memoryToken;
  function setToken(token: string | null) {
    memoryToken = token;
    writeStored(options.tokenKey, token);
  }

  /** A query or mutation; its first GraphQL error, if any, is thrown even beside data. */
  async function run<Result, Variables>(operation: TypedText<Result, Variables>, variables: Variables): Promise<Result> {
    const { data, errors } = await client(operation, variables);
    if (errors?.[0]) throw apiErrorFromGraphql(errors);
    return data as Result;
  }

  // ───── The conversation, from the event log ─────

  let stopEvents: (() => void) | null = null;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  /** Adds a stored message, replacing the visitor's pending copy; stored rows stay in cursor order, pending ones last. */
  function upsertMessage(item: MessageData) {
    setItems((list) => {
      if (list.some((x) => x.id === item.id)) return list;
      const pending = list.find((x) => x.state && item.clientMessageId && x.clientMessageId === item.clientMessageId);
      if (pending?.preview) URL.revokeObjectURL(pending.preview);
      const stored = list.filter((x) => !x.state);
      let at = stored.length;
      while (at > 0 && stored[at - 1]!.cursor! > item.cursor!) at--;
      stored.splice(at, 0, item);
      return [...stored, ...list.filter((x) => x.state && x !== pending)];
    });
  }

  function updateItem(id: string, changes: Partial<ChatItem>) {
    setItems((list) => list.map((x) => (x.id === id ? { ...x, ...changes } : x)));
  }

  /** A fresh signed link for an attachment whose link expired; the message shows it from now on. */
  async function freshAttachmentUrl(item: ChatItem, attachmentId: string): Promise<string | undefined> {
    const page = await run(ops.FRESH_LINKS, { id: sessionId()!, b: item.cursor! + 1 });
    const fresh = page.chatSession.messages.messages[0]?.attachments ?? [];
    const attachments = item.attachments?.map((a) => ({ ...a, url: fresh.find((f) => f.id === a.id)?.url ?? a.url }));
    updateItem(item.id, { attachments });
    return attachments?.find((a) => a.id === attachmentId)?.url;
  }

  function apply(event: ChatEventData) {
    if (event.typing) {
      if (event.typing.by !== 'AGENT') return;
      clearTimeout(typingTimer);
      setAgentTyping(event.typing.isTyping);
      // A lost "stopped typing" must not leave the indicator on forever.
      if (event.typing.isTyping) typingTimer = setTimeout(() => setAgentTyping(false), TYPING_TIMEOUT_MS);
      return;
    }
    if (event.cursor == null) return;
    batch(() => {
      if (event.message) {
        upsertMessage(event.message);
        if (event.message.authorKind === 'AGENT') setAgentTyping(false);
      } else if (event.type === 'STATUS_CHANGED' && event.status) {
        setStatus(event.status);
        if (event.agent) setAgent(event.agent);
        if (event.status === 'ENDED') setAgentTyping(false);
        if (event.status !== 'ENDED') setRated(false);
      } else if (event.type === 'AGENT_JOINED' && event.agent) {
        setAgent(event.agent);
        const last = items()
          .filter((x) => !x.state)
          .at(-1);
        // A transfer or takeover already said who took over.
        if (!(last?.authorKind === 'SYSTEM' && AGENT_CHANGE_TYPES.includes(last.systemType ?? '')))
          setItems((list) => [
            ...list,
            {
              id: `e${event.cursor}`,
              cursor: event.cursor!,
              authorKind: 'LINE',
              systemType: 'AGENT_JOINED',
              body: '',
              createdAt: event.createdAt,
              author: event.agent,
            },
          ]);
      } else if (event.read) {
        if (event.read.by === 'AGENT') setAgentReadCursor((c) => Math.max(c, event.read!.upToCursor));
        else setVisitorReadCursor((c) => Math.max(c, event.read!.upToCursor));
      } else if (event.rating) setRated(true);
    });
  }

  function detach() {
    stopEvents?.();
    stopEvents = null;
    clearTimeout(typingTimer);
    for (const item of items()) if (item.preview) URL.revokeObjectURL(item.preview);
    batch(() => {
      setSessionId(null);
      setStatus(null);
      setAgent(null);
      setItems([]);
      setAgentTyping(false);
      setVisitorReadCursor(0);
      setAgentReadCursor(0);
      setRated(false);
      setQueue(null);
    });
  }

  /** Follows a session from the start of its log: the history replays, then live events follow with no gap. */
  function attach(id: string) {
    if (sessionId() === id && stopEvents) return;
    detach();
    writeStored(sessionKey, id);
    setSessionId(id);
    stopEvents = followChatEventLog<ChatEventData>({
      socket,
      query: ops.CHAT_EVENTS,
      sessionId: id,
      after: 0,
      onEvent: apply,
      onFailed(error, failures) {
        // A refused token (close code 4401) or a chat we may no longer read: start over. Anything else: follow again, backing off.
        const refusedToken = error.extensions.closeCode === WS_UNAUTHENTICATED;
        if (refusedToken) setToken(null);
        if (refusedToken || GONE.includes(error.code)) forget();
        else return backoff(failures);
      },
    });
  }

  /** Drops the session (a new chat, a refused token); other tabs follow through storage. */
  function forget() {
    writeStored(sessionKey, null);
    detach();
  }

  /** On load: resume the stored session unless it is long over. */
  async function resume(attempt = 0): Promise<void> {
    const id = readStored(sessionKey);
    if (!id || !getToken()) return;
    try {
      const { chatSession } = await run(ops.SESSION_STATE, { id });
      const windowMs = (options.config()?.reopenWindowMinutes ?? 30) * 60_000;
      const over =
        chatSession.status === 'OFFLINE' ||
        chatSession.status === 'CLOSED' ||
        (chatSession.status === 'ENDED' && Date.now() - Date.parse(chatSession.endedAt ?? '') > windowMs);
      if (over) forget();
      else attach(id);
    } catch (error) {
      const { code, retryAfter } = error as ApiError;
      if (code === 'UNAUTHENTICATED') setToken(null);
      if (GONE.includes(code)) forget();
      else if (code === 'NETWORK') attach(id);
      else setTimeout(() => void resume(attempt + 1), code === 'RATE_LIMITED' ? (retryAfter ?? 30) * 1000 : backoff(attempt));
    }
  }

  onCleanup(onStoredChange(sessionKey, (id) => (id ? attach(id) : sessionId() && detach())));
  onCleanup(
    socket.on('connected', () => {
      setCloseCode(0);
      // Back online: messages that failed for want of a connection go out now (same clientMessageId, stored once).
      for (const item of items()) if (item.state === 'failed' && !item.error) void deliver(item);
    }),
  );
  onCleanup(socket.on('closed', (event) => setCloseCode((event as CloseEvent).code)));
  onCleanup(() => {
    stopEvents?.();
    stopEvents = null;
  });

  // The live queue position while waiting.
  createEffect(() => {
    const id = sessionId();
    if (!id || status() !== 'QUEUED') return setQueue(null);
    onCleanup(
      socket.subscribe<ResultOf<typeof ops.QUEUE_STATUS>>(
        { query: ops.QUEUE_STATUS, variables: { id } },
        { next: (result) => result.data && setQueue(result.data.queueStatus), error: () => {}, complete: () => {} },
      ),
    );
  });

  // ───── Actions ─────

  async function start(input: Record<string, unknown>) {
    // The visitor form's fields, as contactInput in ChatWidget gathers them.
    const { startChat } = await run(ops.START_CHAT, { input: { channelId, ...input } as VariablesOf<typeof ops.START_CHAT>['input'] });
    setToken(startChat.visitorToken);
    attach(startChat.session.id);
    setStatus((s) => s ?? 'QUEUED');
  }

  async function deliver(item: ChatItem, attempt = 0): Promise<void> {
    const id = sessionId();
    if (!id) return;
    updateItem(item.id, { state: 'sending', error: undefined });
    try {
      let message: MessageData;
      if (item.file) {
        const response = await uploadFile(
          options.endpoint,
          getToken(),
          ops.SEND_ATTACHMENT,
          { sessionId: id, clientMessageId: item.clientMessageId! },
          item.file,
          (progress) => updateItem(item.id, { progress }),
        );
        if (response.errors || !response.data) throw apiErrorFromGraphql(response.errors);
        message = response.data.sendAttachment;
      } else {
        message = (await run(ops.SEND_MESSAGE, { input: { sessionId: id, body: item.body, clientMessageId: item.clientMessageId! } })).sendMessage;
      }
      if (sessionId() === id) upsertMessage(message);
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(String(error), 'NETWORK');
      // An HTTP status without a GraphQL answer (a proxy's 413 or 502): 5xx is retried like a lost connection, 4xx is a refusal.
      const status = e.extensions.status as number;
      // The same clientMessageId makes every retry safe: the server stores the message once.
      if ((e.code === 'NETWORK' || e.code === 'RATE_LIMITED') && attempt < 3) {
        await new Promise((resolve) => setTimeout(resolve, e.code === 'RATE_LIMITED' ? (e.retryAfter ?? 2) * 1000 : backoff(attempt)));
        return deliver(item, attempt + 1);
      }
      // A refusal (bad input, a chat over for good) says why and is not retried by itself, nor is a server that kept failing;
      // a lost connection is, once it is back.
      updateItem(item.id, {
        state: 'failed',
        error:
          status >= 500
            ? options.t().error
            : status
              ? fill(options.t().fileRefused, { status })
              : e.code === 'NETWORK' || e.code === 'RATE_LIMITED'
                ? undefined
                : e.message.replace(/^\w+: /, ''),
        progress: undefined,
      });
    }
  }

  function queueOwn(fields: Partial<ChatItem>) {
    const clientMessageId = newClientMessageId();
    const item: ChatItem = {
      id: clientMessageId,
      clientMessageId,
      authorKind: 'VISITOR',
      body: '',
      createdAt: new Date().toISOString(),
      state: 'sending',
      ...fields,
    };
    setItems((list) => [...list, item]);
    void deliver(item);
  }

  let typingSent = false;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  function sendTyping(typing: boolean) {
    const id = sessionId();
    if (!id || typingSent === typing) return;
    typingSent = typing;
    void run(ops.SET_TYPING, { id, typing }).catch(() => {});
  }

  let readRequested = 0;

  return {
    sessionId,
    status,
    agent,
    items,
    agentTyping,
    agentReadCursor,
    visitorReadCursor,
    rated,
    queue,
    closeCode,
    hasToken: () => !!getToken(),
    freshAttachmentUrl,
    /** Forgets the visitor (a token the server refuses) and their chat. */
    resetVisitor() {
      setToken(null);
      forget();
    },
    resume,
    forget,
    start,
    send(body: string) {
      clearTimeout(typingStop);
      sendTyping(false);
      queueOwn({ body });
    },
    sendFile(file: File) {
      queueOwn({ file, body: '', progress: 0, preview: /^image\//.test(file.type) ? URL.createObjectURL(file) : undefined });
    },
    retry(item: ChatItem) {
      void deliver(item);
    },
    /** The visitor typed: "typing" now, "stopped" after 3 seconds without a key. */
    typing() {
      sendTyping(true);
      clearTimeout(typingStop);
      typingStop = setTimeout(() => sendTyping(false), 3000);
    },
    unreadCount() {
      const read = visitorReadCursor();
      return items().filter(
        (x) => x.cursor! > read && (x.authorKind === 'AGENT' || (x.authorKind === 'SYSTEM' && !OWN_SYSTEM_TYPES.includes(x.systemType ?? ''))),
      ).length;
    },
    /** Read receipt up to the newest event, once per new cursor. */
    markRead() {
      const id = sessionId();
      const upTo = items().reduce((max, x) => Math.max(max, x.cursor ?? 0), 0);
      if (!id || upTo <= Math.max(visitorReadCursor(), readRequested)) return;
      readRequested = upTo;
      void run(ops.MARK_READ, { id, cursor: upTo }).catch(() => (readRequested = 0));
    },
    async end() {
      const id = sessionId();
      if (id) await run(ops.END_CHAT, { id });
    },
    async rate(rating: number, comment: string) {
      await run(ops.RATE_CHAT, { id: sessionId()!, rating, comment: comment.trim() || null });
      setRated(true);
    },
    async transcript(email: string) {
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      return (await run(ops.SEND_TRANSCRIPT, { id: sessionId()!, email, timeZone })).sendTranscript.sentTo;
    },
    async submitOffline(input: Record<string, unknown>) {
      const { submitOfflineForm } = await run(ops.SUBMIT_OFFLINE, { input: { channelId, ...input } as VariablesOf<typeof ops.SUBMIT_OFFLINE>['input'] });
      if (submitOfflineForm.visitorToken) setToken(submitOfflineForm.visitorToken);
      return submitOfflineForm.requestNumber;
    },
    async faq(question: string) {
      const data = await run(ops.FAQ_SUGGESTIONS, {
        channelId,
        question: question.slice(0, 500),
      });
      return data.faqSuggestions;
    },
    /** `ChatWidget.identify()` while the visitor has a token: tell the server at once. */
    async identify(prefill: VisitorPrefill, emailSignature: string | undefined) {
      if (getToken()) await run(ops.IDENTIFY, { input: { channelId, ...prefill, emailSignature } });
    },
  };
}

export type ChatStore = ReturnType<typeof createChatStore>;
