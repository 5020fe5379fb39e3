import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getNullableType,
  isListType,
  parse,
  validate,
  visit,
  type ASTVisitor,
  type FieldNode,
  type ValidationContext,
} from 'graphql';
import { maskError as maskUnexpectedError, type Plugin } from 'graphql-yoga';
import type { GraphqlLimits } from '../platform/config';
import type { Context } from './context';
import { AppError, forbidden, quoted, unauthenticated, type ErrorCode } from '../platform/errors';
import { findHostileInput } from './input-checks';

/** Longest error message a client receives: messages quote client input (field names, values). */
const MAX_MESSAGE_LENGTH = 300;

const refusal = (code: ErrorCode, message: string, status = 400) => new AppError(code, message, { http: { status } });

/**
 * An error as a client may see it: with a code from the README's table and a bounded message.
 * Changed in place, as yoga's own plugins do, so yoga does not log it as a masked unexpected error.
 */
export function toClientError(error: GraphQLError, fallbackCode?: ErrorCode): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  if (!extensions.code) {
    extensions.code = fallbackCode ?? codeOf(error);
    if (!extensions.http && (extensions.code === 'BAD_REQUEST' || extensions.code === 'BAD_USER_INPUT')) extensions.http = { status: 400 };
  }
  if (error.message.length > MAX_MESSAGE_LENGTH) error.message = quoted(error.message, MAX_MESSAGE_LENGTH);
  return error;
}

/** What GraphQL, Pothos and yoga throw without a code. */
function codeOf(error: GraphQLError): ErrorCode {
  if (error.name === 'PothosValidationError' || error.originalError?.name === 'PothosValidationError') return 'VALIDATION';
  // graphql-js's variable coercion ("Variable "$x" got invalid value …", "… was not provided.").
  if (error.message.startsWith('Variable "$')) return 'BAD_USER_INPUT';
  if (/^(Unknown operation named|Must provide operation name|Must provide an operation)/.test(error.message)) return 'OPERATION_RESOLUTION_FAILURE';
  if (error.path) return 'VALIDATION';
  // The rest come from yoga's request parsers (a malformed multipart `map`, a missing `query`).
  return 'BAD_REQUEST';
}

/** yoga's `maskedErrors.maskError`: unexpected errors become INTERNAL_SERVER_ERROR with no details, the rest keep a code. */
export function maskError(error: unknown, message: string): Error {
  const masked = maskUnexpectedError(error, message, false);
  return masked instanceof GraphQLError ? toClientError(masked) : masked;
}

/** Errors graphql-ws sends itself: a failed stream wraps the thrown error, which is masked like any other. */
export function socketErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) => {
    const masked = error.originalError ? maskError(error.originalError, 'Unexpected error.') : error;
    return toClientError(masked instanceof GraphQLError ? masked : error, 'OPERATION_RESOLUTION_FAILURE');
  });
}

function parseFailure(error: unknown, maxTokens: number): Error {
  // graphql's recursive-descent parser overflows the stack on a few thousand nested lists or selections.
  if (error instanceof RangeError) return refusal('QUERY_TOO_DEEP', 'The document is nested too deeply to parse.');
  if (!(error instanceof GraphQLError)) return error as Error;
  if (/^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(error.message))
    return refusal('TOO_MANY_TOKENS', `The document has more than ${maxTokens} tokens.`);
  return toClientError(
    new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } }),
  );
}

const armorRefusal = (code: ErrorCode) => (context: ValidationContext | null, error: GraphQLError) =>
  context?.reportError(refusal(code, error.message.replace(/^Syntax Error: /, '')));

/**
 * Refuses before execution what no real client sends (graphql-armor's depth, alias, directive
 * and cost rules; graphql's own token limit while parsing), turns parser stack overflows into
 * a coded refusal, and gives every GraphQL error a code and a bounded message.
 */
export function graphqlLimitsPlugin(limits: GraphqlLimits, options: { fieldSuggestions: boolean }): Plugin<Context> {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        EnvelopArmorPlugin({
          // graphql's own maxTokens (below) counts the same tokens natively; one counter, one error.
          maxTokens: { enabled: false },
          maxDepth: { n: limits.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [armorRefusal('QUERY_TOO_DEEP')] },
          maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [armorRefusal('TOO_MANY_ALIASES')] },
          maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [armorRefusal('TOO_MANY_DIRECTIVES')] },
          costLimit: { maxCost: limits.maxCost, flattenFragments: true, propagateOnRejection: false, onReject: [armorRefusal('QUERY_TOO_COMPLEX')] },
          blockFieldSuggestion: { enabled: !options.fieldSuggestions, mask: '' },
        }) as Plugin<Context>,
      );
    },
    onParse({ setParseFn }) {
      setParseFn((source, parseOptions) => {
        try {
          return parse(source, { ...parseOptions, maxTokens: limits.maxTokens });
        } catch (error) {
          throw parseFailure(error, limits.maxTokens);
        }
      });
    },
    onValidate({ validateFn, setValidationFn, addValidationRule }) {
      addValidationRule(listItemsRule(limits.maxListItems));
      addValidationRule(fragmentNestingRule(limits.maxDepth));
      setValidationFn((...args) => {
        try {
          return validateFn(...args);
        } catch (error) {
          if (error instanceof RangeError) return [refusal('QUERY_TOO_DEEP', 'The document is nested too deeply to validate.')];
          throw error;
        }
      });
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((error) => (error instanceof GraphQLError ? toClientError(error, 'GRAPHQL_VALIDATION_FAILED') : error)));
      };
    },
    // `data: null`, as when a resolver of the (non-null) root field throws the same error.
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refuseBeforeResolvers(args, limits);
      if (refused) setResultAndStopExecution({ data: null, errors: [refused] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refuseBeforeResolvers(args, limits);
      if (refused) setResultAndStopExecution({ data: null, errors: [refused] });
    },
  };
}

/**
 * Refuses fragments spread inside fragments more than `maxNesting` levels deep. graphql-armor's
 * depth rule flattens fragments, so a chain of thousands of `fragment F1 { ...F2 }` has depth 1
 * to it, while graphql's recursive validators and executor walk the chain on the stack: whether
 * such a document was refused or overflowed depended on how warm the JIT was. Written here
 * because graphql-armor has no such rule; iterative, so the check itself cannot overflow.
 */
export function fragmentNestingRule(maxNesting: number) {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      enter(document) {
        const spreadsOf = new Map<string, string[]>();
        for (const definition of document.definitions) {
          if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
          const spreads: string[] = [];
          visit(definition.selectionSet, { FragmentSpread: (spread) => void spreads.push(spread.name.value) });
          spreadsOf.set(definition.name.value, spreads);
        }
        // Nesting of each fragment: 1 + the deepest fragment it spreads. Unknown fragments and
        // cycles count 0 here; graphql's own rules report those.
        const nesting = new Map<string, number>();
        const pending = new Set<string>();
        const nestingOf = (root: string): number => {
          const stack = [root];
          while (stack.length) {
            const name = stack[stack.length - 1]!;
            if (nesting.has(name) || !spreadsOf.has(name)) {
              stack.pop();
              continue;
            }
            pending.add(name);
            const next = spreadsOf.get(name)!.find((child) => !nesting.has(child) && !pending.has(child) && spreadsOf.has(child));
            if (next) {
              stack.push(next);
              continue;
            }
            nesting.set(name, 1 + Math.max(0, ...spreadsOf.get(name)!.map((child) => nesting.get(child) ?? 0)));
            pending.delete(name);
            stack.pop();
          }
          return nesting.get(root) ?? 0;
        };
        // Every fragment, used or not: graphql's own cycle check walks unused chains as well. An
        // operation spreading a fragment is as deep as that fragment's nesting.
        const deepest = Math.max(0, ...[...spreadsOf.keys()].map(nestingOf));
        if (deepest > maxNesting) context.reportError(refusal('QUERY_TOO_DEEP', `Fragments are nested ${deepest} levels deep; the limit is ${maxNesting}.`));
        return false;
      },
    },
  });
}

/** Page size assumed for a list field without `first`/`last` (members of a channel, an agent's memberships). */
export const UNPAGED_LIST_SIZE = 20;
/** `first`/`last` given as a variable: the schema's largest page. */
const VARIABLE_PAGE_SIZE = 100;

/**
 * The number of list items a query can make the server load: each field counts the product of
 * the list sizes above it, and a fragment spread counts the fragment's items times the product
 * where it is spread. graphql-armor's cost rule multiplies by literal `first`/`last` only and
 * treats every other list as one item, so a query nesting memberships → channel → members →
 * agent → memberships … looks cheap to it while it fans out to millions of rows.
 *
 * A paged field that returns a page object (`messages(last: 50) { hasMore messages { … } }`)
 * bounds the lists inside the page, not the page itself, also when the page's selection is a
 * fragment: a fragment's top-level lists take the page size of wherever it is spread.
 */
export function listItemsRule(maxListItems: number) {
  return (context: ValidationContext): ASTVisitor => {
    type Definition = ListItemsDefinition;
    type Level = { size: number; page: number | undefined; scales: boolean };
    const operations: Definition[] = [];
    const fragments = new Map<string, Definition>();
    let current: Definition = { items: 0, scaled: 0, spreads: [] };
    let inFragment = false;
    const levels: Level[] = [];
    let product = 1;
    let scaledLevels = 0;
    const begin = (fragment: boolean) => {
      current = { items: 0, scaled: 0, spreads: [] };
      inFragment = fragment;
      levels.length = 0;
      product = 1;
      scaledLevels = 0;
    };
    const pageSizeOf = (node: FieldNode) => {
      const argument = node.arguments?.find((arg) => arg.name.value === 'first' || arg.name.value === 'last');
      if (!argument) return undefined;
      return argument.value.kind === Kind.INT ? Math.max(1, Number(argument.value.value)) : VARIABLE_PAGE_SIZE;
    };
    return {
      OperationDefinition: {
        enter() {
          begin(false);
          operations.push(current);
        },
      },
      FragmentDefinition: {
        enter(node) {
          begin(true);
          if (!fragments.has(node.name.value)) fragments.set(node.name.value, current);
        },
      },
      Field: {
        enter(node) {
          const type = context.getType();
          const isList = !!type && isListType(getNullableType(type));
          const pageSize = pageSizeOf(node);
          const parent = levels.at(-1);
          const scales = isList && pageSize === undefined && inFragment && !parent;
          const size = !isList || scales ? 1 : (pageSize ?? parent?.page ?? UNPAGED_LIST_SIZE);
          levels.push({ size, page: isList ? undefined : pageSize, scales });
          product *= size;
          if (scales) scaledLevels++;
          if (scaledLevels) current.scaled += product;
          else current.items += product;
        },
        leave() {
          const level = levels.pop()!;
          product /= level.size;
          if (level.scales) scaledLevels--;
        },
      },
      FragmentSpread(node) {
        const parent = levels.at(-1);
        current.spreads.push({ name: node.name.value, product, scaled: scaledLevels > 0, page: parent?.page, inherits: inFragment && !parent });
      },
      Document: {
        leave() {
          const heaviest = Math.max(0, ...operations.map((operation) => definitionItems(operation, undefined, fragments)));
          if (heaviest > maxListItems)
            context.reportError(
              refusal(
                'QUERY_TOO_COMPLEX',
                `The query could load about ${heaviest >= 1e15 ? heaviest.toExponential(1) : Math.round(heaviest)} list items; the limit is ${maxListItems}.`,
              ),
            );
        },
      },
    };
  };
}

/** A spread: the list product around it, whether it sits under a fragment's top-level list, and the page it is in. */
type ListItemsSpread = { name: string; product: number; scaled: boolean; page: number | undefined; inherits: boolean };
/** `scaled`: the items under a fragment's top-level lists, per item of those lists. */
type ListItemsDefinition = { items: number; scaled: number; spreads: ListItemsSpread[] };

/**
 * The items of a definition whose top-level lists hold `page` items (undefined: not in a page).
 * Iterative and memoised per fragment and page size: a chain of thousands of fragments cannot
 * overflow the stack, and a diamond costs one visit per fragment. A cycle (graphql's own
 * validation error) counts its back edge as nothing.
 */
function definitionItems(root: ListItemsDefinition, rootPage: number | undefined, fragments: Map<string, ListItemsDefinition>): number {
  const known = new Map<string, number>();
  const keyOf = (name: string, page: number | undefined) => `${name}|${page ?? ''}`;
  const pageOfSpread = (spread: ListItemsSpread, page: number | undefined) => (spread.inherits ? page : spread.page);
  const itemsWith = (definition: ListItemsDefinition, page: number | undefined) => {
    const size = page ?? UNPAGED_LIST_SIZE;
    return definition.spreads.reduce(
      (sum, spread) => sum + (spread.scaled ? size : 1) * spread.product * (known.get(keyOf(spread.name, pageOfSpread(spread, page))) ?? 0),
      definition.items + size * definition.scaled,
    );
  };
  const onPath = new Set<string>();
  const stack: { name: string; page: number | undefined }[] = root.spreads.map((spread) => ({ name: spread.name, page: pageOfSpread(spread, rootPage) }));
  while (stack.length) {
    const { name, page } = stack[stack.length - 1]!;
    const key = keyOf(name, page);
    const fragment = fragments.get(name);
    if (known.has(key) || !fragment) {
      if (!fragment) known.set(key, 0);
      stack.pop();
    } else if (!onPath.has(key)) {
      onPath.add(key);
      for (const spread of fragment.spreads) {
        const next = { name: spread.name, page: pageOfSpread(spread, page) };
        const nextKey = keyOf(next.name, next.page);
        if (!known.has(nextKey) && !onPath.has(nextKey)) stack.push(next);
      }
    } else {
      onPath.delete(key);
      stack.pop();
      known.set(key, itemsWith(fragment, page));
    }
  }
  return itemsWith(root, rootPage);
}

// yoga hands every execution of the same query text the same parsed document: check it once.
const introspectionByDocument = new WeakMap<object, boolean>();
function asksForIntrospection(schema: Parameters<typeof validate>[0], document: Parameters<typeof validate>[1]): boolean {
  let asks = introspectionByDocument.get(document);
  if (asks === undefined) {
    asks = validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0;
    introspectionByDocument.set(document, asks);
  }
  return asks;
}

function refuseBeforeResolvers(
  args: { schema: Parameters<typeof validate>[0]; document: Parameters<typeof validate>[1]; contextValue: unknown; variableValues?: unknown },
  limits: GraphqlLimits,
): GraphQLError | null {
  const principal = (args.contextValue as Partial<Context>).principal;
  const mayIntrospect = limits.introspection === 'public' || principal?.kind === 'agent' || principal?.kind === 'apiToken';
  if (!mayIntrospect && asksForIntrospection(args.schema, args.document)) {
    const message = 'Introspection (__schema, __type) needs an agent session or an API token.';
    return principal ? forbidden(message) : unauthenticated(message);
  }
  return findHostileInput(args.schema, args.document, args.variableValues as Record<string, unknown> | null | undefined);
}

const isMultipart = (request: Request) => /^multipart\/form-data/i.test(request.headers.get('content-type') ?? '');

/**
 * JSON, form-encoded and GET requests: the body is capped at GRAPHQL_MAX_BODY_BYTES (checked
 * against Content-Length, and while streaming when there is none), and what the request parser
 * cannot read (invalid JSON in `variables`, a malformed multipart `map`) is a BAD_REQUEST, not a 500.
 * Multipart uploads keep their own, larger cap (uploads.ts).
 */
export function requestBodyPlugin(maxBodyBytes: number): Plugin<Context> {
  const tooLarge = () => refusal('REQUEST_ENTITY_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes.`, 413);
  const unreadable = (error: unknown) => {
    if (error instanceof GraphQLError) return toClientError(error, 'BAD_REQUEST');
    if (error instanceof Error && error.name === 'AbortError') return error;
    return refusal('BAD_REQUEST', 'The request could not be read: `variables` and `extensions` must be JSON, a multipart `map` a JSON object of lists.');
  };
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const multipart = isMultipart(request);
      if (!multipart) {
        const length = request.headers.get('content-length');
        if (length && /^\d+$/.test(length) && Number(length) > maxBodyBytes) throw tooLarge();
      }
      if (!requestParser) return;
      setRequestParser(async (req) => {
        try {
          return await requestParser(multipart || !req.body ? req : capBody(req, maxBodyBytes, fetchAPI, tooLarge));
        } catch (error) {
          throw unreadable(error);
        }
      });
    },
  };
}

/** A body without Content-Length (chunked) is counted while it streams; yoga's own helper for this is not exported. */
function capBody(
  request: Request,
  limit: number,
  fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream },
  tooLarge: () => Error,
): Request {
  if (request.headers.get('content-length')) return request;
  // As yoga does: a native stream needs the native TransformStream.
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}
