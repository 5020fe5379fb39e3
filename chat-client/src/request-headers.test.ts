import { describe, expect, it } from 'vitest';
import { authorizationHeader, CSRF_HEADERS } from './request-headers';

describe('request headers', () => {
  it('sends a token as a bearer authorization, and nothing without one', () => {
    expect(authorizationHeader('abc')).toEqual({ authorization: 'Bearer abc' });
    for (const none of [null, undefined, '']) expect(authorizationHeader(none)).toEqual({});
  });

  it('has the header Yoga’s CSRF prevention asks for', () => {
    expect(CSRF_HEADERS).toEqual({ 'x-graphql-yoga-csrf': '1' });
  });
});
