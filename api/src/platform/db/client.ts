import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client';

/** What the pool reports to metrics: its connection counts, and the duration of every statement. */
export interface DatabaseMetrics {
  watchPool(pool: pg.Pool): void;
  queryDone(seconds: number, ok: boolean): void;
}

/** Plain SQL on Prisma's own pool, for the few hot paths that need exactly one statement. */
export interface RawSql {
  /**
   * Runs one parameterised statement and returns its rows, with UTC timestamps. A `name` makes
   * it a prepared statement on each connection, parsed and planned once; only for statements
   * whose result columns are fixed (no `*`: a migration adding a column would make PostgreSQL
   * refuse the cached plan).
   */
  rows<Row>(statement: { name?: string; text: string }, values: unknown[]): Promise<Row[]>;
}

/** Prisma for everything, and plain SQL on the same pool. */
export interface Database {
  prisma: PrismaClient;
  sql: RawSql;
  close(): Promise<void>;
}

/**
 * `embedded`: PGlite behind pglite-socket runs every connection in ONE backend, so a statement
 * prepared on one pooled connection already exists for the next; prepared statements are off.
 */
export function createDatabase(
  databaseUrl: string,
  { poolSize = 10, embedded = false, metrics }: { poolSize?: number; embedded?: boolean; metrics?: DatabaseMetrics } = {},
): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client's error (the server restarted) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  if (metrics) {
    metrics.watchPool(pool);
    pool.on('connect', (client) => timeQueries(client, metrics));
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: {
      async rows<Row>(statement: { name?: string; text: string }, values: unknown[]) {
        const result = await pool.query({ text: statement.text, name: embedded ? undefined : statement.name, values, types: rawQueryTypes });
        return result.rows as Row[];
      },
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// Prisma stores DateTime as `timestamp(3)` (no time zone) holding UTC; pg would read it as local time.
const TIMESTAMP_OID = 1114;
const rawQueryTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? (value: string) => new Date(`${value.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Times every statement of a pooled connection. Prisma's adapter and pool.query both end in
 * client.query, with a promise or with a callback.
 */
function timeQueries(client: pg.PoolClient, metrics: DatabaseMetrics) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const started = performance.now();
    const done = (ok: boolean) => metrics.queryDone((performance.now() - started) / 1000, ok);
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: unknown, ...rest: unknown[]) => void;
      args[last] = (error: unknown, ...rest: unknown[]) => {
        done(!error);
        callback(error, ...rest);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise)
      result.then(
        () => done(true),
        () => done(false),
      );
    return result;
  };
}
