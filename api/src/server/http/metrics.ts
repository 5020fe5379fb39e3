import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { WebSocketServer } from 'ws';
import type { MetricsConfig } from '../../platform/config';
import type { Metrics } from '../../platform/metrics';
import { bearerFrom } from '../../platform/tokens';
import { maskError } from '../../graphql/limits';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  value != null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/** The code the client sees for an error (uncoded ones are masked to INTERNAL_SERVER_ERROR). */
function clientCode(error: unknown): unknown {
  const shown = error instanceof GraphQLError && !error.extensions?.code ? maskError(error.originalError ?? error, 'Unexpected error.') : error;
  return shown instanceof GraphQLError ? shown.extensions?.code : 'INTERNAL_SERVER_ERROR';
}

function operationOf(document: DocumentNode | undefined, operationName: string | null | undefined) {
  const operation = document ? getOperationAST(document, operationName) : null;
  return { name: operation?.name?.value ?? null, type: operation?.operation ?? 'unknown' };
}

/**
 * Yoga/envelop plugin: operations by name, type and outcome with their durations, errors by code,
 * active subscriptions and the events they deliver, open SSE streams. The WebSocket path goes
 * through yoga.getEnveloped, so the same hooks see it.
 */
export function useGraphqlMetrics(metrics: Metrics): Plugin<{ req?: IncomingMessage; res?: ServerResponse }> {
  const countErrors = (errors: readonly unknown[] | undefined) => {
    for (const error of errors ?? []) metrics.graphqlErrors.inc({ code: metrics.errorCodeLabel(clientCode(error)) });
  };
  const record = (labels: { operation: string; type: string; outcome: string }, startedMs?: number) => {
    metrics.graphqlRequests.inc(labels);
    if (startedMs !== undefined) metrics.graphqlDuration.observe(labels, (performance.now() - startedMs) / 1000);
  };
  const refused = (operation: string, type: string, errors: readonly unknown[]) => {
    record({ operation, type, outcome: 'invalid' });
    countErrors(errors);
  };
  // HTTP requests the parse, validate or execute hooks counted; the others failed in between (a bad
  // token while building the context, for example) and are counted when yoga sends their result.
  const counted = new WeakSet<Request>();
  const operationNames = new WeakMap<Request, string | null | undefined>();
  // Not `instanceof Request`: yoga's fetch API (multipart uploads) brings its own Request class.
  const requestOf = (context: unknown) => {
    const request = (context as { request?: unknown } | undefined)?.request;
    return typeof request === 'object' && request !== null ? (request as Request) : null;
  };
  const seen = (context: unknown) => {
    const request = requestOf(context);
    if (request) counted.add(request);
  };

  return {
    onParams({ request, params }) {
      // A multipart body whose `operations` is `null` parses to no params at all; yoga refuses it after this hook.
      operationNames.set(request, (params as typeof params | null)?.operationName);
    },
    onParse({ context }) {
      return ({ result }) => {
        const request = requestOf(context);
        if (result instanceof Error) {
          seen(context);
          refused('unparsed', 'unknown', [result]);
        } else if (result && request) operationNames.set(request, operationOf(result, operationNames.get(request)).name);
      };
    },
    onValidate({ params, context }) {
      return ({ valid, result }) => {
        if (valid) return;
        seen(context);
        const { name, type } = operationOf(params.documentAST, undefined);
        refused(metrics.operationLabel(name), type, result);
      };
    },
    onExecute({ args }) {
      seen(args.contextValue);
      const started = performance.now();
      const { name, type } = operationOf(args.document, args.operationName);
      const operation = metrics.operationLabel(name);
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) {
            // Incremental delivery (@defer/@stream): the time to the first part.
            record({ operation, type, outcome: 'ok' }, started);
            return { onNext: ({ result: part }) => countErrors((part as ExecutionResult).errors) };
          }
          const errors = (result as ExecutionResult).errors;
          record({ operation, type, outcome: errors?.length ? 'error' : 'ok' }, started);
          countErrors(errors);
          return undefined;
        },
      };
    },
    onSubscribe({ args }) {
      seen(args.contextValue);
      const started = performance.now();
      const { name } = operationOf(args.document, args.operationName);
      const operation = metrics.operationLabel(name);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) {
            const errors = (result as ExecutionResult).errors;
            record({ operation, type: 'subscription', outcome: errors?.length ? 'error' : 'ok' }, started);
            countErrors(errors);
            return undefined;
          }
          record({ operation, type: 'subscription', outcome: 'ok' }, started);
          metrics.activeSubscriptions.inc();
          let ended = false;
          return {
            onNext: ({ result: event }) => {
              metrics.eventsDelivered.inc({ operation });
              countErrors((event as ExecutionResult).errors);
            },
            onEnd: () => {
              if (!ended) metrics.activeSubscriptions.dec();
              ended = true;
            },
          };
        },
        onSubscribeError({ error }) {
          record({ operation, type: 'subscription', outcome: 'error' }, started);
          countErrors([error]);
        },
      };
    },
    onResultProcess({ request, result }) {
      if (counted.has(request) || Array.isArray(result) || isAsyncIterable(result)) return;
      const errors = (result as ExecutionResult).errors;
      if (!errors?.length) return;
      metrics.graphqlRequests.inc({ operation: metrics.operationLabel(operationNames.get(request)), type: 'unknown', outcome: 'refused' });
      countErrors(errors);
    },
    onResponse({ response, serverContext }) {
      const res = (serverContext as { res?: ServerResponse }).res;
      if (!res || !response.headers.get('content-type')?.startsWith('text/event-stream')) return;
      metrics.openSseStreams.inc();
      res.once('close', () => metrics.openSseStreams.dec());
    },
  };
}

/** A WebSocket operation refused by a socket limit before yoga saw it: counted as outcome "refused". */
export function countRefusedOperation(metrics: Metrics, operationName: string | null | undefined, errors: readonly GraphQLError[]): GraphQLError[] {
  metrics.graphqlRequests.inc({ operation: metrics.operationLabel(operationName), type: 'unknown', outcome: 'refused' });
  for (const error of errors) metrics.graphqlErrors.inc({ code: metrics.errorCodeLabel(clientCode(error)) });
  return [...errors];
}

/** Keeps the open-WebSockets gauge. */
export function countWebSockets(wss: WebSocketServer, metrics: Metrics): void {
  wss.on('connection', (socket) => {
    metrics.openWebSockets.inc();
    socket.once('close', () => metrics.openWebSockets.dec());
  });
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** Refuses a configuration that would publish /metrics to the network without a token. */
export function checkMetricsConfig(config: MetricsConfig): void {
  if (config.port != null && !isLoopbackHost(config.host) && !config.token)
    throw new Error(`METRICS_HOST=${config.host} is not a loopback address: set METRICS_TOKEN, or leave METRICS_HOST at 127.0.0.1.`);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics. On the main port only with METRICS_TOKEN (bearer, compared as hashes in constant
 * time), otherwise 404. METRICS_PORT adds a listener on METRICS_HOST that serves it alone; there a
 * token is required only when the host is not loopback.
 */
export function createMetricsEndpoint(config: MetricsConfig, metrics: Metrics) {
  const tokenHash = config.token ? sha256(config.token) : null;
  let listener: Server | null = null;

  async function respond(req: IncomingMessage, res: ServerResponse, requireToken: boolean) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (requireToken) {
      const given = typeof req.headers.authorization === 'string' ? bearerFrom(req.headers.authorization) : null;
      if (!tokenHash || !given || !timingSafeEqual(sha256(given), tokenHash)) {
        const challenge = given ? 'Bearer realm="metrics", error="invalid_token"' : 'Bearer realm="metrics"';
        res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end('A bearer token is required (METRICS_TOKEN).');
        return;
      }
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return {
    /** For the main port's router: true when it answered (a token is configured), false to fall through to 404. */
    async serveOnMainPort(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      if (!tokenHash) return false;
      await respond(req, res, true);
      return true;
    },
    /** Opens METRICS_PORT when configured; resolves with its /metrics URL, or null. */
    async listen(): Promise<string | null> {
      checkMetricsConfig(config);
      if (config.port == null) return null;
      const requireToken = !isLoopbackHost(config.host);
      const server = createServer((req, res) => {
        const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (pathname !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
          return;
        }
        respond(req, res, requireToken).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port!, config.host, () => resolve());
      });
      listener = server;
      const { port } = server.address() as AddressInfo;
      const reachable = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
      const host = reachable.includes(':') ? `[${reachable}]` : reachable;
      return `http://${host}:${port}/metrics`;
    },
    async close() {
      const server = listener;
      listener = null;
      if (!server) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
