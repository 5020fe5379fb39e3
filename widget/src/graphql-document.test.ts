import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse, print } from './graphql-document';
import * as operations from './operations';

// The real graphql-js parser, loaded through Node (vite.config.ts points the widget's own imports of the small parser elsewhere).
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

describe('the widget’s minimal GraphQL document parser', () => {
  it('finds the same operation type and name as graphql-js in every widget operation, and keeps the text', () => {
    const entries = Object.entries(operations);
    expect(entries.length).toBeGreaterThanOrEqual(15);
    for (const [exportName, text] of entries) {
      const real = graphql.parse(text);
      // One operation per document, no fragments: what the minimal parser relies on.
      expect(real.definitions, exportName).toHaveLength(1);
      const [definition] = real.definitions as import('graphql').OperationDefinitionNode[];
      const ours = parse(text);
      expect(ours.definitions[0]?.operation, exportName).toBe(definition!.operation);
      expect(ours.definitions[0]?.name?.value, exportName).toBe(definition!.name?.value);
      expect(print(ours)).toBe(text);
    }
  });

  it('handles anonymous and shorthand queries and a leading fragment', () => {
    expect(parse('{ ping }').definitions[0]).toEqual({ kind: 'OperationDefinition', operation: 'query' });
    expect(parse('  mutation { a }').definitions[0]).toEqual({ kind: 'OperationDefinition', operation: 'mutation' });
    expect(parse('fragment F on T { a } subscription S { b { ...F } }').definitions[0]).toMatchObject({ operation: 'subscription', name: { value: 'S' } });
  });
});
