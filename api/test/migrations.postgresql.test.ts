import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, startTestApp } from './harness';

describe('migrations at start', () => {
  it('two servers starting at once on one empty database both come up with one migration history', async () => {
    const database = await createPostgresDatabase();
    try {
      const [a, b] = await Promise.all([startTestApp({ databaseUrl: database.url }), startTestApp({ databaseUrl: database.url })]);
      const rows = await a.services.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
      const migrationCount = readdirSync(new URL('../../prisma/migrations', import.meta.url)).filter((n) => /^\d/.test(n)).length;
      expect(Number(rows[0]!.n)).toBe(migrationCount);
      await a.stop();
      await b.stop();
    } finally {
      await database.drop();
    }
  });
});
