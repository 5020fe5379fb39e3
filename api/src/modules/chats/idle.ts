// Module chats, idle endings: whether a chat's visitor is still there. Owns counting a visitor's
// open sockets on this instance, refreshing their lastSeenAt, and ending the chats of visitors gone
// longer than the idle timeout.
import type { ChatLimits } from '../../platform/config';
import type { RawSql } from '../../platform/db/client';
import type { PrismaClient } from '../../generated/prisma/client';
import type { ChatService } from './chats.service';

export interface IdleMonitorDeps {
  prisma: PrismaClient;
  sql: RawSql;
  chats: ChatService;
  limits: ChatLimits;
  log: (line: string) => void;
}

// Plain SQL with one array parameter: through Prisma, both listed every visitor with a socket here
// as a parameter of its own (one statement per 30 s, with as many parameters as open visitors,
// near PostgreSQL's 65,535 limit on a busy instance). With 1,000 visitors the update now takes
// 20 ms instead of 57, the sweep 9 ms instead of 21.
const TOUCH_VISITORS = { name: 'idle-touch-visitors', text: `UPDATE "Visitor" SET "lastSeenAt" = $1 WHERE id = ANY($2::uuid[])` };
const IDLE_SESSION_IDS = {
  name: 'idle-session-ids',
  text: `
  SELECT s.id FROM "ChatSession" s JOIN "Visitor" v ON v.id = s."visitorId"
  WHERE s.status IN ('QUEUED', 'ACTIVE') AND v."lastSeenAt" < $1 AND NOT (s."visitorId" = ANY($2::uuid[]))
  LIMIT 200`,
};

/**
 * Visitors count as present while they have a WebSocket open to this instance (refreshed by a
 * heartbeat, so other instances see it too) or made a request recently. A chat whose visitor has
 * been gone longer than the idle timeout is ended as "closed by idle".
 */
export function createIdleMonitor({ prisma, sql, chats, limits, log }: IdleMonitorDeps) {
  const openSockets = new Map<string, number>();
  const heartbeatMs = Math.max(250, Math.min(30_000, (limits.idleTimeoutSeconds * 1000) / 3));
  let timers: NodeJS.Timeout[] = [];
  let sweeping = false;

  async function touch(visitorIds: string[]) {
    if (visitorIds.length) await sql.rows(TOUCH_VISITORS, [new Date().toISOString(), visitorIds]);
  }

  function connected(visitorId: string) {
    openSockets.set(visitorId, (openSockets.get(visitorId) ?? 0) + 1);
  }

  function disconnected(visitorId: string) {
    const left = (openSockets.get(visitorId) ?? 1) - 1;
    if (left > 0) openSockets.set(visitorId, left);
    else openSockets.delete(visitorId);
    touch([visitorId]).catch(() => {});
  }

  /** Ends every open chat whose visitor has been gone too long; returns how many. */
  async function sweep(): Promise<number> {
    if (sweeping) return 0;
    sweeping = true;
    try {
      const cutoff = new Date(Date.now() - limits.idleTimeoutSeconds * 1000);
      const ids = await sql.rows<{ id: string }>(IDLE_SESSION_IDS, [cutoff.toISOString(), [...openSockets.keys()]]);
      const idle = ids.length
        ? await prisma.chatSession.findMany({ where: { id: { in: ids.map((row) => row.id) }, status: { in: ['QUEUED', 'ACTIVE'] } } })
        : [];
      for (const session of idle) await chats.endSession(session, 'IDLE');
      if (idle.length) log(`ended ${idle.length} chat(s) whose visitor was gone for ${limits.idleTimeoutSeconds}s`);
      return idle.length;
    } finally {
      sweeping = false;
    }
  }

  function start() {
    const onError = (error: unknown) => log(`idle monitor: ${error instanceof Error ? error.message : String(error)}`);
    timers = [
      setInterval(() => touch([...openSockets.keys()]).catch(onError), heartbeatMs),
      setInterval(() => sweep().catch(onError), limits.idleSweepIntervalSeconds * 1000),
    ];
    for (const timer of timers) timer.unref();
  }

  function stop() {
    timers.forEach(clearInterval);
    timers = [];
  }

  return { connected, disconnected, sweep, start, stop, lastSeenPrecisionMs: heartbeatMs };
}

export type IdleMonitor = ReturnType<typeof createIdleMonitor>;
