import type { ServerResponse } from 'node:http';
import { defaultMigrationsDir, readMigrationsList } from '../../platform/db/migrate';
import type { AppServices } from '../../app-services';

export interface HealthChecks {
  /** GET /health: database and pub/sub, as it always was; 503 also while shutting down. */
  summary(): Promise<{ status: number; body: object }>;
  /** GET /health/live: the process answers; no dependency is asked. */
  live(): { status: number; body: object };
  /** GET /health/ready: database reachable, pub/sub ready, every migration of this build applied, not shutting down. */
  ready(): Promise<{ status: number; body: object }>;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0] : 'unknown');

export function createHealthChecks(services: AppServices, engine: string, isDraining: () => boolean, migrationsDir = defaultMigrationsDir): HealthChecks {
  // The migrations this build ships, read once: they do not change while it runs.
  let expected: Promise<string[]> | null = null;
  const expectedMigrations = () => (expected ??= readMigrationsList(migrationsDir).then((list) => list.migrationDirectories.map((d) => d.path)));

  async function database() {
    const started = performance.now();
    return services.prisma.$queryRaw`SELECT 1`
      .then(() => ({ ok: true, engine, latencyMs: Math.round((performance.now() - started) * 10) / 10 }))
      .catch((error: unknown) => ({ ok: false, engine, error: firstLine(error) }));
  }

  function pubsub() {
    const status = services.bus.status();
    return { ok: status === 'ready', kind: services.bus.kind, status };
  }

  async function migrations() {
    try {
      const [wanted, rows] = await Promise.all([
        expectedMigrations(),
        services.prisma.$queryRaw<{ migration_name: string }[]>`
          SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      ]);
      const applied = new Set(rows.map((row) => row.migration_name));
      const missing = wanted.filter((name) => !applied.has(name));
      return { ok: missing.length === 0, expected: wanted.length, applied: wanted.length - missing.length, ...(missing.length ? { missing } : {}) };
    } catch (error) {
      return { ok: false, error: firstLine(error) };
    }
  }

  return {
    async summary() {
      const [db, bus] = [await database(), pubsub()];
      const draining = isDraining();
      const status = draining ? 'shutting_down' : db.ok && bus.ok ? 'ok' : 'degraded';
      return { status: status === 'ok' ? 200 : 503, body: { status, database: db, pubsub: bus } };
    },
    live() {
      return { status: 200, body: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } };
    },
    async ready() {
      const [db, mig] = await Promise.all([database(), migrations()]);
      const bus = pubsub();
      const reasons: string[] = [];
      if (isDraining()) reasons.push('shutting down');
      if (!db.ok) reasons.push('database unreachable');
      if (!bus.ok) reasons.push(`pub/sub ${bus.status}`);
      if (!mig.ok) reasons.push('migrations not applied');
      const ok = reasons.length === 0;
      return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'not_ready', ...(ok ? {} : { reasons }), database: db, pubsub: bus, migrations: mig } };
    },
  };
}

export function sendHealth(res: ServerResponse, report: { status: number; body: object }, head: boolean) {
  res.writeHead(report.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(head ? undefined : JSON.stringify(report.body));
}
