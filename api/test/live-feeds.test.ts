import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/platform/config';
import { NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { startTestApp, statementsSoFar, subscribe, type TestApp } from './harness';

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
const errorOf = (r: Errors) => r.errors?.[0]?.extensions;

const ACCEPT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`;
const END = `mutation($id: ID!) { endChat(sessionId: $id) { id status } }`;
const RATE = `mutation($id: ID!, $r: Int!) { rateChat(sessionId: $id, rating: $r) { rating } }`;
const PRESENCE = `mutation($p: Presence!) { setPresence(presence: $p) { presence } }`;
const MARK_READ = `mutation($id: ID!, $c: Int!) { markRead(sessionId: $id, upToCursor: $c) { unreadCount } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!) { transferChat(sessionId: $id, toAgentId: $to) { id status } }`;
const STATS_FIELDS = `waiting longestWaitSeconds agentsPresent activeSessions chatsToday averageWaitSeconds averageTimeToAcceptSeconds missedToday averageRating ratingsToday`;
const LIVE_STATS = `query($ids: [ID!], $tz: String) { liveStats(channelIds: $ids, timeZone: $tz) { ${STATS_FIELDS} } }`;
const DASHBOARD = `subscription($ids: [ID!], $tz: String) { dashboardEvents(channelIds: $ids, timeZone: $tz) {
  stats { ${STATS_FIELDS} }
  incoming { position waitSeconds session { id status } }
  ongoing { id status agent { id } }
} }`;
const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds transferIds badges { incoming myChats unread transfersToMe } } }`;

/**
 * A fixed-offset zone where the local time is now `hour`:xx, so "today" has a known start no
 * matter when the tests run (Etc/GMT-k is UTC+k).
 */
function zoneAtLocalHour(hour: number): string {
  let offset = hour - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'UTC' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

async function stats(token: string, channelIds?: string[], timeZone?: string) {
  const result = await app.gql(LIVE_STATS, { ids: channelIds, tz: timeZone }, token);
  expect(result.errors).toBeUndefined();
  return result.data.liveStats;
}

describe('liveStats', () => {
  it('counts waiting, longest wait, agents Present, active, today, averages, missed and rating', async () => {
    const zone = zoneAtLocalHour(12);
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const alice = agents.alice!;
    const prisma = app.services.prisma;
    const empty = await stats(alice.token, [channel.id], zone);
    expect(empty).toEqual({
      waiting: 0,
      longestWaitSeconds: null,
      agentsPresent: 2,
      activeSessions: 0,
      chatsToday: 0,
      averageWaitSeconds: null,
      averageTimeToAcceptSeconds: null,
      missedToday: 0,
      averageRating: null,
      ratingsToday: 0,
    });

    // waiting: queued 100 s ago
    const waiting = await startChat(app, channel.id, 'still waiting');
    await prisma.chatSession.update({ where: { id: waiting.sessionId }, data: { queuedAt: secondsAgo(100) } });
    // active: waited 20 s
    const active = await startChat(app, channel.id, 'active');
    expect((await app.gql(ACCEPT, { id: active.sessionId }, alice.token)).errors).toBeUndefined();
    await prisma.chatSession.update({ where: { id: active.sessionId }, data: { queuedAt: secondsAgo(60), startedAt: secondsAgo(40) } });
    // answered and ended: waited 40 s, rated 4
    const answered = await startChat(app, channel.id, 'answered');
    expect((await app.gql(ACCEPT, { id: answered.sessionId }, alice.token)).errors).toBeUndefined();
    expect((await app.gql(END, { id: answered.sessionId }, alice.token)).data.endChat.status).toBe('ENDED');
    await prisma.chatSession.update({ where: { id: answered.sessionId }, data: { queuedAt: secondsAgo(50), startedAt: secondsAgo(10) } });
    expect((await app.gql(RATE, { id: answered.sessionId, r: 4 }, answered.visitorToken)).data.rateChat.rating).toBe(4);
    // missed: the visitor gave up after 10 s in the queue, and rated 5 anyway
    const missed = await startChat(app, channel.id, 'gave up');
    expect((await app.gql(END, { id: missed.sessionId }, missed.visitorToken)).data.endChat.status).toBe('ENDED');
    await prisma.chatSession.update({ where: { id: missed.sessionId }, data: { queuedAt: secondsAgo(30), endedAt: secondsAgo(20) } });
    expect((await app.gql(RATE, { id: missed.sessionId, r: 5 }, missed.visitorToken)).data.rateChat.rating).toBe(5);

    const now = await stats(alice.token, [channel.id], zone);
    expect(now).toMatchObject({ waiting: 1, agentsPresent: 2, activeSessions: 1, chatsToday: 4, missedToday: 1, averageRating: 4.5, ratingsToday: 2 });
    expect(now.longestWaitSeconds).toBeGreaterThanOrEqual(100);
    expect(now.longestWaitSeconds).toBeLessThan(160);
    // Time to accept counts only chats an agent took: (20 + 40) / 2.
    expect(now.averageTimeToAcceptSeconds).toBe(30);
    // Average wait counts every chat queued today, until taken, ended or now: (100+ + 20 + 40 + 10) / 4.
    expect(now.averageWaitSeconds).toBeGreaterThanOrEqual(42);
    expect(now.averageWaitSeconds).toBeLessThan(60);

    // Presence changes count at once.
    expect((await app.gql(PRESENCE, { p: 'AWAY' }, agents.bob!.token)).data.setPresence.presence).toBe('AWAY');
    expect((await stats(alice.token, [channel.id], zone)).agentsPresent).toBe(1);
    expect((await app.gql(PRESENCE, { p: 'PRESENT' }, agents.bob!.token)).errors).toBeUndefined();
    expect((await stats(alice.token, [channel.id], zone)).agentsPresent).toBe(2);

    // Without channelIds: all of the agent's channels (here just this one).
    expect(await stats(alice.token, undefined, zone)).toMatchObject({ waiting: 1, chatsToday: 4, missedToday: 1 });
  });

  it('counts "today" from midnight in the requested time zone', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const old = await startChat(app, channel.id, 'fourteen hours ago');
    expect((await app.gql(ACCEPT, { id: old.sessionId }, agents.alice!.token)).errors).toBeUndefined();
    expect((await app.gql(END, { id: old.sessionId }, agents.alice!.token)).errors).toBeUndefined();
    expect((await app.gql(RATE, { id: old.sessionId, r: 2 }, old.visitorToken)).errors).toBeUndefined();
    const h = 3600;
    await app.services.prisma.chatSession.update({
      where: { id: old.sessionId },
      data: { requestedAt: secondsAgo(14 * h + 30), queuedAt: secondsAgo(14 * h + 30), startedAt: secondsAgo(14 * h), endedAt: secondsAgo(14 * h - 60) },
    });

    // At 12:xx local time, 14 hours ago was yesterday evening; at 22:xx it was this morning.
    const noon = await stats(agents.alice!.token, [channel.id], zoneAtLocalHour(12));
    expect(noon).toMatchObject({ chatsToday: 0, averageWaitSeconds: null, averageTimeToAcceptSeconds: null, averageRating: null, ratingsToday: 0 });
    const evening = await stats(agents.alice!.token, [channel.id], zoneAtLocalHour(22));
    expect(evening).toMatchObject({ chatsToday: 1, averageWaitSeconds: 30, averageTimeToAcceptSeconds: 30, averageRating: 2, ratingsToday: 1 });
  });

  it('rejects an invalid time zone (VALIDATION timeZone) and channels outside your memberships (FORBIDDEN)', async () => {
    const mine = await channelWithAgents(app, { alice: { canRespond: true } });
    const theirs = await channelWithAgents(app, { bob: { canRespond: true } });
    const alice = mine.agents.alice!;
    for (const tz of ['Mars/Olympus_Mons', '', 'Europe/Oslo; DROP TABLE'])
      expect(errorOf(await app.gql(LIVE_STATS, { ids: [mine.channel.id], tz }, alice.token))).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });
    expect((await app.gql(LIVE_STATS, { ids: [mine.channel.id], tz: 'Europe/Oslo' }, alice.token)).errors).toBeUndefined();

    expect(errorOf(await app.gql(LIVE_STATS, { ids: [theirs.channel.id] }, alice.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(LIVE_STATS, { ids: [mine.channel.id, theirs.channel.id] }, alice.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(LIVE_STATS, {}, null))?.code).toBe('UNAUTHENTICATED');
    // Admins see every channel.
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    expect((await app.gql(LIVE_STATS, { ids: [theirs.channel.id] }, admin.token)).errors).toBeUndefined();

    const badZone = subscribe(app.ws(`Bearer ${alice.token}`), DASHBOARD, { ids: [mine.channel.id], tz: 'Nowhere/Atlantis' });
    expect(((await badZone.ended).errors?.[0] as any)?.extensions).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });
    const outside = subscribe(app.ws(`Bearer ${alice.token}`), DASHBOARD, { ids: [theirs.channel.id] });
    expect(((await outside.ended).errors?.[0] as any)?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('dashboardEvents', () => {
  it('sends a snapshot, then a new one when a chat comes in, is claimed and ends, and when presence changes', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const alice = agents.alice!;
    const feed = subscribe(app.ws(`Bearer ${alice.token}`), DASHBOARD, { ids: [channel.id] });
    const initial = await feed.waitFor(() => true);
    expect(initial.dashboardEvents).toMatchObject({ incoming: [], ongoing: [], stats: { waiting: 0, activeSessions: 0, chatsToday: 0, agentsPresent: 2 } });

    const { sessionId, visitorToken } = await startChat(app, channel.id, 'dashboard me');
    const incoming = await feed.waitFor((d) => d.dashboardEvents.incoming.length === 1);
    expect(incoming.dashboardEvents.incoming[0]).toMatchObject({ position: 1, session: { id: sessionId, status: 'QUEUED' } });
    expect(incoming.dashboardEvents.stats).toMatchObject({ waiting: 1, chatsToday: 1 });

    expect((await app.gql(NEXT, {}, alice.token)).data.getNextInQueue.id).toBe(sessionId);
    const ongoing = await feed.waitFor((d) => d.dashboardEvents.ongoing.length === 1);
    expect(ongoing.dashboardEvents).toMatchObject({ incoming: [], ongoing: [{ id: sessionId, status: 'ACTIVE', agent: { id: alice.agent.id } }] });
    expect(ongoing.dashboardEvents.stats).toMatchObject({ waiting: 0, activeSessions: 1 });

    expect((await app.gql(END, { id: sessionId }, visitorToken)).data.endChat.status).toBe('ENDED');
    const ended = await feed.waitFor(
      (d) =>
        d.dashboardEvents.ongoing.length === 0 &&
        d.dashboardEvents.stats.chatsToday === 1 &&
        d.dashboardEvents.stats.activeSessions === 0 &&
        d.dashboardEvents.stats.averageTimeToAcceptSeconds !== null,
    );
    expect(ended.dashboardEvents.stats.missedToday).toBe(0);

    // A chat that ends while queued shows up as missed.
    const gaveUp = await startChat(app, channel.id, 'never mind');
    await feed.waitFor((d) => d.dashboardEvents.incoming.some((q: any) => q.session.id === gaveUp.sessionId));
    expect((await app.gql(END, { id: gaveUp.sessionId }, gaveUp.visitorToken)).errors).toBeUndefined();
    await feed.waitFor((d) => d.dashboardEvents.stats.missedToday === 1 && d.dashboardEvents.incoming.length === 0 && d.dashboardEvents.stats.chatsToday === 2);

    expect((await app.gql(PRESENCE, { p: 'AWAY' }, agents.bob!.token)).errors).toBeUndefined();
    await feed.waitFor((d) => d.dashboardEvents.stats.agentsPresent === 1);
    expect(feed.results.every((r) => !r.errors)).toBe(true);
    feed.stop();
  });

  it('serves every dashboard of the same channels from one read per change', async () => {
    const statements = () => statementsSoFar(app);
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const { channel, agents } = await channelWithAgents(app, Object.fromEntries(names.map((n) => [n, { canRespond: true }])));
    const other = await channelWithAgents(app, { elsewhere: { canRespond: true } });
    const { sessionId } = await startChat(app, channel.id, 'on the dashboards');
    const open = (token: string, ids: string[]) => subscribe(app.ws(`Bearer ${token}`), DASHBOARD, { ids });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 700));
    /** Statements the dashboards make after one change signal in the channel, once each shows it. */
    async function readsForOneChange(feeds: ReturnType<typeof open>[]) {
      await Promise.all(feeds.map((f) => f.waitFor(() => true)));
      await settle(); // past the coalescing window, so every feed is waiting for the next signal
      const before = await statements();
      const seen = feeds.map((f) => f.values().length);
      app.services.bus.publish('channel', channel.id, { reason: 'sessions', sessionId });
      await Promise.all(feeds.map((f, i) => f.waitFor(() => f.values().length > seen[i]!)));
      return (await statements()) - before;
    }
    const single = [open(agents.a1!.token, [channel.id])];
    const alone = await readsForOneChange(single);
    single[0]!.stop();
    const many = names.map((n) => open(agents[n]!.token, [channel.id]));
    const outside = open(other.agents.elsewhere!.token, [other.channel.id]);
    const shared = await readsForOneChange(many);
    expect(alone).toBeGreaterThan(0);
    // Unshared, six dashboards made six times the single one's statements.
    expect(shared).toBeLessThan(2 * alone);
    for (const feed of many) {
      const last = feed.values().at(-1)!.dashboardEvents;
      expect(last.incoming.map((q: any) => q.session.id)).toEqual([sessionId]);
      expect(last.stats.waiting).toBe(1);
    }
    // Another channel's dashboard never gets this one's snapshot.
    expect(outside.values().every((v: any) => v.dashboardEvents.incoming.length === 0)).toBe(true);
    for (const feed of [...many, outside]) feed.stop();
  });

  it('covers only the channels asked for', async () => {
    const one = await channelWithAgents(app, { alice: { canRespond: true } });
    const two = await channelWithAgents(app, { bob: { canRespond: true } });
    await app.services.prisma.channelMember.create({ data: { channelId: two.channel.id, agentId: one.agents.alice!.agent.id, canRespond: true } });
    const feed = subscribe(app.ws(`Bearer ${one.agents.alice!.token}`), DASHBOARD, { ids: [one.channel.id] });
    await feed.waitFor(() => true);
    await startChat(app, two.channel.id, 'elsewhere');
    const here = await startChat(app, one.channel.id, 'here');
    const snapshot = await feed.waitFor((d) => d.dashboardEvents.incoming.length > 0);
    expect(snapshot.dashboardEvents.incoming.map((q: any) => q.session.id)).toEqual([here.sessionId]);
    expect(snapshot.dashboardEvents.stats.waiting).toBe(1);
    feed.stop();
  });

  it('marks messages as activity that dashboards may take later, and status changes as not', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const heard: { reason: string; activity?: boolean }[] = [];
    const stop = app.services.bus.listen('channel', channel.id, (signal) => heard.push(signal as (typeof heard)[number]));
    const { sessionId, visitorToken } = await startChat(app, channel.id, 'first');
    expect((await app.gql(NEXT, {}, agents.alice!.token)).data.getNextInQueue.id).toBe(sessionId);
    const beforeMessage = heard.length;
    expect((await send(app, visitorToken, sessionId, 'a message')).errors).toBeUndefined();
    stop();
    expect(heard.slice(0, beforeMessage).every((s) => !s.activity)).toBe(true);
    expect(heard.slice(beforeMessage)).toEqual([{ reason: 'sessions', sessionId, activity: true }]);
  });
});

describe('agentEvents', () => {
  it('updates the badges: incoming, my chats, unread (and markRead), transfers to me', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true }, carol: { canListenIn: true } });
    const alice = agents.alice!;
    const bob = agents.bob!;
    const feed = subscribe(app.ws(`Bearer ${alice.token}`), AGENT_EVENTS);
    const initial = await feed.waitFor(() => true);
    expect(initial.agentEvents).toEqual({
      reasons: ['initial'],
      sessionIds: [],
      transferIds: [],
      badges: { incoming: 0, myChats: 0, unread: 0, transfersToMe: 0 },
    });

    const { sessionId, visitorToken } = await startChat(app, channel.id, 'badge me');
    const queued = await feed.waitFor((d) => d.agentEvents.badges.incoming === 1);
    expect(queued.agentEvents.reasons).toContain('queue');
    expect(queued.agentEvents.sessionIds).toContain(sessionId);

    // Carol cannot respond here: the chat is not incoming for her.
    const carolFeed = subscribe(app.ws(`Bearer ${agents.carol!.token}`), AGENT_EVENTS);
    expect((await carolFeed.waitFor(() => true)).agentEvents.badges).toEqual({ incoming: 0, myChats: 0, unread: 0, transfersToMe: 0 });
    carolFeed.stop();

    expect((await app.gql(NEXT, {}, alice.token)).data.getNextInQueue.id).toBe(sessionId);
    // The visitor's first message is unread until Alice reads it.
    const mine = await feed.waitFor((d) => d.agentEvents.badges.myChats === 1 && d.agentEvents.badges.incoming === 0);
    expect(mine.agentEvents.badges.unread).toBe(1);
    expect(mine.agentEvents.reasons.some((r: string) => r === 'chats' || r === 'queue')).toBe(true);
    expect(mine.agentEvents.sessionIds).toContain(sessionId);

    expect((await send(app, visitorToken, sessionId, 'are you there?')).errors).toBeUndefined();
    const unread = await feed.waitFor((d) => d.agentEvents.badges.unread === 2);
    expect(unread.agentEvents.reasons).toContain('chats');
    expect(unread.agentEvents.sessionIds).toEqual([sessionId]);

    const { lastEventSeq } = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect((await app.gql(MARK_READ, { id: sessionId, c: lastEventSeq }, alice.token)).data.markRead.unreadCount).toBe(0);
    await feed.waitFor((d) => d.agentEvents.badges.unread === 0 && d.agentEvents.badges.myChats === 1);

    const bobFeed = subscribe(app.ws(`Bearer ${bob.token}`), AGENT_EVENTS);
    expect((await bobFeed.waitFor(() => true)).agentEvents.badges.transfersToMe).toBe(0);
    const offered = await app.gql(TRANSFER, { id: sessionId, to: bob.agent.id }, alice.token);
    expect(offered.errors).toBeUndefined();
    const transferId = offered.data.transferChat.id;
    const toBob = await bobFeed.waitFor((d) => d.agentEvents.badges.transfersToMe === 1);
    expect(toBob.agentEvents.reasons).toContain('transfer');
    expect(toBob.agentEvents.transferIds).toEqual([transferId]);
    expect(toBob.agentEvents.sessionIds).toEqual([sessionId]);
    expect(toBob.agentEvents.badges.myChats).toBe(0);
    // The sender hears about it too, and still has the chat until Bob accepts.
    const fromAlice = await feed.waitFor((d) => d.agentEvents.transferIds.includes(transferId));
    expect(fromAlice.agentEvents.badges).toMatchObject({ myChats: 1, transfersToMe: 0 });

    expect([...feed.results, ...bobFeed.results].every((r) => !r.errors)).toBe(true);
    feed.stop();
    bobFeed.stop();
  });
});
