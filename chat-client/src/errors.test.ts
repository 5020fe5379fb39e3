import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFromGraphql, NETWORK_ERROR_MESSAGE } from './errors';

describe('apiErrorFromGraphql', () => {
  it('takes the first error’s message, code and extensions, with the field and the wait read from them', () => {
    const error = apiErrorFromGraphql([
      { message: 'email: is not an email address', extensions: { code: 'VALIDATION', field: 'email' } },
      { message: 'Second', extensions: { code: 'FORBIDDEN' } },
    ]);
    expect(error).toBeInstanceOf(ApiError);
    expect([error.name, error.message, error.code, error.field, error.retryAfter, error.isNetwork]).toEqual([
      'ApiError',
      'email: is not an email address',
      'VALIDATION',
      'email',
      undefined,
      false,
    ]);

    const limited = apiErrorFromGraphql([{ message: 'Too many attempts. Retry after 12 seconds.', extensions: { code: 'RATE_LIMITED', retryAfter: 12 } }]);
    expect([limited.code, limited.retryAfter, limited.field]).toEqual(['RATE_LIMITED', 12, undefined]);

    const offline = apiErrorFromGraphql([{ message: 'The channel is offline.', extensions: { code: 'CHANNEL_OFFLINE', reason: 'OUTSIDE_HOURS' } }]);
    expect(offline.extensions.reason).toBe('OUTSIDE_HOURS');
  });

  it('gives an error without a code INTERNAL, and ignores a field or a wait of the wrong type', () => {
    expect(apiErrorFromGraphql([{ message: 'Boom' }])).toMatchObject({ message: 'Boom', code: 'INTERNAL' });
    expect(apiErrorFromGraphql([{ message: 'Boom', extensions: null }])).toMatchObject({ code: 'INTERNAL' });
    const odd = apiErrorFromGraphql([{ message: 'Odd', extensions: { code: 42, field: 7, retryAfter: '3' } }]);
    expect([odd.code, odd.field, odd.retryAfter]).toEqual(['INTERNAL', undefined, undefined]);
  });

  it('is NETWORK when there is no GraphQL error at all', () => {
    for (const errors of [undefined, null, []]) {
      const error = apiErrorFromGraphql(errors);
      expect([error.code, error.message, error.isNetwork]).toEqual(['NETWORK', NETWORK_ERROR_MESSAGE, true]);
    }
  });
});
