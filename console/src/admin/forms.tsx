import { ApiError } from '@livechat/chat-client/errors';
import { createUniqueId, Show, splitProps, type JSX } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';

/** Messages per input field, from client-side checks or from the API's VALIDATION/CONFLICT `field`. */
export interface FieldErrors {
  get(field: string): string | undefined;
  set(field: string, message: string | undefined): void;
  replace(errors: Record<string, string>): void;
  clear(): void;
  /** Fields with an error, in insertion order. */
  fields(): string[];
  /**
   * Puts an API error next to its field when it names one the form shows; returns whether it did
   * (otherwise the caller shows it as a general error).
   */
  placeApiError(error: unknown, knownFields: readonly string[]): boolean;
}

export function createFieldErrors(): FieldErrors {
  const [errors, setErrors] = createStore<Record<string, string | undefined>>({});
  return {
    get: (field) => errors[field],
    set: (field, message) => setErrors(field, message),
    replace: (next) => setErrors(reconcile(next)),
    clear: () => setErrors(reconcile({})),
    fields: () => Object.keys(errors).filter((key) => errors[key]),
    placeApiError(error, knownFields) {
      if (!(error instanceof ApiError) || !error.field || !knownFields.includes(error.field)) return false;
      if (error.code !== 'VALIDATION' && error.code !== 'CONFLICT') return false;
      // The server prefixes VALIDATION messages with the field name ("name: must not be empty").
      const message = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
      setErrors(error.field, capitalise(message));
      return true;
    },
  };
}

const capitalise = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

/** Moves focus to the first control of a field with an error (`data-field` names the field). */
export function focusField(container: HTMLElement | undefined, field: string | undefined) {
  if (!container || !field) return;
  const element = container.querySelector<HTMLElement>(`[data-field="${field.replace(/["\\]/g, '\\$&')}"]`);
  if (!element) return;
  element.scrollIntoView?.({ block: 'center' });
  const focusable = element.matches('input, select, textarea, button') ? element : element.querySelector<HTMLElement>('input, select, textarea, button');
  focusable?.focus();
}

export interface ControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': boolean;
  'data-field': string;
}

export interface FieldProps {
  /** The input field name the API uses in errors. */
  name: string;
  label: string;
  hint?: JSX.Element;
  error?: string;
  /** Marks the label as required (the control still needs its own `required`). */
  required?: boolean;
  class?: string;
  children: (control: ControlProps) => JSX.Element;
}

/** A labelled control with an optional hint and an error message tied to it for screen readers. */
export function Field(props: FieldProps) {
  const id = createUniqueId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = () => [props.error ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`form-field ${props.class ?? ''}`} classList={{ 'has-error': !!props.error }}>
      <label for={id}>
        {props.label}
        <Show when={props.required}>
          <span class="required-mark" aria-hidden="true">
            {' '}
            *
          </span>
        </Show>
      </label>
      {props.children({
        id,
        get 'aria-describedby'() {
          return describedBy();
        },
        get 'aria-invalid'() {
          return !!props.error;
        },
        'data-field': props.name,
      })}
      <Show when={props.hint}>
        <p id={hintId} class="field-hint">
          {props.hint}
        </p>
      </Show>
      <Show when={props.error}>
        <p id={errorId} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}

export interface CheckboxProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'type'> {
  label: JSX.Element;
  hint?: JSX.Element;
  checked: boolean;
  onChange(checked: boolean): void;
}

/** A checkbox named by its label only; the hint is its description, not part of its name. */
export function Checkbox(props: CheckboxProps) {
  const [local, rest] = splitProps(props, ['label', 'hint', 'checked', 'onChange', 'class', 'id']);
  const id = local.id ?? createUniqueId();
  const hintId = `${id}-hint`;
  return (
    <div class={`check ${local.class ?? ''}`}>
      <input
        type="checkbox"
        {...rest}
        id={id}
        checked={local.checked}
        aria-describedby={local.hint ? hintId : undefined}
        onChange={(event) => local.onChange(event.currentTarget.checked)}
      />
      <span class="check-text">
        <label class="check-label" for={id}>
          {local.label}
        </label>
        <Show when={local.hint}>
          <span id={hintId} class="field-hint">
            {local.hint}
          </span>
        </Show>
      </span>
    </div>
  );
}

/** Characters left, shown under long text inputs once they get close to the limit. */
export function CharacterCount(props: { value: string; max: number }) {
  const left = () => props.max - props.value.length;
  return (
    <Show when={left() < Math.max(20, props.max * 0.1)}>
      <span class="char-count" classList={{ 'is-over': left() < 0 }} aria-live="polite">
        {left() < 0 ? `${-left()} characters too many` : `${left()} characters left`}
      </span>
    </Show>
  );
}
