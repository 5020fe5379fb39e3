import { AGENT_ONLY_SYSTEM_TYPES } from '@livechat/chat-client/system-messages';
import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { formatDateTime, formatTime } from '../ui/format';
import type { ConversationData, ServerMessage } from './conversation-state';
import { buildRows } from './message-rows';
import { OutgoingItem } from './OutgoingItem';
import { AttachmentView } from './AttachmentView';
import { linkify } from './linkify';

interface MessageListProps {
  state: ConversationData;
  visitorName: string;
  /** Older messages are being fetched. */
  loadingOlder: boolean;
  onLoadOlder(): void;
  onRetry(clientMessageId: string): void;
  onDiscard(clientMessageId: string): void;
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
