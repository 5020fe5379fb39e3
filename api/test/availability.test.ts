import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/platform/errors';
import type { Channel, Presence, Prisma, PrismaClient } from '../src/generated/prisma/client';
import { channelAvailability } from '../src/modules/channels/availability';
import { startTestApp, type TestApp } from './harness';

let app: TestApp;
let prisma: PrismaClient;
let channelCounter = 0;

beforeAll(async () => {
  app = await startTestApp();
  prisma = app.services.prisma;
});
afterAll(() => app?.stop());

async function channel(data: Partial<Prisma.ChannelCreateInput> = {}): Promise<Channel> {
  channelCounter += 1;
  return prisma.channel.create({ data: { name: `Availability ${channelCounter} ${randomUUID()}`, ...data } });
}

async function member(channelId: string, opts: { presence?: Presence; canRespond?: boolean; active?: boolean } = {}) {
  // Created directly: these agents never log in, so no password hashing is needed.
  const agent = await prisma.agent.create({
    data: {
      email: `availability-${randomUUID()}@example.com`,
      passwordHash: 'not-a-usable-hash',
      name: 'Availability agent',
      presence: opts.presence ?? 'PRESENT',
      active: opts.active ?? true,
    },
  });
  await prisma.channelMember.create({ data: { channelId, agentId: agent.id, canRespond: opts.canRespond ?? true } });
  return agent;
}

async function queued(channelId: string, queuedAt: Date, status: 'QUEUED' | 'ACTIVE' = 'QUEUED') {
  const { visitor } = await app.services.auth.createVisitor();
  return prisma.chatSession.create({ data: { channelId, visitorId: visitor.id, status, queuedAt, requestedAt: queuedAt } });
}

async function notFoundCode(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('channelAvailability', () => {
  it('is online with a Present member who can respond, outside no limits', async () => {
    const c = await channel();
    await member(c.id);
    expect(await channelAvailability(prisma, c.id)).toEqual({ online: true, reason: null, queueLength: 0, longestWaitSeconds: 0 });
  });

  it('throws NOT_FOUND for an unknown or malformed channel id', async () => {
    expect(await notFoundCode(channelAvailability(prisma, randomUUID()))).toBe('NOT_FOUND');
    expect(await notFoundCode(channelAvailability(prisma, 'not-a-uuid'))).toBe('NOT_FOUND');
    expect(await notFoundCode(channelAvailability(prisma, '\'; DROP TABLE "Channel"; --'))).toBe('NOT_FOUND');
  });

  it('is OUTSIDE_OPENING_HOURS outside the hours in the channel time zone, even with agents Present', async () => {
    // Monday 08:00–16:00 in Oslo (CEST, UTC+2 in June).
    const c = await channel({
      timeZone: 'Europe/Oslo',
      openingHoursEnabled: true,
      openingHours: { create: { weekday: 0, opensAt: 8 * 60, closesAt: 16 * 60 } },
    });
    await member(c.id);
    expect(await channelAvailability(prisma, c.id, new Date('2026-06-01T06:00:00Z'))).toMatchObject({ online: true, reason: null });
    expect(await channelAvailability(prisma, c.id, new Date('2026-06-01T13:59:00Z'))).toMatchObject({ online: true });
    expect(await channelAvailability(prisma, c.id, new Date('2026-06-01T14:00:00Z'))).toMatchObject({
      online: false,
      reason: 'OUTSIDE_OPENING_HOURS',
    });
    // Tuesday has no row: closed all day.
    expect(await channelAvailability(prisma, c.id, new Date('2026-06-02T09:00:00Z'))).toMatchObject({ reason: 'OUTSIDE_OPENING_HOURS' });
  });

  it('is NO_AGENT_PRESENT when no active member who can respond is Present', async () => {
    const c = await channel();
    const away = await member(c.id, { presence: 'AWAY' });
    await member(c.id, { presence: 'PRESENT', canRespond: false });
    await member(c.id, { presence: 'PRESENT', active: false });
    const elsewhere = await channel();
    await member(elsewhere.id, { presence: 'PRESENT' });
    expect(await channelAvailability(prisma, c.id)).toMatchObject({ online: false, reason: 'NO_AGENT_PRESENT' });

    await prisma.agent.update({ where: { id: away.id }, data: { presence: 'PRESENT' } });
    expect(await channelAvailability(prisma, c.id)).toMatchObject({ online: true, reason: null });
  });

  it('is QUEUE_TOO_LONG once the queued sessions reach offlineAfterQueueLength', async () => {
    const c = await channel({ offlineAfterQueueLength: 2 });
    await member(c.id);
    const other = await channel();
    const now = new Date();
    await queued(c.id, now);
    await queued(c.id, now, 'ACTIVE');
    await queued(other.id, now);
    expect(await channelAvailability(prisma, c.id, now)).toEqual({ online: true, reason: null, queueLength: 1, longestWaitSeconds: 0 });

    await queued(c.id, now);
    expect(await channelAvailability(prisma, c.id, now)).toMatchObject({ online: false, reason: 'QUEUE_TOO_LONG', queueLength: 2 });
  });

  it('is WAIT_TOO_LONG once the oldest queued session has waited offlineAfterWaitMinutes', async () => {
    const c = await channel({ offlineAfterWaitMinutes: 5 });
    await member(c.id);
    const oldest = new Date('2026-06-01T10:00:00Z');
    await queued(c.id, oldest);
    await queued(c.id, new Date('2026-06-01T10:03:00Z'));

    expect(await channelAvailability(prisma, c.id, new Date('2026-06-01T10:04:59Z'))).toEqual({
      online: true,
      reason: null,
      queueLength: 2,
      longestWaitSeconds: 299,
    });
    expect(await channelAvailability(prisma, c.id, new Date('2026-06-01T10:05:00Z'))).toEqual({
      online: false,
      reason: 'WAIT_TOO_LONG',
      queueLength: 2,
      longestWaitSeconds: 300,
    });
  });

  it('reports the first reason that applies: hours, then agents, then queue length, then wait', async () => {
    const c = await channel({
      openingHoursEnabled: true,
      offlineAfterQueueLength: 1,
      offlineAfterWaitMinutes: 1,
      openingHours: { create: { weekday: 0, opensAt: 0, closesAt: 1440 } },
    });
    const queuedAt = new Date('2026-06-01T10:00:00Z'); // a Monday, in UTC
    await queued(c.id, queuedAt);
    const later = new Date('2026-06-01T11:00:00Z');
    expect((await channelAvailability(prisma, c.id, new Date('2026-06-02T11:00:00Z'))).reason).toBe('OUTSIDE_OPENING_HOURS');
    expect((await channelAvailability(prisma, c.id, later)).reason).toBe('NO_AGENT_PRESENT');
    await member(c.id);
    expect((await channelAvailability(prisma, c.id, later)).reason).toBe('QUEUE_TOO_LONG');
    await prisma.channel.update({ where: { id: c.id }, data: { offlineAfterQueueLength: null } });
    expect(await channelAvailability(prisma, c.id, later)).toMatchObject({ reason: 'WAIT_TOO_LONG', longestWaitSeconds: 3600 });
  });
});
