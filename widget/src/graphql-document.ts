/**
 * Stands in for `@0no-co/graphql.web` inside the widget bundle (vite.config.ts aliases it here),
 * saving its 9 KB parser and printer. @urql/core parses a query string only to learn the
 * operation's type and name, and sends the original text (`loc.source.body`) to the server; the
 * server does the real parsing and validation. The widget's documents are its own fixed strings
 * (operations.ts), one operation each, which graphql-document.test.ts checks against graphql-js.
 */
export const Kind = {
  DOCUMENT: 'Document',
  OPERATION_DEFINITION: 'OperationDefinition',
  FRAGMENT_DEFINITION: 'FragmentDefinition',
  FIELD: 'Field',
  NAME: 'Name',
} as const;

interface Source {
  body: string;
  name: string;
  locationOffset: { line: number; column: number };
}

export interface MinimalDocument {
  kind: 'Document';
  definitions: { kind: 'OperationDefinition'; operation: string; name?: { kind: 'Name'; value: string } }[];
  loc: { start: number; end: number; source: Source };
}

export function parse(body: string): MinimalDocument {
  // The first operation keyword at the top level: at the start, or right after a closing brace.
  const [, operation = 'query', name] = /(?:^|\})\s*(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/.exec(body) ?? [];
  return {
    kind: 'Document',
    definitions: [{ kind: 'OperationDefinition', operation, ...(name ? { name: { kind: 'Name', value: name } } : {}) }],
    loc: { start: 0, end: body.length, source: { body, name: 'gql', locationOffset: { line: 1, column: 1 } } },
  };
}

/** Only documents from `parse` above reach it; they carry their text. */
export function print(node: { loc?: { source: { body: string } } }): string {
  return node.loc?.source.body ?? '';
}

/** The error urql builds from each entry of a response's `errors` (only what the widget reads is kept). */
export class GraphQLError extends Error {
  readonly path?: readonly (string | number)[];
  readonly extensions: Record<string, unknown>;
  constructor(message: string, _nodes?: unknown, _source?: unknown, _positions?: unknown, path?: readonly (string | number)[], _original?: unknown, extensions?: Record<string, unknown>) {
    super(message);
    this.path = path;
    this.extensions = extensions ?? {};
  }
}
