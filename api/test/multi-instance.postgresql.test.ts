import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENTS, NEXT, SEND, channelWithAgents, send, startChat } from './chat-fixtures';
import { cursorsOf, endedFlag, range, storedCursors } from './chat-stream-checks';
import { subscribe, type TestApp } from './harness';
import { sseSubscribe } from './sse-client';
import { startTwoInstances, type TwoInstances } from './two-instances';

let cluster: TwoInstances;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  cluster = await startTwoInstances();
  ({ a, b } = cluster);
});

afterAll(() => cluster?.stop());

const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds badges { incoming myChats unread transfersToMe } } }`;
const DASHBOARD = `subscription($ids: [ID!]) { dashboardEvents(channelIds: $ids) {
  stats { waiting activeSessions chatsToday } incoming { position session { id } } ongoing { id status }
} }`;
const TYPING = `mutation($id: ID!, $t: Boolean!) { setTyping(sessionId: $id, typing: $t) }`;

describe('two API instances sharing PostgreSQL and Redis', () => {
  it('both report Redis pub/sub in /health', async () => {
    for (const app of [a, b]) {
      const health = await fetch(`${app.url}/health`).then((r) => r.json());
      expect(health.pubsub).toEqual({ ok: true, kind: 'redis', status: 'ready' });
      expect(health.database).toMatchObject({ ok: true, engine: 'postgresql' });
    }
    expect(a.port).not.toBe(b.port);
  });

  it('carries a chat live between a visitor on A and an agent on B, both ways', async () => {
    const { channel, agents } = await channelWithAgents(
      a,
      { alice: { canRespond: true, getsNotifications: true } },
      { welcomeMessage: 'Hello from instance B' },
    );
    const alice = agents.alice!;
    const agentSocket = b.ws(`Bearer ${alice.token}`);

    // The agent's console on B is open before the visitor arrives on A.
    const agentFeed = subscribe(agentSocket, AGENT_EVENTS);
    const dashboard = subscribe(agentSocket, DASHBOARD, { ids: [channel.id] });
    const initialFeed = await agentFeed.waitFor((e) => e.agentEvents.reasons.includes('initial'));
    expect(initialFeed.agentEvents.badges).toEqual({ incoming: 0, myChats: 0, unread: 0, transfersToMe: 0 });
    const initialDashboard = await dashboard.waitFor(() => true);
    expect(initialDashboard.dashboardEvents).toMatchObject({ stats: { waiting: 0, activeSessions: 0 }, incoming: [], ongoing: [] });

    const { sessionId, visitorToken } = await startChat(a, channel.id, 'Started on A');

    // Only Redis can tell B about a chat started on A.
    const queued = await agentFeed.waitFor((e) => e.agentEvents.badges.incoming === 1);
    expect(queued.agentEvents.sessionIds).toContain(sessionId);
    expect(queued.agentEvents.reasons).not.toContain('initial');
    const dashQueued = await dashboard.waitFor((d) => d.dashboardEvents.incoming.length === 1);
    expect(dashQueued.dashboardEvents).toMatchObject({ stats: { waiting: 1, chatsToday: 1 }, incoming: [{ position: 1, session: { id: sessionId } }] });

    const visitorEvents = subscribe(a.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await visitorEvents.waitFor((d) => d.chatEvents.message?.body === 'Started on A');

    // The agent takes it on B; the visitor on A sees the status change and the welcome.
    const claimed = await b.gql(NEXT, { ids: [channel.id] }, alice.token);
    expect(claimed.data.getNextInQueue).toMatchObject({ id: sessionId, status: 'ACTIVE', agent: { id: alice.agent.id } });
    await visitorEvents.waitFor((d) => d.chatEvents.type === 'STATUS_CHANGED' && d.chatEvents.status === 'ACTIVE');
    await visitorEvents.waitFor((d) => d.chatEvents.type === 'AGENT_JOINED' && d.chatEvents.agent?.id === alice.agent.id);
    await visitorEvents.waitFor((d) => d.chatEvents.message?.systemType === 'WELCOME' && d.chatEvents.message.body === 'Hello from instance B');
    await agentFeed.waitFor((e) => e.agentEvents.badges.incoming === 0 && e.agentEvents.badges.myChats === 1);
    await dashboard.waitFor((d) => d.dashboardEvents.stats.waiting === 0 && d.dashboardEvents.ongoing.some((s: { id: string }) => s.id === sessionId));

    const agentEvents = subscribe(agentSocket, CHAT_EVENTS, { id: sessionId, after: 0 });
    await agentEvents.waitFor((d) => d.chatEvents.message?.systemType === 'WELCOME');

    // Typing, both ways (live only, no cursor).
    expect((await a.gql(TYPING, { id: sessionId, t: true }, visitorToken)).data.setTyping).toBe(true);
    const visitorTyping = await agentEvents.waitFor((d) => d.chatEvents.type === 'TYPING' && d.chatEvents.typing.by === 'VISITOR');
    expect(visitorTyping.chatEvents).toMatchObject({ cursor: null, typing: { isTyping: true } });
    expect((await b.gql(TYPING, { id: sessionId, t: true }, alice.token)).data.setTyping).toBe(true);
    const agentTyping = await visitorEvents.waitFor((d) => d.chatEvents.type === 'TYPING' && d.chatEvents.typing.by === 'AGENT');
    expect(agentTyping.chatEvents).toMatchObject({ cursor: null, typing: { isTyping: true }, agent: { id: alice.agent.id } });

    // Messages, both ways, each several times so ordering across the instances is exercised.
    for (let i = 0; i < 3; i += 1) {
      const fromVisitor = await send(a, visitorToken, sessionId, `visitor on A #${i}`);
      expect(fromVisitor.errors).toBeUndefined();
      const seen = await agentEvents.waitFor((d) => d.chatEvents.message?.body === `visitor on A #${i}`);
      expect(seen.chatEvents.cursor).toBe(fromVisitor.data.sendMessage.cursor);
      const fromAgent = await send(b, alice.token, sessionId, `agent on B #${i}`);
      expect(fromAgent.errors).toBeUndefined();
      const got = await visitorEvents.waitFor((d) => d.chatEvents.message?.body === `agent on B #${i}`);
      expect(got.chatEvents.message).toMatchObject({ authorKind: 'AGENT', author: { id: alice.agent.id }, cursor: fromAgent.data.sendMessage.cursor });
    }
    await agentFeed.waitFor((e) => e.agentEvents.badges.unread === 4);

    // Read receipt on B reaches A.
    const last = (await b.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;
    await b.gql(`mutation($id: ID!, $c: Int!) { markRead(sessionId: $id, upToCursor: $c) { id } }`, { id: sessionId, c: last }, alice.token);
    await visitorEvents.waitFor((d) => d.chatEvents.type === 'READ' && d.chatEvents.read.by === 'AGENT' && d.chatEvents.read.upToCursor === last);
    await agentFeed.waitFor((e) => e.agentEvents.badges.unread === 0);

    // The agent ends it on B; the visitor on A sees it, the dashboard on B too.
    const ended = await b.gql(`mutation($id: ID!) { endChat(sessionId: $id) { status } }`, { id: sessionId }, alice.token);
    expect(ended.data.endChat.status).toBe('ENDED');
    const endEvent = await visitorEvents.waitFor((d) => d.chatEvents.type === 'STATUS_CHANGED' && d.chatEvents.status === 'ENDED');
    expect(endEvent.chatEvents.endedBy).toBe('AGENT');
    await agentEvents.waitFor((d) => d.chatEvents.status === 'ENDED');
    await agentFeed.waitFor((e) => e.agentEvents.badges.myChats === 0);
    await dashboard.waitFor((d) => d.dashboardEvents.ongoing.length === 0 && d.dashboardEvents.stats.activeSessions === 0);

    // Each side got every stored event exactly once, in cursor order.
    const finalSeq = (await a.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;
    await visitorEvents.waitFor((d) => d.chatEvents.cursor === finalSeq);
    expect(cursorsOf(agentEvents)).toEqual(range(1, finalSeq));
    expect(cursorsOf(visitorEvents)).toEqual(await storedCursors(a.services.prisma, sessionId, 'visitor'));
    for (const sub of [agentFeed, dashboard, visitorEvents, agentEvents]) {
      expect(sub.results.filter((r) => r.errors)).toEqual([]);
      sub.stop();
    }
  });

  it('resumes on the other instance while both instances write a burst', async () => {
    const { channel, agents } = await channelWithAgents(a, { bob: { canRespond: true } });
    const bob = agents.bob!;
    const { sessionId, visitorToken } = await startChat(a, channel.id, 'Resume me elsewhere');
    expect((await b.gql(NEXT, { ids: [channel.id] }, bob.token)).data.getNextInQueue.status).toBe('ACTIVE');

    // The visitor follows on A, then their network drops.
    const firstSocket = a.ws(`Bearer ${visitorToken}`);
    const first = subscribe(firstSocket, CHAT_EVENTS, { id: sessionId, after: 0 });
    const k = (await a.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;
    await first.waitFor((d) => d.chatEvents.cursor === k);
    await firstSocket.dispose();
    const seenFirst = cursorsOf(first);
    const lastSeen = seenFirst[seenFirst.length - 1]!;

    // 40 messages from both sides through both instances, while the visitor reconnects to B.
    const burst = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? (i % 4 === 0 ? a : b).gql(SEND, { input: { sessionId, body: `visitor burst ${i}`, clientMessageId: randomUUID() } }, visitorToken)
        : (i % 4 === 1 ? b : a).gql(SEND, { input: { sessionId, body: `agent burst ${i}`, clientMessageId: randomUUID() } }, bob.token),
    );
    const second = subscribe(b.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: lastSeen });
    const secondEnded = endedFlag(second);
    const acks = await Promise.all(burst);
    for (const ack of acks) expect(ack.errors).toBeUndefined();
    const acked = acks.map((r) => r.data.sendMessage as { id: string; cursor: number; body: string });
    const top = Math.max(...acked.map((m) => m.cursor));
    expect(top).toBe(k + 40);
    await second.waitFor((d) => d.chatEvents.cursor === top, 15_000);

    expect(cursorsOf(second)).toEqual(range(lastSeen + 1, top));
    expect([...seenFirst, ...cursorsOf(second)]).toEqual(range(1, top));
    const byCursor = new Map(second.values().map((v) => [v.chatEvents.cursor, v.chatEvents.message]));
    for (const m of acked) expect(byCursor.get(m.cursor)).toMatchObject({ id: m.id, body: m.body });
    expect(secondEnded()).toBe(false);
    second.stop();
  });
  it('closes a revoked session’s socket on the other instance with 4401, and only that one', async () => {
    const alice = await a.agentWithToken();
    const bob = await a.agentWithToken();
    const connect = async (token: string) => {
      const client = b.ws(`Bearer ${token}`);
      const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
      const feed = subscribe(client, `subscription { agentEvents { reasons } }`);
      await feed.waitFor((d) => d.agentEvents.reasons.includes('initial'));
      return { feed, closed };
    };
    const aliceOnB = await connect(alice.token);
    const bobOnB = await connect(bob.token);

    // Signed out through A: only Redis can tell B.
    expect((await a.gql(`mutation { logout }`, {}, alice.token)).data.logout).toBe(true);
    expect(await aliceOnB.closed).toBe(4401);
    // Bob's socket on B still carries his events.
    expect((await a.gql(`mutation { setPresence(presence: AWAY) { presence } }`, {}, bob.token)).errors).toBeUndefined();
    await bobOnB.feed.waitFor((d) => d.agentEvents.reasons.includes('presence'));
    expect(bobOnB.feed.results.filter((r) => r.errors)).toEqual([]);
    bobOnB.feed.stop();
  });

  it('ends a revoked session’s SSE stream on the other instance, and only that one', async () => {
    const alice = await a.agentWithToken();
    const bob = await a.agentWithToken();
    const [aliceOnB, bobOnB] = [alice, bob].map((agent) => sseSubscribe(b.url, `subscription { agentEvents { reasons } }`, {}, agent.token));
    for (const stream of [aliceOnB!, bobOnB!]) await stream.waitFor((r) => !!r.data?.agentEvents.reasons.includes('initial'));

    // Signed out through A: only Redis can tell B.
    expect((await a.gql(`mutation { logout }`, {}, alice.token)).data.logout).toBe(true);
    expect(await aliceOnB!.ended).toEqual({ completed: true });
    expect(aliceOnB!.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await a.gql(`mutation { setPresence(presence: AWAY) { presence } }`, {}, bob.token)).errors).toBeUndefined();
    await bobOnB!.waitFor((r) => !!r.data?.agentEvents.reasons.includes('presence'));
    expect(bobOnB!.isOpen()).toBe(true);
    bobOnB!.close();
  });
});
