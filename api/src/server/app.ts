import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AppConfig, TrustProxy } from '../platform/config';
import type { Context } from '../graphql/context';
import type { Principal } from '../platform/principal';
import { createDatabase } from '../platform/db/client';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../platform/db/embedded';
import { applyMigrations } from '../platform/db/migrate';
import { AppError, unauthenticated } from '../platform/errors';
import { serveAttachment } from './http/attachment-download';
import { clientAddress } from '../platform/client-address';
import { closeUnauthenticated, createCredentialSockets } from './http/credential-sockets';
import { useCredentialStreams } from '../graphql/credential-streams';
import { createSocketLimits } from './http/socket-limits';
import { renderDemoPage } from './http/demo-page';
import { renderFaqPage } from './http/faq-page';
import { graphqlCors, useCsrfHeaderRequired } from './http/cross-site-requests';
import { createSecurityHeaders } from './http/security-headers';
import { createGraphqlCompression } from './http/graphql-compression';
import { REVALIDATE, sendFile, serveSinglePageApp } from './http/static-files';
import { graphqlLimitsPlugin, maskError, requestBodyPlugin, socketErrors, toClientError } from '../graphql/limits';
import { uploadOptions } from './http/uploads';
import { checkMetricsConfig, countRefusedOperation, countWebSockets, createMetricsEndpoint, useGraphqlMetrics } from './http/metrics';
import { createMetrics } from '../platform/metrics';
import { createHealthChecks, sendHealth, type HealthChecks } from './http/health';
import { operationLogsPlugin } from '../graphql/operation-logs';
import { createHttpDrain } from './http/shutdown';
import { loggerIntoLines, requestIdOf, type Logger } from '../platform/logger';
import { schema } from '../schema';
import { createAppServices, type AppServices } from '../app-services';
import { isUuid } from '../platform/ids';
import { bearerFrom } from '../platform/tokens';

export interface AppOptions {
  /** Runs after migrations and before the port opens: seeding, for example. */
  beforeListen?: (services: AppServices) => Promise<void>;
  /** Where the JSON logs go; without one they are lines passed to `config.log`. */
  logger?: Logger;
  /**
   * A database another process started and migrated (a cluster's primary, server/cluster.ts): this
   * app neither starts PGlite nor applies migrations.
   */
  database?: { url: string; engine: 'pglite' | 'postgresql' };
  /** An in-memory embedded database starts from this dump (tests: migrated once per run). */
  embeddedTemplate?: string;
}

export interface RunningApp {
  /** http://host:port of the running server. */
  url: string;
  port: number;
  services: AppServices;
  databaseEngine: 'pglite' | 'postgresql';
  /** http://host:port/metrics of the METRICS_PORT listener; null without one. */
  metricsUrl: string | null;
}

export interface App {
  start(): Promise<RunningApp>;
  /** Drains (503 on /health, sockets closed with 1001, in-flight requests finished) for up to `graceMs`, then closes. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

type ServerContext = { req: IncomingMessage; res: ServerResponse };
type Enveloped = Pick<ReturnType<YogaServerInstance<ServerContext, Context>['getEnveloped']>, 'execute' | 'subscribe'>;
type WsExtra = { request: IncomingMessage; visitorId?: string };

/** The client address for per-address limits: TRUST_PROXY's hops are skipped, nothing the client wrote is believed. */
export function clientIp(req: IncomingMessage, trustProxy: TrustProxy): string {
  return clientAddress(req, trustProxy);
}

/** Waits until pub/sub delivers; with Redis down the API still starts, reporting degraded health. */
async function waitForBus(services: AppServices, log: (line: string) => void) {
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  if ((await Promise.race([services.bus.ready.then(() => 'ready' as const), timeout])) === 'timeout')
    log('pub/sub is not reachable yet: starting anyway; /health reports degraded until it is.');
}

export function buildApp(config: AppConfig, options: AppOptions = {}): App {
  let embedded: EmbeddedPostgres | null = null;
  let services: AppServices | null = null;
  let server: Server | null = null;
  let wsServer: WebSocketServer | null = null;
  let disposeWs: (() => Promise<void> | void) | null = null;
  let stopping: Promise<void> | null = null;
  let metricsUrl: string | null = null;
  const securityHeaders = createSecurityHeaders(config);
  const compressGraphql = createGraphqlCompression(config.compressMinBytes);
  const metrics = createMetrics();
  const metricsEndpoint = createMetricsEndpoint(config.metrics, metrics);
  const logger = options.logger ?? loggerIntoLines(config);
  const httpDrain = createHttpDrain();

  async function authenticate(services: AppServices, authorization: unknown): Promise<{ principal: Principal | null; token: string | null }> {
    const token = typeof authorization === 'string' ? bearerFrom(authorization) : null;
    if (authorization != null && typeof authorization !== 'string') throw unauthenticated('Malformed token.');
    return { principal: token ? await services.auth.authenticate(token) : null, token };
  }

  function createYogaServer(services: AppServices): YogaServerInstance<ServerContext, Context> {
    const uploads = uploadOptions(config.attachments);
    return createYoga<ServerContext, Context>({
      schema,
      graphqlEndpoint: '/graphql',
      landingPage: false,
      graphiql: config.graphiql ? { subscriptionsProtocol: 'WS' } : false,
      // Unexpected errors become "Unexpected error." (INTERNAL_SERVER_ERROR) with no stack; every other error keeps or gets a code.
      maskedErrors: { isDev: false, maskError },
      logging: logger.child({ component: 'yoga' }, { level: config.development ? 'info' : 'warn' }),
      // Multipart uploads: size limits while parsing, and refusals as VALIDATION errors naming `file`.
      fetchAPI: uploads.fetchAPI,
      maxRequestBodySize: uploads.maxRequestBodySize,
      cors: graphqlCors(config.corsOrigins),
      plugins: [
        useCsrfHeaderRequired(),
        ...uploads.plugins,
        requestBodyPlugin(config.graphql.maxBodyBytes),
        graphqlLimitsPlugin(config.graphql, { fieldSuggestions: config.development }),
        useCredentialStreams(services.bus),
        useGraphqlMetrics(services.metrics),
        operationLogsPlugin(logger),
      ],
      context: async ({ request, req, connectionParams }: { request: Request; req?: IncomingMessage; connectionParams?: Record<string, unknown> }) => {
        const authorization = connectionParams ? connectionParams.authorization : request.headers.get('authorization');
        const { principal, token } = await authenticate(services, authorization);
        return {
          prisma: services.prisma,
          services,
          principal,
          bearerToken: token,
          ip: req ? clientIp(req, config.trustProxy) : 'unknown',
          userAgent: req?.headers['user-agent']?.slice(0, 500) ?? null,
        };
      },
    });
  }

  async function handleHttp(
    services: AppServices,
    yoga: YogaServerInstance<ServerContext, Context>,
    healthChecks: HealthChecks,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    securityHeaders(req, res, pathname);
    if (httpDrain.refuse(req, res, pathname)) return;
    if (pathname === '/graphql' || pathname.startsWith('/graphql/')) return compressGraphql(req, res, () => yoga(req, res));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/health') return sendHealth(res, await healthChecks.summary(), req.method === 'HEAD');
    if (pathname === '/health/live') return sendHealth(res, healthChecks.live(), req.method === 'HEAD');
    if (pathname === '/health/ready') return sendHealth(res, await healthChecks.ready(), req.method === 'HEAD');
    if (pathname === '/metrics' && (await metricsEndpoint.serveOnMainPort(req, res))) return;
    if (pathname.startsWith('/attachments/')) return serveAttachment(services, req, res, url);
    if (pathname === '/') {
      res.writeHead(302, { location: '/console/' }).end();
      return;
    }
    if (pathname === '/console' || pathname.startsWith('/console/')) {
      const root = path.join(config.staticRoot, 'console/dist');
      if (await serveSinglePageApp(req, res, root, pathname.slice('/console/'.length))) return;
    }
    // One icon for every page the API serves (console, demo, FAQ pages, GraphiQL); browsers ask for /favicon.ico by default.
    if (pathname === '/favicon.ico' || pathname === '/favicon.svg') {
      if (await sendFile(req, res, path.join(config.staticRoot, 'console/dist/favicon.svg'), 'public, max-age=86400')) return;
    }
    if (pathname === '/widget.js') {
      if (await sendFile(req, res, path.join(config.staticRoot, 'widget/dist/widget.js'), REVALIDATE)) return;
    }
    if (pathname === '/demo' || pathname.startsWith('/demo/')) {
      const channelId = pathname.split('/')[2] ?? '';
      const origin = config.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
      const html = await renderDemoPage(services.prisma, isUuid(channelId) ? channelId : null, origin);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(html);
      return;
    }
    if (pathname.startsWith('/faq/')) {
      const page = await renderFaqPage(services.faq, pathname.slice('/faq/'.length));
      res.writeHead(page.status, page.headers).end(page.body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
  }

  function attachWebSockets(services: AppServices, yoga: YogaServerInstance<ServerContext, Context>, httpServer: Server) {
    const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
    const credentialSockets = createCredentialSockets(services.bus);
    const socketLimits = createSocketLimits(config.sockets, config.trustProxy, services.metrics.rateLimitRefused);
    countWebSockets(wss, services.metrics);
    // Each socket's id (from its upgrade request) is on its log lines; while draining, new sockets go elsewhere.
    wss.on('connection', (socket, request) => {
      const socketLog = logger.child({ reqId: requestIdOf(request) });
      if (httpDrain.draining) socket.close(1001, 'Server shutting down');
      else socketLog.info('websocket opened');
      const opened = performance.now();
      socket.once('close', (code) => socketLog.info({ code, durationMs: Math.round(performance.now() - opened) }, 'websocket closed'));
    });
    // Registered before graphql-ws's own listener, so a socket past the cap is closed before it is served.
    wss.on('connection', socketLimits.admit);
    const disposable = useServer<Record<string, unknown>, WsExtra>(
      {
        // onSubscribe below puts yoga's enveloped execute and subscribe in rootValue.
        execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args),
        subscribe: (args: ExecutionArgs) => (args.rootValue as Enveloped).subscribe(args),
        onConnect: async (ctx) => {
          try {
            const { principal } = await authenticate(services, ctx.connectionParams?.authorization);
            // Revoking or reaching the expiry of the credential closes the socket with 4401.
            if (principal && !credentialSockets.track(principal, ctx.extra.socket)) return false;
            if (principal?.kind === 'visitor') {
              (ctx.extra as WsExtra).visitorId = principal.visitor.id;
              services.idle.connected(principal.visitor.id);
            }
            return true;
          } catch (error) {
            // A bad token closes the socket with a clear code instead of a generic 4403.
            closeUnauthenticated(ctx.extra.socket, error instanceof AppError ? error.message : 'Unauthenticated');
            return false;
          }
        },
        // graphql-ws's own errors ("Unable to identify operation", a failed stream) get a code too.
        onError: (_ctx, _id, _payload, errors) => socketErrors(errors),
        onClose: (ctx) => {
          const visitorId = (ctx.extra as WsExtra).visitorId;
          if (visitorId) services.idle.disconnected(visitorId);
        },
        onSubscribe: async (ctx, _id, params) => {
          const refused = await socketLimits.checkOperation(ctx.extra.socket, ctx.subscriptions);
          if (refused) return countRefusedOperation(services.metrics, params.operationName, refused);
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params,
          });
          let document: DocumentNode;
          try {
            document = parse(params.query);
          } catch (error) {
            // A coded refusal (parse error, token or nesting limit) for this operation, not a 4500 close of the socket.
            return [toClientError(error instanceof GraphQLError ? error : new GraphQLError('The document could not be parsed.'), 'GRAPHQL_PARSE_FAILED')];
          }
          const args = {
            schema,
            operationName: params.operationName,
            document,
            variableValues: params.variables,
            contextValue: await contextFactory({ connectionParams: ctx.connectionParams ?? {}, req: ctx.extra.request } as never),
            rootValue: { execute, subscribe },
          };
          const errors = validate(args.schema, args.document);
          return errors.length ? errors : args;
        },
      },
      wss,
    );
    return {
      wss,
      dispose: () => {
        credentialSockets.stop();
        return disposable.dispose();
      },
    };
  }

  // Path only: query strings carry signed attachment URLs.
  function logHttpRequest(req: IncomingMessage, res: ServerResponse, reqId: string) {
    const started = performance.now();
    res.once('close', () => {
      const path = (req.url ?? '/').split('?')[0];
      logger.info(
        {
          reqId,
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'http request',
      );
    });
  }

  return {
    async start() {
      let databaseUrl = options.database?.url ?? config.databaseUrl;
      const engine = options.database?.engine ?? (databaseUrl ? 'postgresql' : 'pglite');
      try {
        checkMetricsConfig(config.metrics);
        if (!databaseUrl) {
          embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log: config.log, template: options.embeddedTemplate });
          databaseUrl = embedded.url;
        }
        if (!options.database) await applyMigrations(databaseUrl, { log: config.log });
        services = createAppServices(createDatabase(databaseUrl, { embedded: engine === 'pglite', metrics: metrics.database }), config, metrics);
        const healthChecks = createHealthChecks(services, engine, () => httpDrain.draining);
        await waitForBus(services, config.log);
        await options.beforeListen?.(services);
        services.idle.start();
        const yoga = createYogaServer(services);
        const running = services;
        server = createServer((req, res) => {
          const reqId = requestIdOf(req);
          res.setHeader('x-request-id', reqId);
          httpDrain.track(res);
          logHttpRequest(req, res, reqId);
          handleHttp(running, yoga, healthChecks, req, res).catch((error: unknown) => {
            logger.error(
              { reqId, path: (req.url ?? '/').split('?')[0], error: error instanceof Error ? error.message.split('\n')[0] : String(error) },
              'HTTP handler failed',
            );
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
            res.end('Internal error');
          });
        });
        const ws = attachWebSockets(services, yoga, server);
        wsServer = ws.wss;
        disposeWs = ws.dispose;
        await new Promise<void>((resolve, reject) => {
          server!.once('error', reject);
          server!.listen(config.port, config.host, () => resolve());
        });
        metricsUrl = await metricsEndpoint.listen();
      } catch (error) {
        await this.stop();
        throw error;
      }
      const { port } = server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      return { url: `http://${host}:${port}`, port, services: services!, databaseEngine: engine, metricsUrl };
    },

    stop({ graceMs = config.shutdownGraceSeconds * 1000 } = {}) {
      stopping ??= (async () => {
        // Leaves a little of the grace for closing the database and flushing the logs.
        const deadline = performance.now() + Math.max(0, graceMs - 500);
        const draining = httpDrain.drain(server, deadline);
        for (const client of wsServer?.clients ?? []) client.close(1001, 'Server shutting down');
        await disposeWs?.();
        const { unfinished } = await draining;
        if (unfinished > 0) logger.warn({ unfinished }, 'shutdown grace ran out with requests still running');
        await metricsEndpoint.close();
        if (services) {
          services.idle.stop();
          await services.close();
        }
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
