import { createUniqueId, Show, type JSX, type ParentProps } from 'solid-js';
import { errorMessage } from '../api';
import { Dialog } from '../ui/Dialog';

interface FormDialogProps {
  title: string;
  description?: string;
  size?: 'small' | 'medium' | 'large';
  role?: 'dialog' | 'alertdialog';
  submitLabel: string;
  /** The submit button deletes something: shown as the danger button. */
  danger?: boolean;
  busy: boolean;
  /** A problem that belongs to no field, shown above the buttons. */
  error?: string | null;
  onSubmit(event: SubmitEvent): void;
  onClose(): void;
  formRef?: (form: HTMLFormElement) => void;
}

/** A dialog around one form: Cancel and the submit button in the footer, general errors at the end. */
export function FormDialog(props: ParentProps<FormDialogProps>) {
  const formId = createUniqueId();
  return (
    <Dialog
      title={props.title}
      description={props.description}
      size={props.size}
      role={props.role}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} class={`button ${props.danger ? 'button-danger' : 'button-primary'}`} disabled={props.busy}>
            {props.busy ? 'Saving…' : props.submitLabel}
          </button>
        </>
      }
    >
      <form id={formId} ref={props.formRef} class="dialog-form" onSubmit={(event) => props.onSubmit(event)} novalidate>
        {props.children}
        <Show when={props.error}>
          <p class="notice notice-error" role="alert">
            {props.error}
          </p>
        </Show>
      </form>
    </Dialog>
  );
}

interface ConfirmDialogProps {
  title: string;
  description?: string;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onClose(): void;
  /** Replaces the confirm button, e.g. to offer something else after a refusal. */
  action?: JSX.Element;
}

/** Asks before something that cannot be undone; the confirm button is the danger button. */
export function ConfirmDialog(props: ParentProps<ConfirmDialogProps>) {
  return (
    <Dialog
      title={props.title}
      description={props.description}
      role="alertdialog"
      size="small"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="button" onClick={props.onClose}>
            Cancel
          </button>
          <Show
            when={props.action}
            fallback={
              <button type="button" class="button button-danger" disabled={props.busy} onClick={() => props.onConfirm()}>
                {props.confirmLabel}
              </button>
            }
          >
            {props.action}
          </Show>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}

/** "Could not load …" with the reason and a way to try again. */
export function LoadFailed(props: { what: string; error: unknown; onRetry(): void }) {
  return (
    <div class="notice notice-error" role="alert">
      Could not load {props.what}: {errorMessage(props.error)}{' '}
      <button type="button" class="button button-small" onClick={() => props.onRetry()}>
        Try again
      </button>
    </div>
  );
}
