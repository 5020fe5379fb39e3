import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

/** Prisma for everything, and its pg pool for the few hot paths that need one plain statement. */
export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase(databaseUrl: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client's error (the server restarted) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
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

/** Runs one parameterised statement outside Prisma and returns its rows, with UTC timestamps. */
export async function queryRows<Row>(pool: pg.Pool, text: string, values: unknown[]): Promise<Row[]> {
  const result = await pool.query({ text, values, types: rawQueryTypes });
  return result.rows as Row[];
}
