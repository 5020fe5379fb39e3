import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { inject } from 'vitest';
import { createPostgresDatabaseNamed } from './postgres-databases';
import WebSocket from 'ws';
import { buildApp, type RunningApp } from '../src/server/app';
import { configFromEnv, loginProtectionFromEnv, type AppConfig } from '../src/platform/config';
import type { Agent, AgentRole } from '../src/generated/prisma/client';

export type TestEngine = 'pglite' | 'postgresql';
export const testEngine: TestEngine = process.env.TEST_DB_ENGINE === 'postgresql' ? 'postgresql' : 'pglite';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A fresh PostgreSQL database on the local server, empty or (`migrated`) a copy of the run's
 * migrated template (test/database-templates.ts); drop() removes it.
 */
export async function createPostgresDatabase({ migrated = false } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  return createPostgresDatabaseNamed('lc_test', migrated ? inject('postgresTemplate') : '');
}

export interface GraphqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

export interface TestApp extends RunningApp {
  config: AppConfig;
  /** POSTs a GraphQL operation, with `Authorization: Bearer <token>` when given. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null, headers?: Record<string, string>): Promise<GraphqlResult<T>>;
  /** A real graphql-ws client; pass `authorization` exactly as the console and widget do. */
  ws(authorization?: string): WsClient;
  /** Creates an agent directly and logs in through GraphQL; returns the agent and its bearer token. */
  agentWithToken(opts?: { role?: AgentRole; email?: string }): Promise<{ agent: Agent; token: string; password: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the real server on port 0 against a database of its own: an in-memory (or given-folder)
 * PGlite, or a new PostgreSQL database, per TEST_DB_ENGINE.
 */
export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const database = testEngine === 'postgresql' && !('databaseUrl' in overrides) ? await createPostgresDatabase({ migrated: true }) : null;
  const logs: string[] = [];
  const config: AppConfig = {
    ...configFromEnv({}),
    databaseUrl: database?.url,
    dataDir: null,
    port: 0,
    host: '127.0.0.1',
    development: false,
    // The per-request JSON lines would interleave with what tests capture from config.log; logs.postgresql.test.ts checks them.
    logLevel: 'warn',
    // Tests try wrong passwords from 127.0.0.1 all along; tests of login protection pass their own.
    loginProtection: { ...loginProtectionFromEnv({}), failsPerIp: 10_000 },
    log: (line) => logs.push(line),
    ...overrides,
  };
  const template = testEngine === 'pglite' && config.dataDir === null ? inject('pgliteTemplate') : '';
  const app = buildApp(config, template ? { embeddedTemplate: template } : {});
  const running = await app.start().catch(async (error) => {
    await database?.drop();
    throw error;
  });
  const sockets: WsClient[] = [];
  let agentCounter = 0;

  const gql: TestApp['gql'] = async (query, variables, token, headers) => {
    const response = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphqlResult;
    if (process.env.DEBUG_GQL && body.errors) console.log('GQLERR', JSON.stringify(body.errors));
    return { ...body, status: response.status };
  };

  return {
    ...running,
    config,
    gql,
    ws(authorization) {
      const client = createClient({
        url: `${running.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: authorization ? { authorization } : {},
        retryAttempts: 0,
        lazy: true,
      });
      sockets.push(client);
      return client;
    },
    async agentWithToken(opts = {}) {
      agentCounter += 1;
      const password = `password-${randomBytes(6).toString('hex')}`;
      const agent = await running.services.agents.create({
        email: opts.email ?? `agent${agentCounter}-${randomBytes(3).toString('hex')}@example.com`,
        password,
        name: `Agent ${agentCounter}`,
        role: opts.role ?? 'AGENT',
      });
      const result = await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: agent.email, p: password });
      if (!result.data) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
      return { agent, token: result.data.login.token, password };
    },
    async stop() {
      await Promise.all(sockets.map((s) => s.dispose()));
      await app.stop();
      await database?.drop();
    },
  };
}

/** Runs one operation over a graphql-ws client and resolves with its single result. */
export function wsRequest<T = any>(client: WsClient, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> {
  return new Promise((resolve, reject) => {
    let result: GraphqlResult<T> | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = { status: 0, ...(value as any) }),
        error: (error) => reject(error),
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  });
}

export async function tempDir(prefix = 'lc-test-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Subscription<T = any> {
  /** Every `next` payload so far. */
  results: GraphqlResult<T>[];
  /** Data of the results so far (results with errors are left out). */
  values(): T[];
  /** Resolves with the first value matching `predicate` (seen already or arriving within `timeoutMs`). */
  waitFor(predicate: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves when the subscription ends with an error or completes, with the errors if any. */
  ended: Promise<{ errors?: readonly unknown[] }>;
  stop(): void;
}

/** Subscribes over a real graphql-ws client and records everything it receives. */
/** Statements the app's pool has run so far: every statement is timed into this histogram. */
export async function statementsSoFar(app: TestApp): Promise<number> {
  const { values } = await app.services.metrics.dbQueryDuration.get();
  return values.filter((v) => v.metricName?.endsWith('_count')).reduce((sum, v) => sum + v.value, 0);
}

export function subscribe<T = any>(client: WsClient, query: string, variables?: Record<string, unknown>): Subscription<T> {
  const results: GraphqlResult<T>[] = [];
  const waiters: { predicate: (value: T) => boolean; resolve: (value: T) => void }[] = [];
  let endedResolve!: (value: { errors?: readonly unknown[] }) => void;
  const ended = new Promise<{ errors?: readonly unknown[] }>((resolve) => (endedResolve = resolve));
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as GraphqlResult<T>);
        if (value.errors) endedResolve({ errors: value.errors });
        const data = value.data as T | undefined;
        if (data === undefined || data === null) return;
        for (const waiter of [...waiters])
          if (waiter.predicate(data)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(data);
          }
      },
      error: (error) => endedResolve({ errors: Array.isArray(error) ? error : [error] }),
      complete: () => endedResolve({}),
    },
  );
  const values = () => results.filter((r) => !r.errors && r.data).map((r) => r.data as T);
  return {
    results,
    values,
    ended,
    stop,
    waitFor(predicate, timeoutMs = 10_000) {
      const seen = values().find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (v: T) => {
            clearTimeout(timer);
            resolve(v);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs} ms; received ${JSON.stringify(values()).slice(0, 2000)}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}
