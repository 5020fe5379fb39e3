import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder';
import { quoted } from '../platform/errors';

function parseDate(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value))
    throw new GraphQLError('DateTime must be an ISO-8601 string such as 2026-01-31T12:00:00Z.');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime "${quoted(value)}" is not a valid date.`);
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant in time, as an ISO-8601 string in UTC (e.g. 2026-01-31T12:00:00.000Z).',
  // Event payloads carry ISO strings (they cross Redis as JSON); rows carry Dates.
  serialize: (value) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.');
    return parseDate(ast.value);
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON: small structured facts attached to events.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
