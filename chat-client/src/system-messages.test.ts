import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ONLY_SYSTEM_TYPES } from './system-messages';

const schema = readFileSync(join(import.meta.dirname, '../../schema.graphql'), 'utf8');

describe('AGENT_ONLY_SYSTEM_TYPES', () => {
  it('names values of the schema’s SystemMessageType', () => {
    const values = /enum SystemMessageType \{([^}]*)\}/.exec(schema)?.[1]?.match(/\b[A-Z_]+\b/g) ?? ([] as string[]);
    expect(values.length).toBeGreaterThan(5);
    expect([...AGENT_ONLY_SYSTEM_TYPES].filter((type) => !values.includes(type))).toEqual([]);
  });
});
