// Module statistics: the dashboard's figures. Owns the live figures (waiting, longest wait, agents
// present, chats and ratings today, per channel in the viewer's time zone) and the dashboard's
// snapshot of waiting and ongoing chats. Imports channels and chats.
import type { Agent, ChatSession, Prisma, PrismaClient } from '../../generated/prisma/client';
import { forbidden } from '../../platform/errors';
import { validateTimeZone } from '../channels/opening-hours';
import type { QueuedSession, QueueService } from '../chats/queue.service';

export interface LiveStats {
  waiting: number;
  longestWaitSeconds: number | null;
  agentsPresent: number;
  activeSessions: number;
  chatsToday: number;
  averageWaitSeconds: number | null;
  averageTimeToAcceptSeconds: number | null;
  missedToday: number;
  averageRating: number | null;
  ratingsToday: number;
}

/**
 * Live figures for a set of channels. "Today" starts at local midnight in `timeZone`.
 * - average wait: every chat queued today, until an agent took it, it ended, or now;
 * - average time to accept: only chats an agent took.
 */
async function liveStats(prisma: PrismaClient, channelIds: readonly string[], timeZone = 'UTC'): Promise<LiveStats> {
  const zone = validateTimeZone(timeZone);
  if (channelIds.length === 0)
    return {
      waiting: 0,
      longestWaitSeconds: null,
      agentsPresent: 0,
      activeSessions: 0,
      chatsToday: 0,
      averageWaitSeconds: null,
      averageTimeToAcceptSeconds: null,
      missedToday: 0,
      averageRating: null,
      ratingsToday: 0,
    };
  const [row] = await prisma.$queryRaw<Record<string, number | bigint | null>[]>`
    WITH day AS (SELECT (date_trunc('day', now() AT TIME ZONE ${zone}) AT TIME ZONE ${zone}) AS start)
    SELECT
      count(*) FILTER (WHERE s.status = 'QUEUED') AS waiting,
      max(extract(epoch FROM now() - s."queuedAt")) FILTER (WHERE s.status = 'QUEUED')::float8 AS longest_wait,
      count(*) FILTER (WHERE s.status = 'ACTIVE') AS active,
      count(*) FILTER (WHERE s."requestedAt" >= day.start AND s.status <> 'PRECHAT') AS today,
      avg(extract(epoch FROM coalesce(s."startedAt", s."endedAt", now()) - s."queuedAt")) FILTER (WHERE s."queuedAt" >= day.start)::float8 AS avg_wait,
      avg(extract(epoch FROM s."startedAt" - s."queuedAt")) FILTER (WHERE s."startedAt" >= day.start AND s."queuedAt" IS NOT NULL)::float8 AS avg_accept,
      count(*) FILTER (WHERE s.missed AND s."requestedAt" >= day.start) AS missed,
      avg(s.rating) FILTER (WHERE s.rating IS NOT NULL AND s."endedAt" >= day.start)::float8 AS avg_rating,
      count(*) FILTER (WHERE s.rating IS NOT NULL AND s."endedAt" >= day.start) AS ratings
    FROM "ChatSession" s, day
    WHERE s."channelId" = ANY(${channelIds}::uuid[])
      AND (s.status IN ('QUEUED', 'ACTIVE') OR s."requestedAt" >= day.start OR s."endedAt" >= day.start)`;
  const [present] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(DISTINCT a.id) AS n FROM "Agent" a JOIN "ChannelMember" m ON m."agentId" = a.id
    WHERE a.presence = 'PRESENT' AND a.active AND m."canRespond" AND m."channelId" = ANY(${channelIds}::uuid[])`;
  const n = (v: number | bigint | null | undefined) => Number(v ?? 0);
  const secs = (v: number | bigint | null | undefined) => (v == null ? null : Math.round(Number(v)));
  return {
    waiting: n(row?.waiting),
    longestWaitSeconds: secs(row?.longest_wait),
    agentsPresent: n(present?.n),
    activeSessions: n(row?.active),
    chatsToday: n(row?.today),
    averageWaitSeconds: secs(row?.avg_wait),
    averageTimeToAcceptSeconds: secs(row?.avg_accept),
    missedToday: n(row?.missed),
    averageRating: row?.avg_rating == null ? null : Math.round(Number(row.avg_rating) * 100) / 100,
    ratingsToday: n(row?.ratings),
  };
}

/** Everything the Dashboard tab shows for a set of channels. */
export interface DashboardSnapshot {
  stats: LiveStats;
  incoming: QueuedSession[];
  ongoing: ChatSession[];
}

const SHARED_READ_RETENTION_MS = 1000;

export interface StatisticsServiceDeps {
  prisma: PrismaClient;
  queue: Pick<QueueService, 'waiting'>;
}

export function createStatisticsService({ prisma, queue }: StatisticsServiceDeps) {
  /** The agent's channels: their memberships, every channel for admins. */
  async function memberChannels(agent: Agent): Promise<string[]> {
    return agent.role === 'ADMIN'
      ? (await prisma.channel.findMany({ select: { id: true } })).map((c) => c.id)
      : (await prisma.channelMember.findMany({ where: { agentId: agent.id }, select: { channelId: true } })).map((m) => m.channelId);
  }

  /** The channels a dashboard covers: the agent's channels, narrowed to `requested`; FORBIDDEN for one outside them. */
  async function dashboardChannels(agent: Agent, requested: readonly string[] | null | undefined): Promise<string[]> {
    const available = await memberChannels(agent);
    if (!requested) return available;
    const outside = requested.find((id) => !available.includes(id));
    if (outside) throw forbidden(`You are not a member of channel ${outside}.`);
    return [...new Set(requested)];
  }

  /** The channels a live dashboard covers after a membership change: those still available, or all of them when none was requested. */
  async function currentDashboardChannels(agent: Agent, requested: readonly string[] | null | undefined): Promise<string[]> {
    const available = await memberChannels(agent);
    return requested ? [...new Set(requested)].filter((id) => available.includes(id)) : available;
  }

  /** The live figures of the agent's channels (narrowed to `requested`), "today" counted in `timeZone`. */
  async function liveStatsFor(agent: Agent, requested: readonly string[] | null | undefined, timeZone: string): Promise<LiveStats> {
    return liveStats(prisma, await dashboardChannels(agent, requested), timeZone);
  }

  async function dashboard(channelIds: readonly string[], timeZone: string): Promise<DashboardSnapshot> {
    const [stats, incoming, ongoing] = await Promise.all([
      liveStats(prisma, channelIds, timeZone),
      queue.waiting(channelIds),
      prisma.chatSession.findMany({ where: { channelId: { in: [...channelIds] }, status: 'ACTIVE' }, orderBy: { startedAt: 'asc' }, take: 500 }),
    ]);
    return { stats, incoming, ongoing };
  }

  /**
   * The snapshot for every live dashboard of the same channels and time zone: one read serves all
   * whose newest signal arrived (`freshAfter`, performance.now()) before that read started, so a
   * busy channel with many dashboards open costs one read per coalescing window, not one each.
   */
  const recentReads = new Map<string, { startedAt: number; snapshot: Promise<DashboardSnapshot> }>();
  function sharedDashboard(channelIds: readonly string[], timeZone: string, freshAfter: number): Promise<DashboardSnapshot> {
    const key = `${timeZone}\u0000${[...channelIds].sort().join(',')}`;
    const recent = recentReads.get(key);
    if (recent && recent.startedAt >= freshAfter) return recent.snapshot;
    const entry = { startedAt: performance.now(), snapshot: dashboard(channelIds, timeZone) };
    recentReads.set(key, entry);
    // Kept only while dashboards woken by the same signals may still ask for it.
    const forget = () => setTimeout(() => recentReads.get(key) === entry && recentReads.delete(key), SHARED_READ_RETENTION_MS).unref();
    entry.snapshot.then(forget, forget);
    return entry.snapshot;
  }

  /** A snapshot's ongoing chats again, oldest first, for a refetch with the caller's selection. */
  function ongoingListArgs(ongoing: readonly Pick<ChatSession, 'id'>[]) {
    return { where: { id: { in: ongoing.map((s) => s.id) } }, orderBy: { startedAt: 'asc' } } satisfies Prisma.ChatSessionFindManyArgs;
  }

  return { dashboardChannels, currentDashboardChannels, liveStats: liveStatsFor, dashboard, sharedDashboard, ongoingListArgs };
}

export type StatisticsService = ReturnType<typeof createStatisticsService>;
