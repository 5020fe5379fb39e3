import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type InlineFragmentNode } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import * as widgetOperations from '../../../widget/src/operations';
import { graphqlLimitsFromEnv, repoRoot, type GraphqlLimits } from '../platform/config';
import { schema } from '../schema';
import { graphqlLimitsPlugin } from './limits';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** Every operation the console sends: the gql.tada `graphql(`…`)` documents, each with the fragments it spreads. */
function consoleOperations(): { name: string; document: string }[] {
  const definitions: DefinitionNode[] = [];
  for (const file of sourceFiles(path.join(repoRoot, 'console/src')))
    for (const match of readFileSync(file, 'utf8').matchAll(/graphql\(\s*`([^`]*)`/g)) definitions.push(...parse(match[1]!, { noLocation: true }).definitions);
  const fragments = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  return definitions.flatMap((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return [];
    const needed = new Map<string, FragmentDefinitionNode>();
    const collect = (node: DefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (!fragment || needed.has(spread.name.value)) return;
          needed.set(spread.name.value, fragment);
          collect(fragment);
        },
      });
    collect(definition);
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...needed.values()] };
    return [{ name: `console ${definition.name?.value ?? print(definition).slice(0, 40)}`, document: print(document) }];
  });
}

const clientOps = [
  ...consoleOperations(),
  ...Object.entries(widgetOperations)
    .filter(([, document]) => /^\s*(query|mutation|subscription)\b/.test(String(document)))
    .map(([name, document]) => ({ name: `widget ${name}`, document: String(document) })),
];

function limitErrors(limits: GraphqlLimits, document: string): string[] {
  const yoga = createYoga({ schema, plugins: [graphqlLimitsPlugin(limits, { fieldSuggestions: false })] });
  const { parse: parseDocument, validate } = yoga.getEnveloped({});
  try {
    return validate(schema, parseDocument(document)).map((error: { extensions?: { code?: unknown } }) => String(error.extensions?.code));
  } catch (error) {
    return [String((error as { extensions?: { code?: string } }).extensions?.code)];
  }
}

/** The document with every fragment spread replaced by the fragment's selection, inline. */
function inlineFragments(document: string): string {
  const parsed = parse(document, { noLocation: true });
  const fragments = new Map(parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const expand = <T extends DefinitionNode | InlineFragmentNode>(node: T): T =>
    visit(node, {
      FragmentSpread(spread): InlineFragmentNode {
        const fragment = fragments.get(spread.name.value)!;
        return expand({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, selectionSet: fragment.selectionSet });
      },
    });
  const operations = parsed.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).map(expand);
  return print({ kind: Kind.DOCUMENT, definitions: operations });
}

/** The list items the rule counts for a document (a limit of 1 makes it say). */
function listItems(document: string): number {
  const limits = { ...graphqlLimitsFromEnv({}), maxListItems: 1, maxCost: 1e9, maxTokens: 1e6 };
  const yoga = createYoga({ schema, plugins: [graphqlLimitsPlugin(limits, { fieldSuggestions: false })] });
  const { parse: parseDocument, validate } = yoga.getEnveloped({});
  const errors = validate(schema, parseDocument(document)) as { message: string; extensions?: { code?: unknown } }[];
  const counted = errors.find((error) => error.extensions?.code === 'QUERY_TOO_COMPLEX' && /list items/.test(error.message));
  return counted ? Number(/about (\S+) list items/.exec(counted.message)![1]) : 0;
}

describe('GraphQL limits against what the real clients send', () => {
  it('finds the console and widget operations', () => {
    expect(clientOps.filter((op) => op.name.startsWith('console')).length).toBeGreaterThan(50);
    expect(clientOps.filter((op) => op.name.startsWith('widget')).length).toBeGreaterThan(10);
  });

  it('lets every console and widget operation through with the default limits', () => {
    const defaults = graphqlLimitsFromEnv({});
    const refused = clientOps.map((op) => ({ name: op.name, errors: limitErrors(defaults, op.document) })).filter((op) => op.errors.length);
    expect(refused).toEqual([]);
  });

  it('refuses the heaviest of them with tight limits, naming each limit', () => {
    const defaults = graphqlLimitsFromEnv({});
    const tight = (over: Partial<GraphqlLimits>) => ({ ...defaults, ...over });
    const codes = (limits: GraphqlLimits) => new Set(clientOps.flatMap((op) => limitErrors(limits, op.document)));
    expect(codes(tight({ maxDepth: 2 }))).toEqual(new Set(['QUERY_TOO_DEEP']));
    expect(codes(tight({ maxTokens: 20 }))).toEqual(new Set(['TOO_MANY_TOKENS']));
    expect(codes(tight({ maxCost: 10 }))).toEqual(new Set(['QUERY_TOO_COMPLEX']));
    expect(codes(tight({ maxListItems: 10 }))).toEqual(new Set(['QUERY_TOO_COMPLEX']));
  });

  it('defaults leave at least twice the room the busiest real operation needs', () => {
    const defaults = graphqlLimitsFromEnv({});
    const half = (key: keyof GraphqlLimits) => ({ ...defaults, [key]: Math.floor((defaults[key] as number) / 2) });
    for (const key of ['maxDepth', 'maxAliases', 'maxTokens', 'maxDirectives', 'maxCost', 'maxListItems'] as const)
      expect(
        clientOps.filter((op) => limitErrors(half(key), op.document).length).map((op) => op.name),
        key,
      ).toEqual([]);
  });

  it('refuses fragments nested deeper than maxDepth, however the fragments are laid out', () => {
    const defaults = graphqlLimitsFromEnv({});
    const chain = (levels: number) =>
      `{ ...F1 } ${Array.from({ length: levels - 1 }, (_, i) => `fragment F${i + 1} on Query { ...F${i + 2} }`).join(' ')} fragment F${levels} on Query { __typename }`;
    expect(limitErrors(defaults, chain(defaults.maxDepth))).toEqual([]);
    expect(limitErrors(defaults, chain(defaults.maxDepth + 1))).toEqual(['QUERY_TOO_DEEP']);
    expect(limitErrors({ ...defaults, maxTokens: 1_000_000 }, chain(5000))).toEqual(['QUERY_TOO_DEEP']);
    // Each level spreads the next one twice: 2^40 paths, which a naive walk would follow.
    const diamond = `{ ...D1 } ${Array.from({ length: 39 }, (_, i) => `fragment D${i + 1} on Query { ...D${i + 2} a: __typename ...D${i + 2} }`).join(' ')} fragment D40 on Query { __typename }`;
    expect(limitErrors({ ...defaults, maxTokens: 1_000_000 }, diamond)).toContain('QUERY_TOO_DEEP');
    // Unused fragments are walked by graphql's validators too.
    const unused = `{ __typename } ${Array.from({ length: 4999 }, (_, i) => `fragment U${i + 1} on Query { ...U${i + 2} }`).join(' ')} fragment U5000 on Query { __typename }`;
    expect(limitErrors({ ...defaults, maxTokens: 1_000_000 }, unused)).toContain('QUERY_TOO_DEEP');
    // A cycle is graphql's own validation error, not a crash.
    expect(limitErrors(defaults, '{ ...C1 } fragment C1 on Query { ...C2 } fragment C2 on Query { ...C1 }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('counts list items through fragments as if they were written inline', () => {
    const measured = clientOps.map((op) => ({ name: op.name, spread: listItems(op.document), inline: listItems(inlineFragments(op.document)) }));
    expect(measured.filter((op) => op.spread !== op.inline)).toEqual([]);
    expect(Math.max(...measured.map((op) => op.spread))).toBeGreaterThan(1_000);
  });

  it('refuses a fan-out hidden in fragments, and bounds the lists in a page by its page size, wherever its selection is written', () => {
    const limits = { ...graphqlLimitsFromEnv({}), maxListItems: 500 };
    const hidden = '{ channels { ...C } } fragment C on Channel { members { agent { id } } }';
    // channels (20) → members (20 each) → agent → id: 20 + 400 + 400 + 400.
    expect(listItems(hidden)).toBe(1_220);
    expect(listItems(hidden)).toBe(listItems(inlineFragments(hidden)));
    expect(limitErrors(limits, hidden)).toEqual(['QUERY_TOO_COMPLEX']);
    const twice = '{ channels { ...A } } fragment A on Channel { members { ...B } } fragment B on ChannelMember { agent { memberships { channel { id } } } }';
    expect(listItems(twice)).toBe(listItems(inlineFragments(twice)));
    expect(listItems(twice)).toBe(20 + 400 + 400 + 8_000 * 3);
    const paged = (size: number) =>
      `query ($id: ID!) { chatSession(id: $id) { messages(last: ${size}) { ...P } } } fragment P on MessagePage { hasMore messages { id } }`;
    expect(listItems(paged(100))).toBe(listItems(inlineFragments(paged(100))));
    expect(listItems(paged(100)) - listItems(paged(50))).toBe(100);
  });
});
