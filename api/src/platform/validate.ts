import { validation } from './errors';

// Deliberately simple: one @, a dot in the domain, no spaces. Real verification is sending mail.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims, rejects empty (when required) and enforces a maximum length. */
export function cleanText(field: string, value: string, opts: { max: number; required?: boolean }): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const trimmed = value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
  if (opts.required !== false && trimmed === '') throw validation(field, 'must not be empty');
  if (trimmed.length > opts.max) throw validation(field, `must be at most ${opts.max} characters`);
  return trimmed;
}

export function cleanOptionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value == null) return null;
  const cleaned = cleanText(field, value, { max, required: false });
  return cleaned === '' ? null : cleaned;
}

export function cleanEmail(field: string, value: string): string {
  const email = cleanText(field, value, { max: 254 }).toLowerCase();
  if (!EMAIL_PATTERN.test(email)) throw validation(field, 'is not a valid email address');
  return email;
}

/** An absolute http(s) URL of at most 2000 characters; null or empty clears the value. */
export function cleanHttpUrl(field: string, value: string | null | undefined): string | null {
  const text = cleanOptionalText(field, value, 2000);
  if (text === null) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw validation(field, 'must be an absolute URL starting with https:// or http://');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validation(field, 'must be an absolute URL starting with https:// or http://');
  return url.toString();
}
