// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from './operations';

// The widget sends its operation strings as they are and carries no parser: graphql-js checks them here, against the API's schema.
const schema = buildSchema(readFileSync(join(import.meta.dirname, '../../schema.graphql'), 'utf8'));

describe('the widget’s GraphQL operations', () => {
  it('each parse to one operation and validate against schema.graphql', () => {
    const entries = Object.entries(operations);
    expect(entries.length).toBeGreaterThanOrEqual(15);
    for (const [exportName, text] of entries) {
      const document = parse(text);
      expect(document.definitions, exportName).toHaveLength(1);
      expect(document.definitions[0]!.kind, exportName).toBe('OperationDefinition');
      expect(['query', 'mutation', 'subscription'], exportName).toContain((document.definitions[0] as OperationDefinitionNode).operation);
      expect(
        validate(schema, document).map((error) => error.message),
        exportName,
      ).toEqual([]);
    }
  });
});
