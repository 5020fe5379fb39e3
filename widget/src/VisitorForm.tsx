import { createSignal, For, type JSX, Show } from 'solid-js';
import { FIELD_KEYS, FIELD_MAX, fieldError, type FieldKey, type VisitorField } from './form-validation';
import type { Strings } from './i18n';

const AUTOCOMPLETE: Partial<Record<FieldKey, string>> = { name: 'name', email: 'email', phone: 'tel', company: 'organization', country: 'country-name' };

export type FormValues = Partial<Record<FieldKey, string>>;

export interface VisitorFormProps {
  /** Unique per form: the id prefix of its inputs. */
  id: string;
  t: Strings;
  /** The contact fields to show, in this order. The message field always follows. */
  fields: VisitorField[];
  required: VisitorField[];
  initial: FormValues;
  /** The website signed the email: it is shown, not edited. */
  emailLocked?: boolean;
  messageLabel: string;
  submitLabel: string;
  busy?: boolean;
  /** Errors the server named, by field; each clears once its field is edited. */
  serverErrors?: FormValues;
  onSubmit: (values: Record<FieldKey, string>) => void;
  children?: JSX.Element;
}

/** Contact fields and a message, each checked as the visitor types (and all of them on submit). */
export function VisitorForm(props: VisitorFormProps) {
  const keys = (): FieldKey[] => [...props.fields.map((field) => FIELD_KEYS[field]), 'message'];
  const [values, setValues] = createSignal<FormValues>({ ...props.initial });
  const [touched, setTouched] = createSignal<Partial<Record<FieldKey, boolean>>>({});
  const [edited, setEdited] = createSignal<Partial<Record<FieldKey, boolean>>>({});
  const isRequired = (key: FieldKey) => key === 'message' || props.required.some((field) => FIELD_KEYS[field] === key);
  const localError = (key: FieldKey) => fieldError(key, values()[key] ?? '', isRequired(key), props.t);
  const error = (key: FieldKey) => (touched()[key] && localError(key)) || (!edited()[key] && props.serverErrors?.[key]) || null;
  let form!: HTMLFormElement;

  const edit = (key: FieldKey, value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((v) => ({ ...v, [key]: true }));
    setEdited((v) => ({ ...v, [key]: true }));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    setTouched(Object.fromEntries(keys().map((key) => [key, true])));
    const invalid = keys().find(localError);
    if (invalid) return form.querySelector<HTMLElement>(`#${props.id}-${invalid}`)?.focus();
    setEdited({});
    props.onSubmit(Object.fromEntries(keys().map((key) => [key, (values()[key] ?? '').trim()])) as Record<FieldKey, string>);
  };

  return (
    <form ref={form} class="form" novalidate on:submit={submit}>
      {props.children}
      <For each={keys()}>
        {(key) => {
          const id = `${props.id}-${key}`;
          const locked = () => key === 'email' && !!props.emailLocked;
          const describedBy = () => (error(key) ? `${id}-error` : locked() ? `${id}-note` : undefined);
          const onInput = (event: Event) => edit(key, (event.currentTarget as HTMLInputElement).value);
          const onBlur = () => setTouched((v) => ({ ...v, [key]: (values()[key] ?? '') !== '' || !!v[key] }));
          return (
            <div class="field">
              <label for={id}>
                {key === 'message' ? props.messageLabel : props.t[key]}
                <span class="hint"> ({isRequired(key) ? props.t.required : props.t.optional})</span>
              </label>
              {key === 'message' ? (
                <textarea
                  id={id}
                  rows={3}
                  maxLength={FIELD_MAX[key]}
                  value={values()[key] ?? ''}
                  aria-required={isRequired(key)}
                  aria-invalid={!!error(key)}
                  aria-describedby={describedBy()}
                  on:input={onInput}
                  on:blur={onBlur}
                />
              ) : (
                <input
                  id={id}
                  type={key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text'}
                  autocomplete={AUTOCOMPLETE[key]}
                  maxLength={FIELD_MAX[key]}
                  value={values()[key] ?? ''}
                  readOnly={locked()}
                  aria-required={isRequired(key)}
                  aria-invalid={!!error(key)}
                  aria-describedby={describedBy()}
                  on:input={onInput}
                  on:blur={onBlur}
                />
              )}
              <Show when={locked()}>
                <p id={`${id}-note`} class="note">
                  ✓ {props.t.verified}
                </p>
              </Show>
              <Show when={error(key)}>
                <p id={`${id}-error`} class="error">
                  {error(key)}
                </p>
              </Show>
            </div>
          );
        }}
      </For>
      <button type="submit" class="primary" disabled={props.busy}>
        {props.submitLabel}
      </button>
    </form>
  );
}
