import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/platform/config';
import { CHAT_EVENTS, NEXT, channelWithAgents, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';

// Every request here comes from 127.0.0.1: lift the per-IP and per-visitor limits so the
// queue tests can log in dozens of agents and start dozens of chats (rate limits have their own tests).
const roomy = { limit: 100_000, windowSeconds: 60 };
let app: TestApp;
beforeAll(async () => {
  const chat = configFromEnv({}).chat;
  app = await startTestApp({
    chat: { ...chat, startChatPerIp: roomy, startChatPerVisitor: roomy, sendMessagePerVisitor: roomy, sendMessagePerIp: roomy },
  });
});
afterAll(() => app?.stop());

type Errors = { errors?: { extensions?: Record<string, any> }[] };
const codeOf = (r: Errors) => r.errors?.[0]?.extensions?.code;

const ACCEPT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id status agent { id } } }`;
const QUEUE = `query($ids: [ID!]) { queue(channelIds: $ids) { position waitSeconds session { id status channel { id } } } }`;
const QUEUE_STATUS = `subscription($id: ID!) { queueStatus(sessionId: $id) { sessionId status position queueLength averageWaitSeconds } }`;
const END = `mutation($id: ID!) { endChat(sessionId: $id) { id status missed } }`;

/** Puts a waiting chat at a known place in line: queued `secondsAgo` seconds ago. */
async function queuedSecondsAgo(sessionId: string, secondsAgo: number) {
  await app.services.prisma.chatSession.update({ where: { id: sessionId }, data: { queuedAt: new Date(Date.now() - secondsAgo * 1000) } });
}

async function claim(token: string, channelIds?: string[]) {
  const result = await app.gql(NEXT, { ids: channelIds }, token);
  expect(result.errors).toBeUndefined();
  return result.data.getNextInQueue as { id: string; status: string; agent: { id: string } } | null;
}

describe('getNextInQueue', () => {
  it('takes the oldest waiting chat across the channels where the agent can respond, then null', async () => {
    const one = await channelWithAgents(app, { x: { canRespond: true } });
    const two = await channelWithAgents(app, { other: { canRespond: true } });
    const three = await channelWithAgents(app, { responder: { canRespond: true } });
    const x = one.agents.x!;
    // x may respond in one and two, but only listens in three.
    await app.services.prisma.channelMember.createMany({
      data: [
        { channelId: two.channel.id, agentId: x.agent.id, canRespond: true },
        { channelId: three.channel.id, agentId: x.agent.id, canRespond: false, canListenIn: true },
      ],
    });

    const a1 = await startChat(app, one.channel.id, 'a1');
    const b1 = await startChat(app, two.channel.id, 'b1');
    const a2 = await startChat(app, one.channel.id, 'a2');
    const c1 = await startChat(app, three.channel.id, 'c1');
    // The oldest of all is in channel three, where x cannot respond.
    await queuedSecondsAgo(c1.sessionId, 400);
    await queuedSecondsAgo(b1.sessionId, 300);
    await queuedSecondsAgo(a1.sessionId, 200);
    await queuedSecondsAgo(a2.sessionId, 100);

    const taken: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await claim(x.token);
      expect(next).toMatchObject({ status: 'ACTIVE', agent: { id: x.agent.id } });
      taken.push(next!.id);
    }
    expect(taken).toEqual([b1.sessionId, a1.sessionId, a2.sessionId]);
    expect(await claim(x.token)).toBeNull();
    expect(await claim(x.token)).toBeNull();

    const c1Row = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: c1.sessionId } });
    expect(c1Row).toMatchObject({ status: 'QUEUED', agentId: null, startedAt: null });
    for (const id of taken) {
      const row = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: 'ACTIVE', agentId: x.agent.id });
      expect(row.startedAt).not.toBeNull();
    }
  });

  it('narrows to the given channels, and refuses channels where the agent cannot respond', async () => {
    const one = await channelWithAgents(app, { x: { canRespond: true }, listener: { canListenIn: true } });
    const two = await channelWithAgents(app, { y: { canRespond: true } });
    const x = one.agents.x!;
    await app.services.prisma.channelMember.create({ data: { channelId: two.channel.id, agentId: x.agent.id, canRespond: true } });
    const older = await startChat(app, one.channel.id, 'in one');
    const newer = await startChat(app, two.channel.id, 'in two');
    await queuedSecondsAgo(older.sessionId, 60);

    expect((await claim(x.token, [two.channel.id]))?.id).toBe(newer.sessionId);
    expect(await claim(x.token, [two.channel.id])).toBeNull();

    const outside = await app.gql(NEXT, { ids: [two.channel.id] }, one.agents.listener!.token);
    expect(codeOf(outside)).toBe('FORBIDDEN');
    const notResponder = await app.gql(NEXT, { ids: [one.channel.id] }, one.agents.listener!.token);
    expect(codeOf(notResponder)).toBe('FORBIDDEN');
    // A listener with no channel to respond in simply gets nothing.
    expect(await claim(one.agents.listener!.token)).toBeNull();
    expect((await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: older.sessionId } })).status).toBe('QUEUED');
    expect(codeOf(await app.gql(NEXT, {}, null))).toBe('UNAUTHENTICATED');
  });

  it('hands each of 25 chats to exactly one of 10 racing agents, and the database agrees', async () => {
    const members = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`agent${i}`, { canRespond: true }]));
    const { channel, agents } = await channelWithAgents(app, members);
    const started: string[] = [];
    for (let i = 0; i < 25; i++) started.push((await startChat(app, channel.id, `race ${i}`)).sessionId);

    const claimsPerAgent = await Promise.all(
      Object.values(agents).map(async ({ agent, token }) => {
        const mine: string[] = [];
        for (;;) {
          const next = await claim(token, [channel.id]);
          if (!next) return { agentId: agent.id, mine };
          expect(next.agent.id).toBe(agent.id);
          mine.push(next.id);
        }
      }),
    );

    const all = claimsPerAgent.flatMap((c) => c.mine);
    expect(all).toHaveLength(25);
    expect(new Set(all).size).toBe(25);
    expect([...all].sort()).toEqual([...started].sort());
    for (const { mine } of claimsPerAgent) expect(new Set(mine).size).toBe(mine.length);

    const prisma = app.services.prisma;
    const rows = await prisma.chatSession.findMany({ where: { channelId: channel.id } });
    expect(rows).toHaveLength(25);
    const owner = new Map(claimsPerAgent.flatMap(({ agentId, mine }) => mine.map((id) => [id, agentId] as const)));
    for (const row of rows) {
      expect(row.status).toBe('ACTIVE');
      expect(row.agentId).toBe(owner.get(row.id));
    }
    // Each chat was joined once: one AGENT_JOINED event and one welcome, and a gap-free event log.
    const joined = await prisma.chatEvent.groupBy({ by: ['sessionId'], where: { sessionId: { in: started }, type: 'AGENT_JOINED' }, _count: true });
    expect(joined).toHaveLength(25);
    for (const j of joined) expect(j._count).toBe(1);
    const welcomes = await prisma.message.groupBy({ by: ['sessionId'], where: { sessionId: { in: started }, systemType: 'WELCOME' }, _count: true });
    expect(welcomes).toHaveLength(25);
    for (const w of welcomes) expect(w._count).toBe(1);
    for (const row of rows) {
      const seqs = (await prisma.chatEvent.findMany({ where: { sessionId: row.id }, orderBy: { seq: 'asc' }, select: { seq: true } })).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: row.lastEventSeq }, (_, i) => i + 1));
    }
  });

  it('sends the channel welcome message, from the agent, when they join', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } }, { welcomeMessage: 'Hi, Alice from support here.' });
    await app.services.prisma.agent.update({ where: { id: agents.alice!.agent.id }, data: { nickname: 'Ali' } });
    const { sessionId, visitorToken } = await startChat(app, channel.id, 'Anyone there?');
    const visitor = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await visitor.waitFor((d) => d.chatEvents.message?.body === 'Anyone there?');

    expect((await claim(agents.alice!.token))?.id).toBe(sessionId);
    const welcome = await visitor.waitFor((d) => d.chatEvents.message?.systemType === 'WELCOME');
    expect(welcome.chatEvents.message).toMatchObject({
      authorKind: 'SYSTEM',
      body: 'Hi, Alice from support here.',
      author: { id: agents.alice!.agent.id, displayName: 'Ali' },
    });
    const types = visitor.values().map((v) => v.chatEvents.type);
    expect(types.indexOf('AGENT_JOINED')).toBeGreaterThan(-1);
    expect(visitor.values().some((v) => v.chatEvents.type === 'STATUS_CHANGED' && v.chatEvents.status === 'ACTIVE')).toBe(true);

    const stored = await app.services.prisma.message.findMany({ where: { sessionId, systemType: 'WELCOME' } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ authorKind: 'SYSTEM', agentId: agents.alice!.agent.id, body: 'Hi, Alice from support here.' });
    visitor.stop();
  });
});

describe('queue', () => {
  it('lists waiting chats oldest first, with positions 1..n per channel and how long they waited', async () => {
    const one = await channelWithAgents(app, { x: { canRespond: true } });
    const two = await channelWithAgents(app, { y: { canRespond: true } });
    const x = one.agents.x!;
    await app.services.prisma.channelMember.create({ data: { channelId: two.channel.id, agentId: x.agent.id, canRespond: true } });
    const offsets: [string, string, number][] = [];
    for (const [name, channelId, secondsAgo] of [
      ['p', one.channel.id, 500],
      ['s', two.channel.id, 400],
      ['q', one.channel.id, 300],
      ['t', two.channel.id, 200],
      ['r', one.channel.id, 100],
    ] as const) {
      const { sessionId } = await startChat(app, channelId, name);
      await queuedSecondsAgo(sessionId, secondsAgo);
      offsets.push([sessionId, channelId, secondsAgo]);
    }
    // An active chat is not in the queue.
    const taken = await startChat(app, one.channel.id, 'taken');
    expect((await app.gql(ACCEPT, { id: taken.sessionId }, x.token)).errors).toBeUndefined();

    const both = await app.gql(QUEUE, { ids: [one.channel.id, two.channel.id] }, x.token);
    expect(both.errors).toBeUndefined();
    const list = both.data.queue as { position: number; waitSeconds: number; session: { id: string; status: string; channel: { id: string } } }[];
    expect(list.map((q) => q.session.id)).toEqual(offsets.map(([id]) => id));
    expect(list.map((q) => q.position)).toEqual([1, 1, 2, 2, 3]);
    list.forEach((q, i) => {
      expect(q.session.status).toBe('QUEUED');
      expect(q.session.channel.id).toBe(offsets[i]![1]);
      expect(q.waitSeconds).toBeGreaterThanOrEqual(offsets[i]![2]);
      expect(q.waitSeconds).toBeLessThan(offsets[i]![2] + 60);
    });

    const onlyOne = await app.gql(QUEUE, { ids: [one.channel.id] }, x.token);
    expect(onlyOne.data.queue.map((q: any) => [q.session.id, q.position])).toEqual(
      offsets.filter(([, c]) => c === one.channel.id).map(([id], i) => [id, i + 1]),
    );
    // Without channelIds: every channel where x can respond.
    expect((await app.gql(QUEUE, {}, x.token)).data.queue).toHaveLength(5);
    // y only responds in channel two.
    expect(codeOf(await app.gql(QUEUE, { ids: [one.channel.id] }, two.agents.y!.token))).toBe('FORBIDDEN');
    expect((await app.gql(QUEUE, {}, two.agents.y!.token)).data.queue.map((q: any) => q.position)).toEqual([1, 2]);
  });
});

describe('acceptChat', () => {
  it('lets exactly one of several racing agents take a chat; the others get CONFLICT', async () => {
    const members = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`a${i}`, { canRespond: true }]));
    const { channel, agents } = await channelWithAgents(app, members);
    const { sessionId } = await startChat(app, channel.id);
    const results = await Promise.all(Object.values(agents).map(({ token }) => app.gql(ACCEPT, { id: sessionId }, token)));
    const winners = results.filter((r) => r.data?.acceptChat);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(5);
    const winner = winners[0]!.data.acceptChat.agent.id;
    const row = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row).toMatchObject({ status: 'ACTIVE', agentId: winner });
    expect(await app.services.prisma.message.count({ where: { sessionId, systemType: 'WELCOME' } })).toBe(1);
    expect(await app.services.prisma.chatEvent.count({ where: { sessionId, type: 'AGENT_JOINED' } })).toBe(1);
    // The winner accepting again is a conflict too, and changes nothing.
    const winnerToken = Object.values(agents).find((a) => a.agent.id === winner)!.token;
    expect(codeOf(await app.gql(ACCEPT, { id: sessionId }, winnerToken))).toBe('CONFLICT');
    expect(await app.services.prisma.message.count({ where: { sessionId, systemType: 'WELCOME' } })).toBe(1);
  });

  it('is FORBIDDEN to a member who cannot respond, NOT_FOUND to a non-member, CONFLICT once ended', async () => {
    const { channel, agents } = await channelWithAgents(app, { responder: { canRespond: true }, listener: { canListenIn: true } });
    const outsider = await app.agentWithToken();
    const { sessionId, visitorToken } = await startChat(app, channel.id);

    expect(codeOf(await app.gql(ACCEPT, { id: sessionId }, agents.listener!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(ACCEPT, { id: sessionId }, outsider.token))).toBe('NOT_FOUND');
    expect(codeOf(await app.gql(ACCEPT, { id: randomUUID() }, agents.responder!.token))).toBe('NOT_FOUND');
    expect(codeOf(await app.gql(ACCEPT, { id: 'not-a-uuid' }, agents.responder!.token))).toBe('NOT_FOUND');
    expect((await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('QUEUED');

    expect((await app.gql(END, { id: sessionId }, visitorToken)).data.endChat).toMatchObject({ status: 'ENDED', missed: true });
    expect(codeOf(await app.gql(ACCEPT, { id: sessionId }, agents.responder!.token))).toBe('CONFLICT');
    expect(await app.services.prisma.message.count({ where: { sessionId, systemType: 'WELCOME' } })).toBe(0);
  });
});

describe('queueStatus', () => {
  it('tells a waiting visitor their position live, the average wait, and when an agent joins', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const alice = agents.alice!;
    const first = await startChat(app, channel.id, 'first');
    const second = await startChat(app, channel.id, 'second');
    const third = await startChat(app, channel.id, 'third');
    await queuedSecondsAgo(first.sessionId, 90);

    const status = subscribe(app.ws(`Bearer ${third.visitorToken}`), QUEUE_STATUS, { id: third.sessionId });
    const initial = await status.waitFor(() => true);
    expect(initial.queueStatus).toEqual({ sessionId: third.sessionId, status: 'QUEUED', position: 3, queueLength: 3, averageWaitSeconds: null });

    // A chat ahead is claimed: one place forward, and now there is an average wait (≈ 90 s).
    expect((await claim(alice.token))?.id).toBe(first.sessionId);
    const afterClaim = await status.waitFor((d) => d.queueStatus.position === 2);
    expect(afterClaim.queueStatus.queueLength).toBe(2);
    expect(afterClaim.queueStatus.averageWaitSeconds).toBeGreaterThanOrEqual(90);
    expect(afterClaim.queueStatus.averageWaitSeconds).toBeLessThan(150);

    // A chat ahead ends (the visitor gave up): first in line.
    expect((await app.gql(END, { id: second.sessionId }, second.visitorToken)).data.endChat.status).toBe('ENDED');
    await status.waitFor((d) => d.queueStatus.position === 1 && d.queueStatus.queueLength === 1);

    // Someone joins behind: the queue grows, the position does not change.
    await startChat(app, channel.id, 'fourth');
    await status.waitFor((d) => d.queueStatus.queueLength === 2);
    expect(status.values().at(-1)!.queueStatus.position).toBe(1);

    expect((await app.gql(ACCEPT, { id: third.sessionId }, alice.token)).errors).toBeUndefined();
    const joined = await status.waitFor((d) => d.queueStatus.status === 'ACTIVE');
    expect(joined.queueStatus).toMatchObject({ position: null, queueLength: 1 });

    // Positions only ever went down while waiting.
    const positions = status
      .values()
      .map((v) => v.queueStatus.position)
      .filter((p): p is number => p !== null);
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
    expect(status.results.every((r) => !r.errors)).toBe(true);
    status.stop();
  });

  it('is only for the chat’s own visitor', async () => {
    const { channel } = await channelWithAgents(app, { alice: { canRespond: true } });
    const mine = await startChat(app, channel.id, 'mine');
    const theirs = await startChat(app, channel.id, 'theirs');
    const denied = subscribe(app.ws(`Bearer ${mine.visitorToken}`), QUEUE_STATUS, { id: theirs.sessionId });
    const { errors } = await denied.ended;
    expect((errors?.[0] as any)?.extensions?.code).toBe('NOT_FOUND');
    expect(denied.values()).toHaveLength(0);
  });
});
