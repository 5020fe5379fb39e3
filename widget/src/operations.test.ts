// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from './operations';

// The widget sends its operations' text as it is and carries no parser: graphql-js checks each here, against the API's schema,
// as the server will parse it (gql.tada check in typecheck does too, from the source).
const schema = buildSchema(readFileSync(join(import.meta.dirname, '../../schema.graphql'), 'utf8'));

describe('the widget’s GraphQL operations', () => {
  it('each parse to one operation (with the fragments it spreads) and validate against schema.graphql', () => {
    const entries = Object.entries(operations);
    expect(entries.length).toBeGreaterThanOrEqual(15);
    for (const [exportName, text] of entries) {
      const document = parse(text);
      const [operation, ...fragments] = document.definitions;
      expect(operation!.kind, exportName).toBe('OperationDefinition');
      expect(['query', 'mutation', 'subscription'], exportName).toContain((operation as OperationDefinitionNode).operation);
      expect(
        fragments.map((definition) => definition.kind),
        exportName,
      ).toEqual(fragments.map(() => 'FragmentDefinition'));
      expect(
        validate(schema, document).map((error) => error.message),
        exportName,
      ).toEqual([]);
    }
  });
});
