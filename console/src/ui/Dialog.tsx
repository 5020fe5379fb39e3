import { createUniqueId, onCleanup, onMount, type JSX, type ParentProps } from 'solid-js';

interface DialogProps {
  title: string;
  /** Optional line under the title. */
  description?: string;
  onClose: () => void;
  /** Buttons at the bottom, right-aligned. */
  footer?: JSX.Element;
  size?: 'small' | 'medium' | 'large';
  role?: 'dialog' | 'alertdialog';
}

/**
 * A modal dialog on the native <dialog> element: focus moves in and is trapped by the browser,
 * Escape closes it, and focus returns to where it was.
 */
export function Dialog(props: ParentProps<DialogProps>) {
  let element!: HTMLDialogElement;
  const titleId = createUniqueId();
  const descriptionId = createUniqueId();
  const previouslyFocused = document.activeElement as HTMLElement | null;

  onMount(() => {
    if (typeof element.showModal === 'function') element.showModal();
    else element.setAttribute('open', '');
    const first = element.querySelector<HTMLElement>('[autofocus], input, textarea, select, button:not(.dialog-close)');
    first?.focus();
  });
  onCleanup(() => {
    if (element.open && typeof element.close === 'function') element.close();
    previouslyFocused?.focus?.();
  });

  return (
    <dialog
      ref={element}
      class={`dialog dialog-${props.size ?? 'medium'}`}
      role={props.role}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <header class="dialog-header">
        <div>
          <h2 id={titleId}>{props.title}</h2>
          {props.description && (
            <p id={descriptionId} class="muted">
              {props.description}
            </p>
          )}
        </div>
        <button class="icon-button dialog-close" type="button" aria-label="Close" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <div class="dialog-body">{props.children}</div>
      {props.footer && <footer class="dialog-footer">{props.footer}</footer>}
    </dialog>
  );
}
