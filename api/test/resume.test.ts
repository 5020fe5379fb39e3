import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLimitsFromEnv } from '../src/platform/config';
import { CHAT_EVENTS, NEXT, SEND, channelWithAgents, send, startChat } from './chat-fixtures';
import { cursorsOf, endedFlag, range, sleep, storedCursors } from './chat-stream-checks';
import { startTestApp, subscribe, type TestApp } from './harness';

// "No lost events": a client that reconnects with `chatEvents(after: <last cursor it saw>)` gets
// everything it missed, in order, with no gap and no duplicate at the seam between replay and live.
let app: TestApp;
const chat = { ...chatLimitsFromEnv({}), sendMessagePerVisitor: { limit: 10_000, windowSeconds: 10 }, sendMessagePerIp: { limit: 10_000, windowSeconds: 10 } };

beforeAll(async () => {
  app = await startTestApp({ chat });
});
afterAll(() => app?.stop());

interface Acked {
  id: string;
  cursor: number;
  body: string;
}

/** An active chat: a visitor and the agent who took it. */
async function activeChat() {
  const { channel, agents } = await channelWithAgents(app, { agent: { canRespond: true } });
  const agent = agents.agent!;
  const { sessionId, visitorToken } = await startChat(app, channel.id, 'Resume test');
  expect((await app.gql(NEXT, { ids: [channel.id] }, agent.token)).data.getNextInQueue.status).toBe('ACTIVE');
  return { sessionId, visitorToken, agent };
}

const lastSeq = async (sessionId: string) => (await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;

/** Follows the chat from the start until it has seen the newest cursor, then drops the connection. */
async function followThenDrop(token: string, sessionId: string): Promise<number[]> {
  const client = app.ws(`Bearer ${token}`);
  const sub = subscribe(client, CHAT_EVENTS, { id: sessionId, after: 0 });
  const k = await lastSeq(sessionId);
  await sub.waitFor((d) => d.chatEvents.cursor === k);
  await client.dispose();
  return cursorsOf(sub);
}

function sendAs(token: string, sessionId: string, body: string) {
  return app.gql(SEND, { input: { sessionId, body, clientMessageId: randomUUID() } }, token);
}

function expectAllAcked(acks: { errors?: unknown; data?: any }[]): Acked[] {
  for (const ack of acks) expect(ack.errors).toBeUndefined();
  return acks.map((a) => a.data.sendMessage as Acked);
}

/** Every acknowledged message is in what the subscriber received, at its cursor, with its id and body. */
function expectDelivered(received: { chatEvents: any }[], acked: Acked[]) {
  const byCursor = new Map(received.map((v) => [v.chatEvents.cursor, v.chatEvents.message]));
  for (const m of acked) expect(byCursor.get(m.cursor), `message at cursor ${m.cursor}`).toMatchObject({ id: m.id, body: m.body });
}

describe('resuming chatEvents with after', () => {
  it('replays what a disconnected client missed, then continues live', async () => {
    const { sessionId, visitorToken, agent } = await activeChat();
    const seenBefore = await followThenDrop(visitorToken, sessionId);
    const lastSeen = seenBefore[seenBefore.length - 1]!;
    expect(seenBefore).toEqual(range(1, lastSeen));

    // While the visitor is away, both sides write, one after the other.
    const missed: Acked[] = [];
    for (let i = 0; i < 10; i += 1) {
      const result =
        i % 2 ? await send(app, agent.token, sessionId, `missed from agent ${i}`) : await send(app, visitorToken, sessionId, `missed from visitor ${i}`);
      missed.push(...expectAllAcked([result]));
    }
    expect(missed.map((m) => m.cursor)).toEqual(range(lastSeen + 1, lastSeen + 10));

    const resumed = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: lastSeen });
    await resumed.waitFor((d) => d.chatEvents.cursor === lastSeen + 10);
    const live = expectAllAcked([await send(app, agent.token, sessionId, 'live after resume')]);
    await resumed.waitFor((d) => d.chatEvents.cursor === live[0]!.cursor);

    expect(cursorsOf(resumed)).toEqual(range(lastSeen + 1, lastSeen + 11));
    expectDelivered(resumed.values(), [...missed, ...live]);
    expect(resumed.values().map((v) => v.chatEvents.message.body)).toEqual([...missed, ...live].map((m) => m.body));
    expect([...seenBefore, ...cursorsOf(resumed)]).toEqual(await storedCursors(app.services.prisma, sessionId, 'visitor'));
    resumed.stop();
  });

  it('has no gap and no duplicate when 50 messages are sent while the resumed subscription starts', async () => {
    const { sessionId, visitorToken, agent } = await activeChat();
    const timings: string[] = [];
    // Several rounds, the resume starting at a different moment of the burst each time.
    for (const delayMs of [0, 1, 5, 15, 40]) {
      const started = Date.now();
      const seenVisitor = await followThenDrop(visitorToken, sessionId);
      const seenAgent = await followThenDrop(agent.token, sessionId);
      const k = await lastSeq(sessionId);
      expect(seenVisitor[seenVisitor.length - 1]).toBe(k);
      expect(seenAgent[seenAgent.length - 1]).toBe(k);

      const burst = Promise.all(Array.from({ length: 50 }, (_, i) => sendAs(i % 3 === 0 ? agent.token : visitorToken, sessionId, `burst ${delayMs}ms #${i}`)));
      if (delayMs) await sleep(delayMs);
      const visitor = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: k });
      const agentSub = subscribe(app.ws(`Bearer ${agent.token}`), CHAT_EVENTS, { id: sessionId, after: k });
      const alive = [endedFlag(visitor), endedFlag(agentSub)];
      const acked = expectAllAcked(await burst);
      const top = k + 50;
      expect(acked.map((m) => m.cursor).sort((x, y) => x - y)).toEqual(range(k + 1, top));
      await visitor.waitFor((d) => d.chatEvents.cursor === top, 20_000);
      await agentSub.waitFor((d) => d.chatEvents.cursor === top, 20_000);

      for (const [sub, seen] of [
        [visitor, seenVisitor],
        [agentSub, seenAgent],
      ] as const) {
        expect(cursorsOf(sub)).toEqual(range(k + 1, top));
        expect([...seen, ...cursorsOf(sub)]).toEqual(range(1, top));
        expectDelivered(sub.values(), acked);
        expect(sub.results.filter((r) => r.errors)).toEqual([]);
      }
      expect(alive.map((ended) => ended())).toEqual([false, false]);
      visitor.stop();
      agentSub.stop();
      timings.push(`${delayMs}ms:${Date.now() - started}ms`);
    }
    console.log(`burst rounds (resume delay: round time) ${timings.join(', ')}`);
  });

  it('keeps the union exact over repeated drops and reconnects while messages keep coming', async () => {
    const { sessionId, visitorToken, agent } = await activeChat();
    const initial = await lastSeq(sessionId);
    const acked: Acked[] = [];
    let senderDone = false;
    const sender = (async () => {
      for (let i = 0; i < 60; i += 1) {
        acked.push(...expectAllAcked([await sendAs(i % 2 ? agent.token : visitorToken, sessionId, `steady #${i}`)]));
        await sleep(10);
      }
      senderDone = true;
    })();

    const seen: number[] = [];
    const perConnection: number[] = [];
    const received: { chatEvents: any }[] = [];
    const lastSeen = () => (seen.length ? seen[seen.length - 1]! : 0);
    // A flappy network: short connections, each resuming from the last cursor it saw and dropped
    // a few milliseconds after its first event, in the middle of the stream.
    for (let cycle = 0; cycle < 6 && !senderDone; cycle += 1) {
      const client = app.ws(`Bearer ${visitorToken}`);
      const sub = subscribe(client, CHAT_EVENTS, { id: sessionId, after: lastSeen() });
      await Promise.race([sub.waitFor(() => true, 10_000), sender]);
      await sleep(20 + cycle * 20);
      await client.dispose();
      seen.push(...cursorsOf(sub));
      perConnection.push(cursorsOf(sub).length);
      received.push(...sub.values().filter((v) => v.chatEvents.cursor !== null));
    }
    await sender;
    const top = initial + 60;
    const final = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: lastSeen() });
    await final.waitFor((d) => d.chatEvents.cursor === top, 20_000);
    seen.push(...cursorsOf(final));
    received.push(...final.values());

    expect(seen).toEqual(range(1, top));
    expectDelivered(received, acked);
    // The drops really happened mid-stream.
    expect(perConnection.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    console.log(`flappy client: stored events per connection ${[...perConnection, cursorsOf(final).length].join(', ')}`);
    final.stop();
  });

  it('replays a long history in order (more than one replay batch)', async () => {
    const { sessionId, visitorToken, agent } = await activeChat();
    const k = await lastSeq(sessionId);
    // 520 more stored events: the replay crosses its 500-event batch boundary.
    for (let i = 0; i < 26; i += 1)
      expectAllAcked(await Promise.all(Array.from({ length: 20 }, (_, j) => sendAs(j % 2 ? agent.token : visitorToken, sessionId, `history ${i}-${j}`))));
    const top = await lastSeq(sessionId);
    expect(top).toBe(k + 520);
    const replay = subscribe(app.ws(`Bearer ${agent.token}`), CHAT_EVENTS, { id: sessionId, after: 3 });
    await replay.waitFor((d) => d.chatEvents.cursor === top, 30_000);
    expect(cursorsOf(replay)).toEqual(range(4, top));
    replay.stop();
  });
});
