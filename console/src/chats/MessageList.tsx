import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch, type JSX } from 'solid-js';
import { formatBytes, formatDateTime, formatDay, formatTime } from '../ui/format';
import { fetchWithToken, isLinkExpired, openAttachment } from './attachment-links';
import type { ConversationData, OutgoingMessage, ServerMessage } from './conversation-state';
import { FileIcon, PaperclipIcon } from '../ui/icons';

/** System messages the visitor never sees (the server keeps them out of the visitor's feed). */
export const AGENT_ONLY_SYSTEM_TYPES = new Set(['TRANSFER_REJECTED', 'REQUEST_CREATED']);

export interface MessageListProps {
  state: ConversationData;
  visitorName: string;
  /** Older messages are being fetched. */
  loadingOlder: boolean;
  onLoadOlder(): void;
  onRetry(clientMessageId: string): void;
  onDiscard(clientMessageId: string): void;
}

type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: ServerMessage; showAuthor: boolean }
  | { kind: 'outgoing'; key: string; message: OutgoingMessage };

/** Day separators, and the author shown once per run of messages from the same side. */
export function buildRows(messages: ServerMessage[], outgoing: OutgoingMessage[], now = new Date()): Row[] {
  const rows: Row[] = [];
  let lastDay = '';
  let lastAuthor = '';
  for (const message of messages) {
    const day = formatDay(message.createdAt, now);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${message.cursor}`, label: day });
      lastDay = day;
      lastAuthor = '';
    }
    const author = message.authorKind === 'SYSTEM' ? '' : `${message.authorKind}:${message.author?.id ?? ''}`;
    rows.push({ kind: 'message', key: message.id, message, showAuthor: author !== '' && author !== lastAuthor });
    lastAuthor = author;
  }
  for (const message of outgoing) rows.push({ kind: 'outgoing', key: `out-${message.clientMessageId}`, message });
  return rows;
}

/**
 * The conversation: oldest at the top, pages of older messages fetched when scrolled to the top
 * (the view keeps its place), and kept at the bottom as messages arrive unless the agent scrolled
 * up to read, in which case a "new messages" button appears.
 */
export function MessageList(props: MessageListProps) {
  let scroller!: HTMLDivElement;
  let topSentinel!: HTMLDivElement;
  const [pinnedToBottom, setPinnedToBottom] = createSignal(true);
  const [unseenBelow, setUnseenBelow] = createSignal(false);
  const rows = () => buildRows(props.state.messages, props.state.outgoing);

  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
    setUnseenBelow(false);
  };

  onMount(() => {
    scrollToBottom();
    if (typeof IntersectionObserver === 'function') {
      const observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting) && props.state.hasMore && !props.loadingOlder) props.onLoadOlder();
        },
        { root: scroller, rootMargin: '200px 0px 0px 0px' },
      );
      observer.observe(topSentinel);
      onCleanup(() => observer.disconnect());
    }
  });

  // Keep the visible message in place when older ones are put above it.
  let anchorFromBottom: number | null = null;
  createEffect(
    on(
      () => props.loadingOlder,
      (loading) => {
        if (loading) anchorFromBottom = scroller.scrollHeight - scroller.scrollTop;
      },
    ),
  );

  createEffect(
    on(
      () => [props.state.messages.length, props.state.outgoing.length, props.state.visitorTyping, props.state.agentTyping] as const,
      (_, previous) => {
        queueMicrotask(() => {
          if (anchorFromBottom !== null && !props.loadingOlder) {
            scroller.scrollTop = scroller.scrollHeight - anchorFromBottom;
            anchorFromBottom = null;
            return;
          }
          if (pinnedToBottom()) scrollToBottom();
          else if (previous) setUnseenBelow(true);
        });
      },
    ),
  );

  function onScroll() {
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    setPinnedToBottom(atBottom);
    if (atBottom) setUnseenBelow(false);
  }

  return (
    <div class="message-list-wrap">
      <div
        class="message-list"
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-label={`Conversation with ${props.visitorName}`}
        aria-live="polite"
        tabindex="0"
      >
        <div ref={topSentinel} class="message-list-top">
          <Switch>
            <Match when={props.loadingOlder}>
              <span class="muted small" role="status">
                Loading earlier messages…
              </span>
            </Match>
            <Match when={props.state.hasMore}>
              <button type="button" class="button button-ghost button-small" onClick={() => props.onLoadOlder()}>
                Load earlier messages
              </button>
            </Match>
            <Match when={!props.state.hasMore}>
              <span class="muted small">Start of the conversation</span>
            </Match>
          </Switch>
        </div>
        <ol class="messages">
          <For each={rows()}>
            {(row) => (
              <Switch>
                <Match when={row.kind === 'day' && row}>
                  {(day) => (
                    <li class="day-separator">
                      <span>{day().label}</span>
                    </li>
                  )}
                </Match>
                <Match when={row.kind === 'message' && row}>
                  {(r) => (
                    <MessageItem
                      message={r().message}
                      showAuthor={r().showAuthor}
                      visitorName={props.visitorName}
                      visitorReadCursor={props.state.visitorReadCursor}
                    />
                  )}
                </Match>
                <Match when={row.kind === 'outgoing' && row}>
                  {(r) => <OutgoingItem message={r().message} onRetry={props.onRetry} onDiscard={props.onDiscard} />}
                </Match>
              </Switch>
            )}
          </For>
        </ol>
        <Show when={props.state.visitorTyping}>
          <p class="typing-indicator" role="status">
            <span class="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {props.visitorName} is typing…
          </p>
        </Show>
        <Show when={props.state.agentTyping}>
          <p class="typing-indicator typing-indicator-agent" role="status">
            <span class="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {props.state.agentTyping} is typing…
          </p>
        </Show>
      </div>
      <Show when={unseenBelow()}>
        <button type="button" class="new-messages-pill" onClick={scrollToBottom}>
          New messages ↓
        </button>
      </Show>
    </div>
  );
}

function MessageItem(props: { message: ServerMessage; showAuthor: boolean; visitorName: string; visitorReadCursor: number }) {
  const m = () => props.message;
  return (
    <Switch>
      <Match when={m().authorKind === 'SYSTEM'}>
        <li class="system-message" classList={{ 'system-message-internal': AGENT_ONLY_SYSTEM_TYPES.has(m().systemType ?? '') }} data-cursor={m().cursor}>
          <span>{m().body}</span>
          <Show when={AGENT_ONLY_SYSTEM_TYPES.has(m().systemType ?? '')}>
            <span class="tag">Only agents see this</span>
          </Show>
          <time dateTime={m().createdAt} title={formatDateTime(m().createdAt)}>
            {formatTime(m().createdAt)}
          </time>
        </li>
      </Match>
      <Match when={m().authorKind !== 'SYSTEM'}>
        <li class={`message message-${m().authorKind === 'VISITOR' ? 'visitor' : 'agent'}`} data-cursor={m().cursor}>
          <Show when={props.showAuthor}>
            <span class="message-author">{m().authorKind === 'VISITOR' ? props.visitorName : (m().author?.displayName ?? 'Agent')}</span>
          </Show>
          <div class="bubble" classList={{ 'bubble-media': !m().body && m().attachments.length > 0 && m().attachments.every((a) => a.isImage) }}>
            <Show when={m().body}>
              <p class="message-body">{linkify(m().body)}</p>
            </Show>
            <For each={m().attachments}>{(attachment) => <AttachmentView attachment={attachment} />}</For>
          </div>
          <span class="message-meta">
            <time dateTime={m().createdAt} title={formatDateTime(m().createdAt)}>
              {formatTime(m().createdAt)}
            </time>
            <Show when={m().authorKind === 'AGENT'}>
              <Show
                when={props.visitorReadCursor >= m().cursor}
                fallback={
                  <span class="receipt" title="Delivered">
                    ✓<span class="sr-only"> Delivered</span>
                  </span>
                }
              >
                <span class="receipt receipt-seen" title="Seen by the visitor">
                  ✓✓<span class="sr-only"> Seen by the visitor</span>
                </span>
              </Show>
            </Show>
          </span>
        </li>
      </Match>
    </Switch>
  );
}

function OutgoingItem(props: { message: OutgoingMessage; onRetry(id: string): void; onDiscard(id: string): void }) {
  const m = () => props.message;
  return (
    <li class="message message-agent message-outgoing" classList={{ 'message-failed': m().state === 'failed' }}>
      <div class="bubble">
        <Show when={m().previewUrl}>
          <img class="attachment-image attachment-image-pending" src={m().previewUrl} alt={m().file?.name ?? ''} />
        </Show>
        <Show when={m().file && !m().previewUrl}>
          <span class="attachment-file">
            <PaperclipIcon /> {m().file!.name}
          </span>
        </Show>
        <Show when={m().body}>
          <p class="message-body">{m().body}</p>
        </Show>
      </div>
      <span class="message-meta">
        <Show
          when={m().state === 'failed'}
          fallback={
            <span class="muted" role="status">
              {m().file ? 'Uploading…' : 'Sending…'}
            </span>
          }
        >
          <span class="send-error" role="alert">
            Not sent: {m().error}
          </span>
          <button type="button" class="link-button" onClick={() => props.onRetry(m().clientMessageId)}>
            Retry
          </button>
          <button type="button" class="link-button link-button-muted" onClick={() => props.onDiscard(m().clientMessageId)}>
            Discard
          </button>
        </Show>
      </span>
    </li>
  );
}

function AttachmentView(props: { attachment: ServerMessage['attachments'][number] }) {
  const a = () => props.attachment;
  // An image whose signed link expired before it loaded (lazy, in a conversation left open) is
  // fetched with the agent's token instead.
  const [fetched, setFetched] = createSignal<string | null>(null);
  onCleanup(() => {
    const objectUrl = fetched();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  });
  const onImageError = () => {
    if (fetched() || !isLinkExpired(a().url)) return;
    void fetchWithToken(a().url)
      .then(setFetched)
      .catch(() => {});
  };
  return (
    <Show
      when={a().isImage}
      fallback={
        <a
          class="attachment-file"
          href={a().url}
          target="_blank"
          rel="noopener"
          download={a().fileName}
          onClick={(event) => openAttachment(event, a().url, a().fileName, true)}
        >
          <FileIcon />
          <span class="attachment-name">{a().fileName}</span>
          <span class="muted small">{formatBytes(a().size)}</span>
        </a>
      }
    >
      <a
        class="attachment-image-link"
        href={a().url}
        target="_blank"
        rel="noopener"
        title={`${a().fileName} (${formatBytes(a().size)})`}
        onClick={(event) => openAttachment(event, a().url, a().fileName, false)}
      >
        <img
          class="attachment-image"
          src={fetched() ?? a().url}
          alt={a().fileName}
          width={a().width ?? undefined}
          height={a().height ?? undefined}
          loading="lazy"
          onError={onImageError}
        />
      </a>
    </Show>
  );
}

const urlPattern = /\bhttps?:\/\/[^\s<>"]+[^\s<>"'.,;:!?)\]]/g;

/** Text with its web addresses as links; built from nodes, never from HTML. */
export function linkify(text: string): JSX.Element[] {
  const parts: JSX.Element[] = [];
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      <a href={match[0]} target="_blank" rel="noopener noreferrer">
        {match[0]}
      </a>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
