import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema';
import { findHostileInput } from './input-checks';

const uuid = '0196b7a0-0000-7000-8000-000000000000';
const SEND = parse('mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id } }');

describe('findHostileInput on a document seen before', () => {
  it('checks each request’s variables, not the first request’s', () => {
    const input = (body: string) => ({ input: { sessionId: uuid, body, clientMessageId: 'c1' } });
    expect(findHostileInput(schema, SEND, input('hello'))).toBeNull();
    const refused = findHostileInput(schema, SEND, input('a\u0000b'));
    expect(refused?.extensions.code).toBe('VALIDATION');
    expect(refused?.message).toContain('body');
    expect(findHostileInput(schema, SEND, input('hello again'))).toBeNull();
    expect(findHostileInput(schema, SEND, { input: { sessionId: 'not-a-uuid', body: 'x', clientMessageId: 'c2' } })?.extensions.code).toBe('VALIDATION');
  });

  it('refuses a bad literal on every request, each time with an error of its own', () => {
    const document = parse('query { chatSession(id: "nope") { id } }');
    const first = findHostileInput(schema, document, {});
    const second = findHostileInput(schema, document, {});
    expect(first?.extensions.code).toBe('NOT_FOUND');
    expect(second?.extensions.code).toBe('NOT_FOUND');
    expect(second).not.toBe(first);
  });

  it('answers the first problem in document order: a variable defined before a bad literal', () => {
    const document = parse('query ($id: ID!) { a: chatSession(id: $id) { id } b: chatSession(id: "nope") { id } }');
    expect(findHostileInput(schema, document, { id: 'bad' })?.message).toContain('id');
    expect(findHostileInput(schema, document, { id: uuid })?.extensions.code).toBe('NOT_FOUND');
  });
});
