import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

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
export function createDatabase(databaseUrl: string, { poolSize = 10, embedded = false } = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client's error (the server restarted) must not crash the process; the pool drops it.
  pool.on('error', () => {});
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
