import { createSignal, onCleanup, Show } from 'solid-js';
import { formatBytes } from '@livechat/chat-client/format-bytes';
import { fetchWithToken, isLinkExpired, openAttachment } from './attachment-links';
import type { ServerMessage } from './conversation-state';
import { FileIcon } from '../ui/icons';

export function AttachmentView(props: { attachment: ServerMessage['attachments'][number] }) {
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
