import type { IncomingMessage } from 'node:http';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context';
import { principalKind, requestIdOf, type Logger } from '../platform/logger';

type LoggedContext = Partial<Context> & { req?: IncomingMessage };

type OperationFields = { operation: string | null; operationType: string | null; rootFields: string[] };
// Documents come from yoga's parser cache: the same object for the same query text, so this is worked out once per document and name.
const operationsByDocument = new WeakMap<DocumentNode, Map<string | null | undefined, OperationFields>>();

function operationOf(document: DocumentNode, operationName?: string | null): OperationFields {
  let byName = operationsByDocument.get(document);
  if (!byName) {
    byName = new Map();
    operationsByDocument.set(document, byName);
  }
  let fields = byName.get(operationName);
  if (!fields) {
    fields = describeOperation(document, operationName);
    // A document has one or a few operations; names a client made up are not kept.
    if (byName.size < 8) byName.set(operationName, fields);
  }
  return fields;
}

function describeOperation(document: DocumentNode, operationName?: string | null): OperationFields {
  const operation = getOperationAST(document, operationName ?? undefined);
  // Anonymous documents are told apart by their top-level fields (names only, never arguments).
  const rootFields = operation?.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : [])).slice(0, 10) ?? [];
  return { operation: operation?.name?.value ?? operationName ?? null, operationType: operation?.operation ?? null, rootFields };
}

function errorCodes(errors: readonly GraphQLError[] | undefined): string[] {
  return [...new Set((errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * One log line per GraphQL operation: its name and type, the request's (or socket's) id, the kind
 * of principal, the duration and the outcome with the error codes. Never the document's variables,
 * nor anything resolvers return: message bodies and tokens stay out of the logs.
 */
export function operationLogsPlugin(logger: Logger): Plugin<LoggedContext> {
  const fieldsOf = (context: LoggedContext, document: DocumentNode, operationName?: string | null) => ({
    reqId: context.req ? requestIdOf(context.req) : undefined,
    ...operationOf(document, operationName),
    principal: principalKind(context.principal),
  });

  const logDone = (fields: object, started: number, errors: readonly GraphQLError[] | undefined, extra: object = {}) => {
    const codes = errorCodes(errors);
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const line = { ...fields, durationMs, outcome: codes.length ? 'error' : 'ok', ...(codes.length ? { errorCodes: codes } : {}), ...extra };
    if (codes.includes('INTERNAL_SERVER_ERROR')) logger.error(line, 'graphql operation failed');
    else logger.info(line, 'graphql operation');
  };

  return {
    onValidate({ context, params }) {
      const started = performance.now();
      return ({ valid, result }) => {
        if (!valid) logDone(fieldsOf(context, params.documentAST), started, result as readonly GraphQLError[], { phase: 'validate' });
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      const fields = fieldsOf(args.contextValue, args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) logDone(fields, started, undefined, { outcome: 'streamed' });
          else logDone(fields, started, (result as ExecutionResult).errors);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const fields = fieldsOf(args.contextValue, args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) {
            logDone(fields, started, (result as ExecutionResult).errors);
            return;
          }
          logger.info({ ...fields, durationMs: Math.round((performance.now() - started) * 10) / 10, outcome: 'subscribed' }, 'graphql subscription started');
          let events = 0;
          return {
            onNext: () => {
              events += 1;
            },
            onEnd: () => logger.info({ ...fields, durationMs: Math.round(performance.now() - started), events }, 'graphql subscription ended'),
          };
        },
        onSubscribeError: () => logDone(fields, started, undefined, { outcome: 'error', errorCodes: ['INTERNAL_SERVER_ERROR'] }),
      };
    },
  };
}
