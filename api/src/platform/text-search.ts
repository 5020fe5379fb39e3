import { validation } from './errors';
import { Prisma } from '../generated/prisma/client';

/** Longest search text an agent or script may send (typing-as-you-search sends short strings). */
export const MAX_SEARCH_QUERY_LENGTH = 200;
/** Words after these add nothing useful to an AND search, only cost. */
export const MAX_SEARCH_QUERY_WORDS = 8;
export const MAX_SEARCH_RESULTS = 50;

/**
 * The words of a search text as the agent typed them: lower-cased runs of letters, digits and
 * combining marks, deduplicated, at most MAX_SEARCH_QUERY_WORDS. Nothing in them is tsquery
 * syntax (no quotes, `&`, `|`, `!`, `:`, `*`, parentheses), so `word:*` is a safe lexeme prefix.
 * The last word stays last: it is the one being typed.
 */
export function searchQueryWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu) ?? [];
  const unique: string[] = [];
  for (const word of words) {
    const at = unique.indexOf(word);
    if (at !== -1) unique.splice(at, 1);
    unique.push(word);
  }
  return unique.slice(-MAX_SEARCH_QUERY_WORDS);
}

/** Validates a search text and the result limit; returns the words to search for (maybe none). */
export function cleanSearch(query: string, limit: number, field = 'query'): string[] {
  if (query.length > MAX_SEARCH_QUERY_LENGTH) throw validation(field, `must be at most ${MAX_SEARCH_QUERY_LENGTH} characters`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) throw validation('limit', `must be a whole number from 1 to ${MAX_SEARCH_RESULTS}`);
  return searchQueryWords(query);
}

/**
 * A tsquery that every word must match (typing-as-you-search narrows the results), where a word
 * matches as a prefix of any word in the document ('simple' config: `pass` finds "password") or
 * as an English stem (`passwords` finds "password"). English stop words are left out, except the
 * last word, which may be the start of a longer one ("the" → "theme").
 *
 * The words travel as one bound text[] parameter; PostgreSQL itself builds each term and prints it
 * back as quoted tsquery text, so no user text is ever spliced into SQL or tsquery syntax.
 * NULL when no term is left (then nothing matches).
 */
export function prefixSearchQuery(words: string[]): Prisma.Sql {
  return Prisma.sql`(
    SELECT string_agg('(' || term::text || ')', ' & ' ORDER BY n)::tsquery
    FROM (
      SELECT n, to_tsquery('simple', word || ':*') || to_tsquery('english', word) AS term
      FROM unnest(${words}::text[]) WITH ORDINALITY AS w(word, n)
      WHERE n = ${words.length} OR to_tsvector('english', word) <> ''::tsvector
    ) terms
  )`;
}

/** One text in both configurations: 'simple' lexemes for prefixes, 'english' stems for word forms. */
export function searchVector(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(to_tsvector('simple', ${column}) || to_tsvector('english', ${column}))`;
}

/**
 * The searchable document of a row: each field in both configurations ('simple' for prefixes,
 * 'english' for stems), weighted A (names, questions) or B (bodies, answers).
 */
export function searchDocument(fields: { column: Prisma.Sql; weight: 'A' | 'B' }[]): Prisma.Sql {
  return Prisma.join(
    fields.map(
      ({ column, weight }) =>
        Prisma.sql`setweight(to_tsvector('simple', ${column}), ${Prisma.raw(`'${weight}'`)}) || setweight(to_tsvector('english', ${column}), ${Prisma.raw(`'${weight}'`)})`,
    ),
    ' || ',
  );
}
