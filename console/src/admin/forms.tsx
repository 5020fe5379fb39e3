import { createUniqueId, Show, splitProps, type JSX } from 'solid-js';

interface ControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': boolean;
  'data-field': string;
}

interface FieldProps {
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

interface CheckboxProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'type'> {
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
