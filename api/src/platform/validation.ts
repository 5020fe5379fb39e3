import { z } from 'zod';
import { AppError, validation } from './errors';

/**
 * The input checks as zod schemas, each naming the field it reports on, so a failure becomes the
 * same `validation(field, message)` wherever it runs: declared on a GraphQL argument (the
 * validation plugin, graphql/builder.ts) or called from a service (`cleanText` and the others).
 */

// Deliberately simple: one @, a dot in the domain, no spaces. Real verification is sending mail.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const NOT_HTTP_URL = 'must be an absolute URL starting with https:// or http://';

/** Adds the failure, naming its field, and returns zod's marker for "no value". */
function refuse(ctx: z.RefinementCtx, field: string, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { field } });
  return z.NEVER;
}

/** Turns a check's thrown validation(field, message) into the same issue; any other error goes on. */
function refuseWithError(ctx: z.RefinementCtx, error: unknown): never {
  const field = error instanceof AppError && error.code === 'VALIDATION' ? error.extensions.field : undefined;
  if (typeof field !== 'string') throw error;
  return refuse(ctx, field, (error as AppError).message.slice(field.length + 2));
}

/** The first failure of a check as today's error: code VALIDATION, message `field: message`. */
export function appErrorFromIssues(issues: readonly { message: string; params?: unknown; path?: readonly unknown[] }[]): AppError {
  const [issue] = issues;
  const field = (issue?.params as { field?: unknown } | undefined)?.field;
  const path = issue?.path?.map((p) => (typeof p === 'object' && p !== null && 'key' in p ? p.key : p)).join('.');
  return validation(typeof field === 'string' ? field : path || 'input', issue?.message ?? 'is not valid');
}

/** Runs a schema outside GraphQL: the value it produces, or today's AppError for its first failure. */
export function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw appErrorFromIssues(result.error.issues);
  return result.data;
}

/** Control characters removed, trimmed, not empty (unless `required: false`), at most `max` characters. */
export const text = (field: string, { max, required = true }: { max: number; required?: boolean }) =>
  z.string().transform((value, ctx) => {
    const trimmed = value.replace(CONTROL_CHARACTERS, '').trim();
    if (required && trimmed === '') return refuse(ctx, field, 'must not be empty');
    if (trimmed.length > max) return refuse(ctx, field, `must be at most ${max} characters`);
    return trimmed;
  });

/** Like `text`, with line ends normalised to \n first (a text that keeps its line breaks). */
export const multilineText = (field: string, opts: { max: number; required?: boolean }) =>
  z
    .string()
    .transform((value) => value.replace(/\r\n?/g, '\n'))
    .pipe(text(field, opts));

/** Like `text`, where absent, null and empty all mean "no value": null. */
export const optionalText = (field: string, max: number) =>
  z
    .string()
    .nullish()
    .transform((value, ctx) => {
      if (value == null) return null;
      const cleaned = text(field, { max, required: false }).safeParse(value);
      if (!cleaned.success) return refuse(ctx, field, cleaned.error.issues[0]!.message);
      return cleaned.data === '' ? null : cleaned.data;
    });

/** A trimmed, lowercased address of at most 254 characters. */
export const email = (field: string) =>
  text(field, { max: 254 })
    .transform((value) => value.toLowerCase())
    .transform((value, ctx) => (EMAIL_PATTERN.test(value) ? value : refuse(ctx, field, 'is not a valid email address')));

/** An absolute http(s) URL of at most 2000 characters, normalised; null or empty clears the value. */
export const httpUrl = (field: string) =>
  optionalText(field, 2000).transform((value, ctx) => {
    if (value === null) return null;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return refuse(ctx, field, NOT_HTTP_URL);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(ctx, field, NOT_HTTP_URL);
    return url.toString();
  });

/** A whole number from `min` to `max`. */
export const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number()
    .transform((value, ctx) =>
      Number.isInteger(value) && value >= min && value <= max ? value : refuse(ctx, field, `must be a whole number from ${min} to ${max}`),
    );

/** A schema followed by a domain check written as a function that throws validation(field, message). */
export const alsoChecked = <T>(schema: z.ZodType<T>, check: (value: T) => void) =>
  schema.transform((value, ctx) => {
    try {
      check(value);
      return value;
    } catch (error) {
      return refuseWithError(ctx, error);
    }
  });
