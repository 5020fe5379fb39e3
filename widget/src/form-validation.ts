import type { Strings } from './i18n';

export type VisitorField = 'NAME' | 'EMAIL' | 'PHONE' | 'COMPANY' | 'COUNTRY';
export type FieldKey = 'name' | 'email' | 'phone' | 'company' | 'country' | 'message';

export const FIELD_KEYS: Record<VisitorField, FieldKey> = { NAME: 'name', EMAIL: 'email', PHONE: 'phone', COMPANY: 'company', COUNTRY: 'country' };

/** The server's limits (api/src/modules/visitors/visitor-fields.ts, MAX_MESSAGE_LENGTH): checked here first so the visitor sees them while typing. */
export const FIELD_MAX: Record<FieldKey, number> = { name: 100, email: 254, phone: 50, company: 100, country: 100, message: 4000 };

// The same rule as the server's: one @, a dot in the domain, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The message to show under a field, or null when the value is fine. */
export function fieldError(key: FieldKey, value: string, required: boolean, t: Strings): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return required ? t.errRequired : null;
  if (trimmed.length > FIELD_MAX[key]) return t.errLong.replace('{max}', String(FIELD_MAX[key]));
  if (key === 'email' && !EMAIL_PATTERN.test(trimmed)) return t.errEmail;
  return null;
}
