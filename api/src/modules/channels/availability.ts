import { AppError, notFound } from '../../platform/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { isWithinOpeningHours } from './opening-hours';

export type OfflineReason = 'ARCHIVED' | 'OUTSIDE_OPENING_HOURS' | 'NO_AGENT_PRESENT' | 'QUEUE_TOO_LONG' | 'WAIT_TOO_LONG';

/** startChat and the offline form on an archived channel: its open chats go on, nothing new starts. */
export function archivedChannelError(name: string): AppError {
  return new AppError('CHANNEL_OFFLINE', `${name} is archived: it takes no new chats and no offline forms.`, { reason: 'ARCHIVED', offlineForm: false });
}

export interface ChannelAvailability {
  online: boolean;
  /** Why the channel is offline (the first that applies, in the order of OfflineReason); null when online. */
  reason: OfflineReason | null;
  /** Sessions waiting in the queue now. */
  queueLength: number;
  /** How long the oldest queued session has waited, in whole seconds; 0 with an empty queue. */
  longestWaitSeconds: number;
}

/**
 * Whether a channel takes chats now, or sends visitors to the offline form: closed outside its
 * opening hours, with no member who can respond Present, or when the queue is too long or too slow.
 * An archived channel is offline with no form at all (ARCHIVED), so the widget can still resume
 * a visitor's open chat there.
 */
export async function channelAvailability(prisma: PrismaClient, channelId: string, now: Date = new Date()): Promise<ChannelAvailability> {
  if (!isUuid(channelId)) throw notFound('Channel', channelId);
  const [channel, respondersPresent, queue] = await Promise.all([
    prisma.channel.findUnique({
      where: { id: channelId },
      select: {
        archivedAt: true,
        timeZone: true,
        openingHoursEnabled: true,
        offlineAfterQueueLength: true,
        offlineAfterWaitMinutes: true,
        openingHours: { select: { weekday: true, opensAt: true, closesAt: true, breakStartsAt: true, breakEndsAt: true } },
      },
    }),
    prisma.channelMember.count({
      where: { channelId, canRespond: true, agent: { presence: 'PRESENT', active: true } },
    }),
    prisma.$queryRaw<{ queueLength: number; oldestQueuedAt: Date | null }[]>`
      SELECT count(*)::int AS "queueLength", min(coalesce("queuedAt", "requestedAt")) AS "oldestQueuedAt"
      FROM "ChatSession"
      WHERE "channelId" = ${channelId}::uuid AND status = 'QUEUED'`,
  ]);
  if (!channel) throw notFound('Channel', channelId);

  const queueLength = queue[0]?.queueLength ?? 0;
  const oldestQueuedAt = queue[0]?.oldestQueuedAt ?? null;
  const longestWaitSeconds = oldestQueuedAt ? Math.max(0, Math.floor((now.getTime() - oldestQueuedAt.getTime()) / 1000)) : 0;

  let reason: OfflineReason | null = null;
  if (channel.archivedAt) reason = 'ARCHIVED';
  else if (!isWithinOpeningHours(channel, channel.openingHours, now)) reason = 'OUTSIDE_OPENING_HOURS';
  else if (respondersPresent === 0) reason = 'NO_AGENT_PRESENT';
  else if (channel.offlineAfterQueueLength != null && queueLength >= channel.offlineAfterQueueLength) reason = 'QUEUE_TOO_LONG';
  else if (channel.offlineAfterWaitMinutes != null && queueLength > 0 && longestWaitSeconds >= channel.offlineAfterWaitMinutes * 60) reason = 'WAIT_TOO_LONG';

  return { online: reason === null, reason, queueLength, longestWaitSeconds };
}
