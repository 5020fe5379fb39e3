// Prisma's WASM schema engine (the engine behind `prisma migrate`) driven through
// @prisma/adapter-pg, so migrations need no native binary. /work/shared/ENGINEERING.md,
// "Prisma without its native binaries", explains the `"char"` and shadow-database patches below.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { DiffTarget, MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';

export type { DiffTarget, MigrationList } from '@prisma/schema-engine-wasm';

export interface SchemaEngineSession {
  /** Applies the migrations of the list not yet recorded in `_prisma_migrations`; returns their names. */
  applyMigrations(migrationsList: MigrationList): Promise<string[]>;
  /** The SQL script that takes `from` to `to`, as the engine prints it. */
  diffScript(from: DiffTarget, to: DiffTarget): Promise<string>;
}

export interface SchemaEngineOptions {
  /** Receives the engine's own log lines (JSON). */
  engineLog?: (line: string) => void;
}

export class SchemaEngineError extends Error {
  override name = 'SchemaEngineError';
}

const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Runs `work` with a schema engine connected to the PostgreSQL database at `databaseUrl`
 * (Prisma's `?schema=` parameter is honoured), then frees the engine, ends every pool it
 * opened and drops any shadow database still left.
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  work: (engine: SchemaEngineSession) => Promise<T>,
  options: SchemaEngineOptions = {},
): Promise<T> {
  const connections = new EngineConnections(databaseUrl);
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(connections.adapterFactory());
  const rethrow = (error: unknown): never => {
    throw toSchemaEngineError(error, adapterFactory.errorRegistry);
  };
  let engine: SchemaEngine | undefined;
  let result: T;
  try {
    const SchemaEngineClass = await loadSchemaEngineClass();
    engine = await SchemaEngineClass.new({ datamodels: undefined }, (line: string) => options.engineLog?.(line), adapterFactory).catch(rethrow);
    result = await work(sessionFor(engine, rethrow));
  } catch (error) {
    engine?.free();
    await connections.closeAll().catch(() => {}); // keep the original error
    throw error;
  }
  engine.free();
  await connections.closeAll();
  return result;
}

function sessionFor(engine: SchemaEngine, rethrow: (error: unknown) => never): SchemaEngineSession {
  return {
    async applyMigrations(migrationsList) {
      const output = await engine.applyMigrations({ migrationsList, filters: noFilter }).catch(rethrow);
      return output.appliedMigrationNames;
    },
    async diffScript(from, to) {
      const result = await engine.diff({ from, to, script: true, exitCode: null, filters: noFilter }).catch(rethrow);
      return result.stdout ?? '';
    },
  };
}

/**
 * The engine reports a JS error thrown by the adapter (e.g. "permission denied to create
 * database") only as "External error id#N"; the error itself waits in the adapter's registry.
 */
function toSchemaEngineError(error: unknown, registry: ErrorRegistry): SchemaEngineError {
  let message = describe(error);
  const externalErrorId = /External error id#(\d+)/.exec(message)?.[1];
  const external = externalErrorId === undefined ? undefined : registry.consumeError(Number(externalErrorId));
  if (external) message = message.replace(/External error id#\d+/, describe(external.error));
  return new SchemaEngineError(message, { cause: external?.error ?? error });
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  // Drop the engine's Rust span trace ("   0: schema_engine_wasm::…"); `cause` keeps it.
  return message.split(/\n\s*0: \w+::/)[0]!.trimEnd();
}

// ───────────── Loading the WASM module (once per process) ─────────────

type SchemaEngineClass = typeof SchemaEngine;
// On globalThis, not in this module: the JS bindings are one module per process, and a second
// copy of this file (vitest loads setup files once per project) instantiating the WASM again
// would repoint them at its memory, corrupting the first engine's strings.
const LOADED = Symbol.for('livechat.schemaEngineClass');
const loaded = globalThis as { [LOADED]?: Promise<SchemaEngineClass> };

function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  loaded[LOADED] ??= instantiateSchemaEngineWasm().catch((error: unknown) => {
    loaded[LOADED] = undefined;
    throw error;
  });
  return loaded[LOADED];
}

async function instantiateSchemaEngineWasm(): Promise<SchemaEngineClass> {
  // The package's own entry imports the .wasm as an ES module, which Node cannot do; so read it
  // from beside the JS bindings and instantiate it with them as its imports.
  const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmBytes = await readFile(path.join(path.dirname(bindingsPath), 'schema_engine_bg.wasm'));
  const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const { instance } = await WebAssembly.instantiate(wasmBytes, {
    './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings.SchemaEngine;
}

// ───────────── PostgreSQL connections for the engine ─────────────

const CHAR_TYPE_OID = 18;
const TEXT_TYPE_OID = 25;

function reportCharColumnsAsText(result: unknown): void {
  // A multi-statement simple query resolves to an array of results.
  for (const single of Array.isArray(result) ? result : [result]) {
    for (const field of (single as Partial<pg.QueryResult> | undefined)?.fields ?? []) {
      if (field.dataTypeID === CHAR_TYPE_OID) field.dataTypeID = TEXT_TYPE_OID;
    }
  }
}

type QueryCallback = (error: Error | null, result: unknown) => void;

/**
 * adapter-pg has no mapping for PostgreSQL's internal `"char"` type (OID 18), which the engine's
 * catalog queries return; report it as text. Patching the Client covers both pool.query (which
 * calls client.query with a callback) and transactions (which await client.query).
 */
class CharAsTextClient extends pg.Client {
  // pg's overloads cannot be restated one by one in an override; this forwards all of them.
  override query(...args: unknown[]): never {
    const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
    const callback = args[callbackIndex] as QueryCallback | undefined;
    if (callback) {
      args[callbackIndex] = ((error, result) => {
        if (!error) reportCharColumnsAsText(result);
        callback(error, result);
      }) satisfies QueryCallback;
    }
    const returned: unknown = (super.query as (...queryArgs: unknown[]) => unknown)(...args);
    if (!callback && returned instanceof Promise) {
      return returned.then((result: unknown) => {
        reportCharColumnsAsText(result);
        return result;
      }) as never;
    }
    return returned as never;
  }
}

/**
 * Migration scripts name no schema, so they land in the first one on the search path. Set at
 * connect time rather than as a startup option, which PGlite ignores.
 */
function clientWithSearchPath(searchPath: string): typeof pg.Client {
  return class ClientWithSearchPath extends CharAsTextClient {
    // pg-pool connects with a callback, other callers await; as with query, forward both forms.
    override connect(...args: unknown[]): never {
      const callback = args.find((arg) => typeof arg === 'function') as ((error?: Error) => void) | undefined;
      const connected = super.connect().then(async () => {
        await super.query(`SET search_path TO ${searchPath}`);
      });
      if (!callback) return connected as never;
      connected.then(() => callback(), callback);
      return undefined as never;
    }
  };
}

/**
 * adapter-pg's executeScript splits scripts at every `;`, which breaks string literals and
 * function bodies. Send the script as one simple-protocol query instead, as the native engine
 * does; PostgreSQL then also runs it as one implicit transaction.
 */
function runScriptsWhole(adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/** `?schema=` is Prisma's parameter, passed to adapter-pg as an option rather than to pg. */
function splitSchemaParameter(databaseUrl: string): { connectionString: string; schema?: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}

function withDatabaseName(connectionString: string, databaseName: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

export function redactPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Opens the pools and shadow databases the engine asks for, and closes whatever is left. */
class EngineConnections {
  private readonly openPools = new Set<pg.Pool>();
  private readonly shadowDatabases = new Set<string>();
  private readonly connectionString: string;
  private readonly schema: string | undefined;

  constructor(databaseUrl: string) {
    ({ connectionString: this.connectionString, schema: this.schema } = splitSchemaParameter(databaseUrl));
  }

  adapterFactory(): SqlMigrationAwareDriverAdapterFactory {
    const main = new PrismaPg(this.openPool(this.connectionString), { schema: this.schema });
    return {
      provider: main.provider,
      adapterName: main.adapterName,
      connect: async () => runScriptsWhole(await main.connect()),
      connectToShadowDb: () => this.connectToShadowDb(),
    };
  }

  async closeAll(): Promise<void> {
    const pools = [...this.openPools];
    this.openPools.clear();
    await Promise.allSettled(pools.map((pool) => pool.end()));
    for (const name of [...this.shadowDatabases]) await this.dropShadowDatabase(name);
  }

  private openPool(connectionString: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString,
      Client: this.schema ? clientWithSearchPath(quoteIdentifier(this.schema)) : CharAsTextClient,
    });
    // A forced DROP DATABASE terminates the shadow pool's idle clients; unheard, that would crash.
    pool.on('error', () => {});
    this.openPools.add(pool);
    return pool;
  }

  private async closePool(pool: pg.Pool): Promise<void> {
    if (this.openPools.delete(pool)) await pool.end();
  }

  /**
   * Replaces adapter-pg's own, which ignores the database name when configured with a URL and
   * cannot drop the database while its pool is still open.
   */
  private async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await this.runOnServer(`CREATE DATABASE ${quoteIdentifier(name)}`);
    this.shadowDatabases.add(name);
    const pool = this.openPool(withDatabaseName(this.connectionString, name));
    // PGlite serves one database whatever the name asked for; replaying migrations there would
    // change the real database.
    const { rows } = await pool.query<{ name: string }>('SELECT current_database() AS name');
    if (rows[0]?.name !== name) {
      await this.closePool(pool);
      await this.dropShadowDatabase(name).catch(() => {});
      throw new SchemaEngineError(
        `The server at ${redactPassword(this.connectionString)} cannot host a shadow database ` +
          `(asked for "${name}", got "${rows[0]?.name}"; PGlite serves only one). ` +
          'Use a PostgreSQL server.',
      );
    }
    const adapter = runScriptsWhole(await new PrismaPg(pool, { schema: this.schema }).connect());
    const disposeAdapter = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await disposeAdapter();
      await this.closePool(pool);
      await this.dropShadowDatabase(name);
    };
    return adapter;
  }

  private async dropShadowDatabase(name: string): Promise<void> {
    if (!this.shadowDatabases.delete(name)) return;
    await this.runOnServer(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  }

  private async runOnServer(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
