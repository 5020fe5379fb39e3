import { createEffect, createSignal, For, type JSX, Show } from 'solid-js';
import type { ChatItem, ChatStore, Participant } from './chat-store';
import { isLinkExpired } from './attachment-links';
import { formatBytes } from '@livechat/chat-client/format-bytes';
import { formatTime } from './format';
import { fill, type Strings } from './i18n';

const EMOJI = ['😀', '😂', '😊', '😍', '😉', '🤔', '😮', '😢', '👍', '👎', '👏', '🙏', '👋', '🎉', '❤️', '✅'];
/** What the visitor reads for system messages, in their language (the stored text is for agents). */
const SYSTEM_LINES: Record<string, keyof Strings> = {
  AGENT_JOINED: 'joined',
  TRANSFERRED: 'transferred',
  TAKEN_OVER: 'takenOver',
  CLOSED_BY_AGENT: 'endedAgent',
  CLOSED_BY_VISITOR: 'endedVisitor',
  CLOSED_BY_IDLE: 'endedIdle',
  REOPENED: 'reopened',
};
const URL_PATTERN = /(https?:\/\/[^\s<]+[^\s<.,:;"')\]}!?])/;

export interface ChatViewProps {
  store: ChatStore;
  t: Strings;
  language: string;
  showAgentPhoto: boolean;
  maxAttachmentBytes: number;
  /** Attachment URLs are relative to the API, not to the host page. */
  apiOrigin: string;
  /** Above the log: the queue message while waiting. */
  banner?: JSX.Element;
}

/** Text with its web links clickable (agents send FAQ links). */
function linkify(text: string): JSX.Element {
  return text.split(URL_PATTERN).map((part, i) =>
    i % 2 ? (
      <a href={part} target="_blank" rel="noopener noreferrer">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

function Avatar(props: { who: Participant | null | undefined; show: boolean }) {
  return (
    <Show when={props.show && props.who?.photoUrl}>
      <img class="avatar" src={props.who!.photoUrl!} alt="" width="28" height="28" />
    </Show>
  );
}

export function ChatView(props: ChatViewProps) {
  const t = () => props.t;
  const [draft, setDraft] = createSignal('');
  const [picker, setPicker] = createSignal(false);
  const [notice, setNotice] = createSignal<string | null>(null);
  let log!: HTMLDivElement;
  let input!: HTMLTextAreaElement;
  let files!: HTMLInputElement;
  let stickToBottom = true;

  const url = (path: string) => new URL(path, props.apiOrigin).href;
  /** An expired link (a conversation left open) is exchanged for a fresh one: on a click, then opened. */
  const refresh = (item: ChatItem, file: { id: string; url: string }, event?: MouseEvent) => {
    if (!isLinkExpired(file.url)) return;
    event?.preventDefault();
    void props.store.freshAttachmentUrl(item, file.id).then((fresh) => event && fresh && window.open(url(fresh), '_blank', 'noopener'));
  };
  const lastRead = () => {
    const read = props.store.agentReadCursor();
    return props.store
      .items()
      .filter((x) => x.authorKind === 'VISITOR' && x.cursor! <= read)
      .at(-1)?.id;
  };

  createEffect(() => {
    props.store.items();
    props.store.agentTyping();
    if (stickToBottom) queueMicrotask(() => (log.scrollTop = log.scrollHeight));
  });

  const systemLine = (item: ChatItem) => {
    const key = SYSTEM_LINES[item.systemType ?? ''];
    return key ? fill(t()[key], { name: item.author?.displayName ?? t().agent }) : item.body;
  };

  const addFiles = (list: FileList | null | undefined) => {
    setNotice(null);
    for (const file of Array.from(list ?? [])) {
      if (file.size > props.maxAttachmentBytes) setNotice(fill(t().tooLarge, { file: file.name, max: formatBytes(props.maxAttachmentBytes) }));
      else props.store.sendFile(file);
    }
    stickToBottom = true;
  };

  const submit = (event?: Event) => {
    event?.preventDefault();
    const body = draft().trim();
    if (!body) return;
    props.store.send(body);
    setDraft('');
    stickToBottom = true;
    input.focus();
  };

  const insertEmoji = (emoji: string) => {
    const start = input.selectionStart ?? draft().length;
    const end = input.selectionEnd ?? start;
    setDraft(draft().slice(0, start) + emoji + draft().slice(end));
    setPicker(false);
    input.focus();
    input.setSelectionRange(start + emoji.length, start + emoji.length);
  };

  const bubble = (item: ChatItem) => {
    const mine = item.authorKind === 'VISITOR';
    return (
      <div class={mine ? 'msg mine' : 'msg theirs'}>
        <Show when={!mine}>
          <Avatar who={item.author} show={props.showAgentPhoto} />
        </Show>
        <div class="bubble">
          <Show when={!mine}>
            <span class="who">{item.author?.displayName ?? t().agent}</span>
          </Show>
          <Show when={item.body}>
            <p class="text">{linkify(item.body)}</p>
          </Show>
          <For each={item.attachments}>
            {(file) =>
              file.isImage ? (
                <a href={url(file.url)} target="_blank" rel="noopener noreferrer" onClick={(event) => refresh(item, file, event)}>
                  <img
                    class="image"
                    src={url(file.url)}
                    alt={file.fileName}
                    width={file.width ?? undefined}
                    height={file.height ?? undefined}
                    loading="lazy"
                    onError={() => refresh(item, file)}
                  />
                </a>
              ) : (
                <a
                  class="file"
                  href={url(file.url)}
                  target="_blank"
                  rel="noopener noreferrer"
                  download={file.fileName}
                  onClick={(event) => refresh(item, file, event)}
                >
                  📄 {file.fileName} <span class="size">({formatBytes(file.size)})</span>
                </a>
              )
            }
          </For>
          <Show when={item.file}>
            <Show when={item.preview} fallback={<span class="file">📄 {item.file!.name}</span>}>
              <img class="image" src={item.preview} alt={item.file!.name} />
            </Show>
          </Show>
          <span class="meta">
            <time datetime={item.createdAt}>{formatTime(item.createdAt, props.language)}</time>
            <Show when={item.state === 'sending'}>
              {' · '}
              <Show when={item.file && item.progress !== undefined} fallback={t().sending}>
                <label>
                  {fill(t().uploading, { percent: Math.round((item.progress ?? 0) * 100) })} <progress max="1" value={item.progress ?? 0} />
                </label>
              </Show>
            </Show>
            <Show when={lastRead() === item.id}>{` · ${t().read}`}</Show>
          </span>
          <Show when={item.state === 'failed'}>
            <span class="failed" role="alert">
              {t().failed}
              {item.error ? ` ${item.error} ` : ' '}
              <button type="button" class="link" on:click={() => props.store.retry(item)}>
                {t().retry}
              </button>
            </span>
          </Show>
        </div>
      </div>
    );
  };

  return (
    <div
      class="chat"
      on:dragover={(event) => event.preventDefault()}
      on:drop={(event) => {
        event.preventDefault();
        addFiles(event.dataTransfer?.files);
      }}
    >
      {props.banner}
      <div
        ref={log}
        class="log"
        role="log"
        aria-label={t().conversation}
        tabindex="0"
        on:scroll={() => (stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40)}
      >
        <For each={props.store.items()}>
          {(item) =>
            (item.authorKind === 'SYSTEM' && item.systemType !== 'WELCOME') || item.authorKind === 'LINE' ? (
              <p class="line">{systemLine(item)}</p>
            ) : (
              bubble(item)
            )
          }
        </For>
      </div>
      <p class="typing" aria-live="polite">
        <Show when={props.store.agentTyping()}>{fill(t().typing, { name: props.store.agent()?.displayName ?? t().agent })}</Show>
      </p>
      <Show when={notice()}>
        <p class="error" role="alert">
          {notice()}
        </p>
      </Show>
      <Show when={picker()}>
        <div
          class="emojis"
          role="group"
          aria-label={t().emoji}
          on:keydown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setPicker(false);
              input.focus();
            }
          }}
        >
          <For each={EMOJI}>
            {(emoji) => (
              <button type="button" on:click={() => insertEmoji(emoji)}>
                {emoji}
              </button>
            )}
          </For>
        </div>
      </Show>
      <form class="composer" on:submit={submit}>
        <label for="composer" class="sr">
          {t().composer}
        </label>
        <textarea
          ref={input}
          id="composer"
          rows="1"
          placeholder={t().composer}
          maxLength={4000}
          value={draft()}
          on:input={(event) => {
            setDraft(event.currentTarget.value);
            if (event.currentTarget.value.trim()) props.store.typing();
          }}
          on:keydown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
          }}
          on:paste={(event) => {
            if (event.clipboardData?.files.length) {
              event.preventDefault();
              addFiles(event.clipboardData.files);
            }
          }}
        />
        <button type="button" class="tool" aria-label={t().emoji} aria-expanded={picker()} on:click={() => setPicker(!picker())}>
          🙂
        </button>
        <button type="button" class="tool" aria-label={t().attach} on:click={() => files.click()}>
          📎
        </button>
        <input
          ref={files}
          type="file"
          hidden
          multiple
          on:change={(event) => {
            addFiles(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
        <button type="submit" class="tool send" aria-label={t().send} disabled={!draft().trim()}>
          ➤
        </button>
      </form>
    </div>
  );
}
