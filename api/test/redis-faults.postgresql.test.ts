import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENTS, NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { cursorsOf, endedFlag, eventually, range, sleep, storedCursors } from './chat-stream-checks';
import { subscribe, type TestApp } from './harness';
import type { RedisProcess } from './redis-process';
import { startTwoInstances, type TwoInstances } from './two-instances';

// A Redis crash under two API instances: messages keep being accepted (they are stored before
// they are published), and once Redis is back every subscriber catches up from the database.
let cluster: TwoInstances;
let redis: RedisProcess;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  cluster = await startTwoInstances();
  ({ redis, a, b } = cluster);
});

afterAll(() => cluster?.stop());

async function health(app: TestApp) {
  const response = await fetch(`${app.url}/health`);
  return { httpStatus: response.status, ...(await response.json()) };
}

const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds badges { incoming myChats unread transfersToMe } } }`;

describe('Redis drops and returns', () => {
  it('delivers every message sent during the outage, once and in cursor order, to the same subscriptions', async () => {
    const { channel, agents } = await channelWithAgents(a, { carol: { canRespond: true } });
    const carol = agents.carol!;
    const { sessionId, visitorToken } = await startChat(a, channel.id, 'Before the outage');
    expect((await b.gql(NEXT, { ids: [channel.id] }, carol.token)).data.getNextInQueue.status).toBe('ACTIVE');

    const visitor = subscribe(a.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const agentSocket = b.ws(`Bearer ${carol.token}`);
    const agent = subscribe(agentSocket, CHAT_EVENTS, { id: sessionId, after: 0 });
    const agentFeed = subscribe(agentSocket, AGENT_EVENTS);
    const visitorEnded = endedFlag(visitor);
    const agentEnded = endedFlag(agent);
    await agentFeed.waitFor((e) => e.agentEvents.reasons.includes('initial'));

    // Live through Redis before the crash.
    const warmup = await send(b, carol.token, sessionId, 'warm-up from B');
    await visitor.waitFor((d) => d.chatEvents.cursor === warmup.data.sendMessage.cursor);
    await agent.waitFor((d) => d.chatEvents.cursor === warmup.data.sendMessage.cursor);
    const beforeOutage = warmup.data.sendMessage.cursor as number;

    await redis.kill();
    const outageStarted = Date.now();
    for (const app of [a, b])
      await eventually('/health to report pub/sub down', async () => {
        const h = await health(app);
        return h.httpStatus === 503 && h.status === 'degraded' && h.pubsub.ok === false && h.pubsub.kind === 'redis';
      });

    // Both sides write through both instances while Redis is down: every write is acknowledged.
    const writes: [TestApp, string, string][] = [
      [a, visitorToken, 'visitor on A 1'],
      [b, carol.token, 'agent on B 1'],
      [b, visitorToken, 'visitor on B 2'],
      [a, carol.token, 'agent on A 2'],
      [a, visitorToken, 'visitor on A 3'],
      [b, carol.token, 'agent on B 3'],
    ];
    const acked: { cursor: number; body: string; id: string }[] = [];
    for (const [app, token, body] of writes) {
      const result = await send(app, token, sessionId, body);
      expect(result.errors, body).toBeUndefined();
      acked.push(result.data.sendMessage);
    }
    // And a few at once.
    const concurrent = await Promise.all(
      [a, b, a, b].map((app, i) => send(app, i % 2 ? carol.token : visitorToken, sessionId, `concurrent during outage ${i}`)),
    );
    for (const result of concurrent) expect(result.errors).toBeUndefined();
    acked.push(...concurrent.map((r) => r.data.sendMessage));
    const duringOutage = acked.map((m) => m.cursor).sort((x, y) => x - y);
    expect(duringOutage).toEqual(range(beforeOutage + 1, beforeOutage + writes.length + 4));
    const outageWritesMs = Date.now() - outageStarted;

    // Nothing can be delivered while Redis is down, so what follows really tests the recovery.
    await sleep(300);
    expect(cursorsOf(visitor).filter((c) => c > beforeOutage)).toEqual([]);
    expect(cursorsOf(agent).filter((c) => c > beforeOutage)).toEqual([]);
    expect((await health(a)).pubsub.ok).toBe(false);

    await redis.start();
    const restarted = Date.now();
    const top = duringOutage[duringOutage.length - 1]!;
    await visitor.waitFor((d) => d.chatEvents.cursor === top, 15_000);
    await agent.waitFor((d) => d.chatEvents.cursor === top, 15_000);
    const catchUpMs = Date.now() - restarted;

    for (const app of [a, b])
      await eventually('/health to report pub/sub ready again', async () => {
        const h = await health(app);
        return h.httpStatus === 200 && h.status === 'ok' && h.pubsub.ok === true && h.pubsub.status === 'ready';
      });

    // The consoles' feeds are told to refetch too.
    const resync = await agentFeed.waitFor((e) => e.agentEvents.reasons.includes('resync'), 15_000);
    expect(resync.agentEvents.badges.myChats).toBe(1);

    // Live delivery works again, on the same subscriptions.
    const after = await send(a, visitorToken, sessionId, 'after the outage');
    await agent.waitFor((d) => d.chatEvents.message?.body === 'after the outage');
    await visitor.waitFor((d) => d.chatEvents.cursor === after.data.sendMessage.cursor);

    const final = after.data.sendMessage.cursor as number;
    expect(cursorsOf(agent)).toEqual(range(1, final));
    expect(cursorsOf(visitor)).toEqual(await storedCursors(a.services.prisma, sessionId, 'visitor'));
    expect(cursorsOf(visitor)).toEqual(range(1, final));
    for (const sub of [visitor, agent]) {
      const byCursor = new Map(sub.values().map((v) => [v.chatEvents.cursor, v.chatEvents.message]));
      for (const m of acked) expect(byCursor.get(m.cursor)).toMatchObject({ id: m.id, body: m.body });
      expect(sub.results.filter((r) => r.errors)).toEqual([]);
    }
    expect(visitorEnded()).toBe(false);
    expect(agentEnded()).toBe(false);
    console.log(
      `redis outage: ${acked.length} writes acknowledged in ${outageWritesMs} ms; both subscribers caught up ${catchUpMs} ms after redis-server restarted`,
    );
    for (const sub of [visitor, agent, agentFeed]) sub.stop();
  });

  it('recovers publishes Redis dropped while only the subscriber connections were gone', async () => {
    // Redis stays up and keeps accepting PUBLISH, but the instances' subscriber connections are
    // killed and cannot come back for a while: every publish in between reaches nobody. Only the
    // resync after resubscribing (a catch-up from the database) can deliver those events.
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      const { channel, agents } = await channelWithAgents(a, { dave: { canRespond: true } });
      const dave = agents.dave!;
      const { sessionId, visitorToken } = await startChat(a, channel.id, 'Subscriber loss');
      expect((await b.gql(NEXT, { ids: [channel.id] }, dave.token)).data.getNextInQueue.status).toBe('ACTIVE');
      const visitor = subscribe(a.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const agent = subscribe(b.ws(`Bearer ${dave.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const k = (await a.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;
      await visitor.waitFor((d) => d.chatEvents.cursor === k);
      await agent.waitFor((d) => d.chatEvents.cursor === k);
      const subscribers = async () => Number(((await admin.call('PUBSUB', 'NUMSUB', 'livechat:chat')) as [string, number])[1]);
      expect(await subscribers()).toBe(2);

      // Refuse new connections, then cut the two subscriber connections.
      const clients = ((await admin.call('CLIENT', 'LIST')) as string).trim().split('\n');
      const pubsubClients = clients.filter((line) => /\bflags=\S*P/.test(line)).length;
      expect(pubsubClients).toBe(2);
      await admin.call('CONFIG', 'SET', 'maxclients', String(clients.length - pubsubClients));
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      try {
        await eventually('both subscribers to be gone', async () => (await subscribers()) === 0);
        for (const app of [a, b]) await eventually('/health to report pub/sub down', async () => !(await health(app)).pubsub.ok);

        const acked: { cursor: number; id: string; body: string }[] = [];
        for (const [app, token, body] of [
          [a, visitorToken, 'lost publish 1'],
          [b, dave.token, 'lost publish 2'],
          [b, visitorToken, 'lost publish 3'],
          [a, dave.token, 'lost publish 4'],
        ] as const) {
          const result = await send(app, token, sessionId, body);
          expect(result.errors).toBeUndefined();
          acked.push(result.data.sendMessage);
        }
        expect(acked.map((m) => m.cursor)).toEqual(range(k + 1, k + 4));
        await sleep(300);
        expect(await subscribers()).toBe(0);
        expect(cursorsOf(visitor).filter((c) => c > k)).toEqual([]);
        expect(cursorsOf(agent).filter((c) => c > k)).toEqual([]);
      } finally {
        await admin.call('CONFIG', 'SET', 'maxclients', '10000');
      }

      await visitor.waitFor((d) => d.chatEvents.cursor === k + 4, 15_000);
      await agent.waitFor((d) => d.chatEvents.cursor === k + 4, 15_000);
      expect(await subscribers()).toBe(2);
      const live = await send(b, dave.token, sessionId, 'live again');
      await visitor.waitFor((d) => d.chatEvents.cursor === live.data.sendMessage.cursor);
      await agent.waitFor((d) => d.chatEvents.cursor === live.data.sendMessage.cursor);
      expect(cursorsOf(visitor)).toEqual(range(1, k + 5));
      expect(cursorsOf(agent)).toEqual(range(1, k + 5));
      for (const app of [a, b]) expect((await health(app)).pubsub).toEqual({ ok: true, kind: 'redis', status: 'ready' });
      visitor.stop();
      agent.stop();
    } finally {
      admin.disconnect();
    }
  });

  it('reports pub/sub degraded while only the publishing connections are gone, and delivers what they queued', async () => {
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      const { channel, agents } = await channelWithAgents(a, { frank: { canRespond: true } });
      const frank = agents.frank!;
      const { sessionId, visitorToken } = await startChat(a, channel.id, 'Publisher loss');
      expect((await b.gql(NEXT, { ids: [channel.id] }, frank.token)).data.getNextInQueue.status).toBe('ACTIVE');
      const visitor = subscribe(a.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const agent = subscribe(b.ws(`Bearer ${frank.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      // A publish from each instance marks their publishing connections in CLIENT LIST.
      await send(a, visitorToken, sessionId, 'published by A');
      const k = (await send(b, frank.token, sessionId, 'published by B')).data.sendMessage.cursor as number;
      await visitor.waitFor((d) => d.chatEvents.cursor === k);
      await agent.waitFor((d) => d.chatEvents.cursor === k);

      const clients = ((await admin.call('CLIENT', 'LIST')) as string).trim().split('\n');
      const publishers = clients.filter((line) => /\bcmd=publish\b/.test(line)).map((line) => /\bid=(\d+)/.exec(line)![1]!);
      expect(publishers).toHaveLength(2);
      await admin.call('CONFIG', 'SET', 'maxclients', String(clients.length - publishers.length));
      const acked: { cursor: number; id: string; body: string }[] = [];
      try {
        for (const id of publishers) await admin.call('CLIENT', 'KILL', 'ID', id);
        for (const app of [a, b])
          await eventually('/health to report pub/sub down while it cannot publish', async () => {
            const h = await health(app);
            return h.httpStatus === 503 && h.pubsub.ok === false;
          });
        for (const [app, token, body] of [
          [a, visitorToken, 'queued 1'],
          [b, frank.token, 'queued 2'],
          [a, frank.token, 'queued 3'],
        ] as const) {
          const result = await send(app, token, sessionId, body);
          expect(result.errors).toBeUndefined();
          acked.push(result.data.sendMessage);
        }
        await sleep(300);
        expect(cursorsOf(visitor).filter((c) => c > k)).toEqual([]);
        expect(cursorsOf(agent).filter((c) => c > k)).toEqual([]);
      } finally {
        await admin.call('CONFIG', 'SET', 'maxclients', '10000');
      }
      await visitor.waitFor((d) => d.chatEvents.cursor === k + 3, 15_000);
      await agent.waitFor((d) => d.chatEvents.cursor === k + 3, 15_000);
      for (const app of [a, b]) await eventually('/health to report pub/sub ready again', async () => (await health(app)).pubsub.ok === true);
      expect(cursorsOf(visitor)).toEqual(range(1, k + 3));
      expect(cursorsOf(agent)).toEqual(range(1, k + 3));
      expect(acked.map((m) => m.cursor)).toEqual(range(k + 1, k + 3));
      visitor.stop();
      agent.stop();
    } finally {
      admin.disconnect();
    }
  });

  it('loses nothing from a steady stream of writes through the crash and the return', async () => {
    const { channel, agents } = await channelWithAgents(a, { gina: { canRespond: true } });
    const gina = agents.gina!;
    const { sessionId, visitorToken } = await startChat(b, channel.id, 'Steady stream');
    expect((await a.gql(NEXT, { ids: [channel.id] }, gina.token)).data.getNextInQueue.status).toBe('ACTIVE');
    const visitor = subscribe(b.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const agent = subscribe(a.ws(`Bearer ${gina.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const k = (await a.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;
    await visitor.waitFor((d) => d.chatEvents.cursor === k);
    await agent.waitFor((d) => d.chatEvents.cursor === k);

    // Two writers, one per instance and side, running across the outage and the reconnect.
    let stop = false;
    const acked: { cursor: number; id: string; body: string }[] = [];
    const writer = async (app: TestApp, token: string, name: string) => {
      for (let i = 0; i < 100 && !stop; i += 1) {
        const result = await send(app, token, sessionId, `${name} #${i}`);
        expect(result.errors).toBeUndefined();
        acked.push(result.data.sendMessage);
        await sleep(15);
      }
    };
    const writers = Promise.all([writer(a, visitorToken, 'visitor via A'), writer(b, gina.token, 'agent via B')]);
    try {
      await sleep(150);
      await redis.kill();
      await sleep(600);
      await redis.start();
      await sleep(600);
    } finally {
      stop = true;
      await writers;
    }
    const top = Math.max(...acked.map((m) => m.cursor));
    expect(acked.map((m) => m.cursor).sort((x, y) => x - y)).toEqual(range(k + 1, top));
    await visitor.waitFor((d) => d.chatEvents.cursor === top, 15_000);
    await agent.waitFor((d) => d.chatEvents.cursor === top, 15_000);
    for (const sub of [visitor, agent]) {
      expect(cursorsOf(sub)).toEqual(range(1, top));
      const byCursor = new Map(sub.values().map((v) => [v.chatEvents.cursor, v.chatEvents.message]));
      for (const m of acked) expect(byCursor.get(m.cursor)).toMatchObject({ id: m.id, body: m.body });
    }
    console.log(`steady stream through a redis crash: ${acked.length} messages, all delivered once and in order`);
    visitor.stop();
    agent.stop();
  });
});
