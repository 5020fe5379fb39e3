import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLogger, principalKind, requestIdOf, wantsPrettyLogs } from './logger';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ logLevel: level, development: false }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('logger', () => {
  it('censors credentials, variables and bodies wherever a log call puts them', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        authorization: 'Bearer abc',
        password: 'hunter2',
        variables: { body: 'hello' },
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } },
        input: { token: 't0k', body: 'secret words' },
      },
      'x',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['abc', 'hunter2', 'hello', 'sid=1', 't0k', 'secret words']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      authorization: '[redacted]',
      password: '[redacted]',
      variables: '[redacted]',
      input: { token: '[redacted]', body: '[redacted]' },
    });
  });

  it('writes at the configured level and above', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => l.msg)).toEqual(['loud']);
  });

  it('keeps a plain incoming X-Request-Id and replaces any other with a UUID, the same for the whole request', () => {
    expect(requestIdOf(req({ 'x-request-id': 'lb-1234.abc:9' }))).toBe('lb-1234.abc:9');
    for (const bad of ['has space', 'a"quote', 'x'.repeat(129), 'line\nbreak', ''])
      expect(requestIdOf(req({ 'x-request-id': bad }))).toMatch(/^[0-9a-f-]{36}$/);
    const one = req({});
    expect(requestIdOf(one)).toBe(requestIdOf(one));
  });

  it('names principal kinds, never who', () => {
    expect([principalKind(null), principalKind({ kind: 'visitor' }), principalKind({ kind: 'agent' }), principalKind({ kind: 'apiToken' })]).toEqual([
      'anonymous',
      'visitor',
      'agent',
      'token',
    ]);
  });

  it('pretty-prints for development only', () => {
    expect(wantsPrettyLogs({ development: false }, { NODE_ENV: 'production' }, true)).toBe(false);
    expect(wantsPrettyLogs({ development: true }, {}, false)).toBe(false);
    expect(wantsPrettyLogs({ development: true }, {}, true)).toBe(true);
    expect(wantsPrettyLogs({ development: false }, { NODE_ENV: 'development' }, false)).toBe(true);
  });
});
