import { checked, email, httpUrl, optionalText, text } from './validation';

// The checks for callers outside GraphQL arguments (services, http routes, seed): the schemas of
// validation.ts, run at once, so both ways fail with the same error.

/** Trims, rejects empty (when required) and enforces a maximum length. */
export const cleanText = (field: string, value: string, opts: { max: number; required?: boolean }): string => checked(text(field, opts), value);

export const cleanOptionalText = (field: string, value: string | null | undefined, max: number): string | null => checked(optionalText(field, max), value);

export const cleanEmail = (field: string, value: string): string => checked(email(field), value);

/** An absolute http(s) URL of at most 2000 characters; null or empty clears the value. */
export const cleanHttpUrl = (field: string, value: string | null | undefined): string | null => checked(httpUrl(field), value);
