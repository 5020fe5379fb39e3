import { createStore, reconcile } from 'solid-js/store';
import { ApiError } from '@livechat/chat-client/errors';

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
