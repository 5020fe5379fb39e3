import { describe, expect, it } from 'vitest';
import type { AppError } from './errors';
import { MAX_SEARCH_QUERY_LENGTH, MAX_SEARCH_QUERY_WORDS, MAX_SEARCH_RESULTS, cleanSearch, searchQueryWords } from './text-search';

describe('searchQueryWords', () => {
  it('keeps only letters, digits and combining marks, lower-cased', () => {
    expect(searchQueryWords(`Pass' & !reset | (:* <-> "x") -- ; DROP`)).toEqual(['pass', 'reset', 'x', 'drop']);
    expect(searchQueryWords('Ærlig talt – 密码 café')).toEqual(['ærlig', 'talt', '密码', 'café']);
    expect(searchQueryWords(' ?! ... ')).toEqual([]);
  });

  it('deduplicates, keeping the last occurrence last (it is the word being typed)', () => {
    expect(searchQueryWords('reset password reset')).toEqual(['password', 'reset']);
  });

  it(`keeps the last ${MAX_SEARCH_QUERY_WORDS} words`, () => {
    const words = Array.from({ length: MAX_SEARCH_QUERY_WORDS + 3 }, (_, i) => `w${i}`);
    expect(searchQueryWords(words.join(' '))).toEqual(words.slice(3));
  });
});

describe('cleanSearch', () => {
  it('enforces the query length and the limit range with VALIDATION naming the field', () => {
    expect(cleanSearch('x'.repeat(MAX_SEARCH_QUERY_LENGTH), 1)).toHaveLength(1);
    const fieldOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as AppError).extensions.field;
      }
      return 'no error';
    };
    expect(fieldOf(() => cleanSearch('x'.repeat(MAX_SEARCH_QUERY_LENGTH + 1), 10))).toBe('query');
    for (const limit of [0, MAX_SEARCH_RESULTS + 1, 1.5, -1]) expect(fieldOf(() => cleanSearch('x', limit))).toBe('limit');
    expect(cleanSearch('x', MAX_SEARCH_RESULTS)).toEqual(['x']);
  });
});
