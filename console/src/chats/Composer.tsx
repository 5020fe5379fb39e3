import { createEffect, Show } from 'solid-js';
import { PaperclipIcon, PlusIcon } from '../ui/icons';

export const MAX_MESSAGE_LENGTH = 4000;

interface ComposerProps {
  value: string;
  onInput(value: string): void;
  onSend(): void;
  onFiles(files: File[]): void;
  onOpenInsert(): void;
  insertOpen: boolean;
  /** Called with the textarea so shortcuts can focus it. */
  ref?: (element: HTMLTextAreaElement) => void;
  visitorName: string;
}

/** Enter sends, Shift+Enter adds a line; files by button or paste (drag and drop is on the pane). */
export function Composer(props: ComposerProps) {
  let textarea!: HTMLTextAreaElement;
  let fileInput!: HTMLInputElement;
  const length = () => props.value.length;
  const tooLong = () => length() > MAX_MESSAGE_LENGTH;
  const canSend = () => props.value.trim().length > 0 && !tooLong();

  // Grow with the text up to a limit, then scroll.
  createEffect(() => {
    void props.value;
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, 220)}px`;
  });

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (canSend()) props.onSend();
    }
  }

  function onPaste(event: ClipboardEvent) {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length) {
      event.preventDefault();
      props.onFiles(files);
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend()) props.onSend();
      }}
    >
      <label class="sr-only" for="composer-input">
        Reply to {props.visitorName}
      </label>
      <textarea
        id="composer-input"
        ref={(el) => {
          textarea = el;
          props.ref?.(el);
        }}
        class="composer-input"
        rows={1}
        placeholder={`Reply to ${props.visitorName}… (Enter to send, Shift+Enter for a new line)`}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        aria-describedby="composer-hint"
        aria-invalid={tooLong()}
      />
      <div class="composer-bar">
        <div class="composer-tools">
          <button
            type="button"
            class="button button-ghost button-small"
            aria-haspopup="dialog"
            aria-expanded={props.insertOpen}
            aria-keyshortcuts="Alt+K"
            title="Templates, FAQ and quick replies (Alt+K)"
            onClick={() => props.onOpenInsert()}
          >
            <PlusIcon /> Insert
          </button>
          <button
            type="button"
            class="button button-ghost button-small"
            title="Attach files (or drop them on the conversation)"
            onClick={() => fileInput.click()}
          >
            <PaperclipIcon /> Attach
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            class="sr-only"
            tabindex="-1"
            aria-label="Attach files"
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              if (files.length) props.onFiles(files);
            }}
          />
        </div>
        <span id="composer-hint" class="composer-hint" classList={{ 'is-over': tooLong() }}>
          <Show when={length() > MAX_MESSAGE_LENGTH - 500}>
            {length()} / {MAX_MESSAGE_LENGTH}
          </Show>
        </span>
        <button type="submit" class="button button-primary" disabled={!canSend()} aria-keyshortcuts="Enter">
          Send
        </button>
      </div>
    </form>
  );
}
