import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './platform/config';
import { printSortedSchema, schema } from './schema';

describe('schema.graphql', () => {
  it('is the current, sorted print of the Pothos schema (run `pnpm schema:print` when this fails)', () => {
    const checkedIn = readFileSync(path.join(repoRoot, 'schema.graphql'), 'utf8');
    expect(checkedIn).toBe(printSortedSchema());
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      } else if (isEnumType(type)) {
        // Enum values are self-describing names; the enum's own description explains them.
      } else if (isUnionType(type)) {
        // Members are described on their own types.
      }
    }
    expect(missing).toEqual([]);
  });
});
