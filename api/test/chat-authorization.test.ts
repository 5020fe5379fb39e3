import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLimitsFromEnv } from '../src/platform/config';
import { CHAT_EVENTS, NEXT, channelWithAgents, send, startChat, type AgentFixture } from './chat-fixtures';
import { startTestApp, subscribe, type GraphqlResult, type Subscription, type TestApp } from './harness';

let app: TestApp;
beforeAll(async () => {
  // Every test starts chats and logs agents in from 127.0.0.1: lift the per-IP and per-visitor limits.
  app = await startTestApp({
    chat: {
      ...chatLimitsFromEnv({}),
      startChatPerIp: { limit: 10_000, windowSeconds: 60 },
      sendMessagePerVisitor: { limit: 10_000, windowSeconds: 10 },
      sendMessagePerIp: { limit: 10_000, windowSeconds: 10 },
    },
  });
});
afterAll(() => app?.stop());

const ACCEPT_CHAT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id status agent { id } } }`;
const LISTEN = `mutation($id: ID!) { listenToChat(sessionId: $id) { id status lastEventSeq agent { id } messages { messages { body } } } }`;
const SESSION = `query($id: ID!) { chatSession(id: $id) { id status lastEventSeq messages { messages { body authorKind } } } }`;
const MARK_READ = `mutation($id: ID!, $c: Int!) { markRead(sessionId: $id, upToCursor: $c) { id } }`;
const TYPING = `mutation($id: ID!) { setTyping(sessionId: $id, typing: true) }`;
const END = `mutation($id: ID!) { endChat(sessionId: $id) { id status } }`;
const RATE = `mutation($id: ID!) { rateChat(sessionId: $id, rating: 4) { id rating } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!) { transferChat(sessionId: $id, toAgentId: $to) { id } }`;
const TAKE_OVER = `mutation($id: ID!) { takeOverChat(sessionId: $id) { id } }`;
const TARGETS = `query($id: ID!) { transferTargets(sessionId: $id) { id } }`;
const QUEUE = `query($ids: [ID!]) { queue(channelIds: $ids) { session { id } position } }`;
const QUEUE_STATUS = `subscription($id: ID!) { queueStatus(sessionId: $id) { sessionId position } }`;
const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds transferIds } }`;
const SEND = `mutation($id: ID!, $body: String!, $cid: String!) { sendMessage(input: { sessionId: $id, body: $body, clientMessageId: $cid }) { id } }`;

type Result = GraphqlResult<any>;
const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code;
const errorOf = async (sub: Subscription) => (await sub.ended).errors?.[0] as { message: string; extensions?: { code?: string } } | undefined;
/** Resolves to 'running' when the subscription has not ended (with an error or otherwise). */
const stateOf = (sub: Subscription) => Promise.race([sub.ended.then(() => 'ended'), sleep(50).then(() => 'running')]);

/** A visitor's chat that `owner` has accepted from the queue. */
async function activeChat(channelId: string, owner: AgentFixture, message = 'Hello, I need help') {
  const chat = await startChat(app, channelId, message);
  const claimed = await app.gql(ACCEPT_CHAT, { id: chat.sessionId }, owner.token);
  expect(claimed.data?.acceptChat).toEqual({ id: chat.sessionId, status: 'ACTIVE', agent: { id: owner.agent.id } });
  return chat;
}

const sessionRow = (id: string) => app.services.prisma.chatSession.findUniqueOrThrow({ where: { id } });

async function sendAndSee(token: string, sessionId: string, body: string, streams: Subscription[]) {
  const sent = await send(app, token, sessionId, body);
  expect(sent.errors).toBeUndefined();
  await Promise.all(streams.map((s) => s.waitFor((d) => d.chatEvents.message?.body === body)));
}

/** Subscribes from one event before the newest, and waits for that replay: the subscription is then live. */
async function followFromNow(token: string, sessionId: string) {
  const { lastEventSeq } = await sessionRow(sessionId);
  const sub = subscribe(app.ws(`Bearer ${token}`), CHAT_EVENTS, { id: sessionId, after: lastEventSeq - 1 });
  await sub.waitFor((d) => d.chatEvents.cursor === lastEventSeq);
  return sub;
}

describe('listen-in', () => {
  it('lets a member with can-listen-in follow the live conversation, and tells nobody', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, lisa: { canListenIn: true } });
    const { alice, lisa } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!, 'My screen is blue');
    const visitorEvents = await followFromNow(visitorToken, sessionId);
    const aliceEvents = await followFromNow(alice!.token, sessionId);
    const aliceFeed = subscribe(app.ws(`Bearer ${alice!.token}`), AGENT_EVENTS);
    await aliceFeed.waitFor((d) => d.agentEvents.reasons.includes('initial'));
    const before = await sessionRow(sessionId);
    const storedEvents = await app.services.prisma.chatEvent.count({ where: { sessionId } });

    const listened = await app.gql(LISTEN, { id: sessionId }, lisa!.token);
    expect(listened.data.listenToChat).toEqual({
      id: sessionId,
      status: 'ACTIVE',
      lastEventSeq: before.lastEventSeq,
      agent: { id: alice!.agent.id },
      messages: { messages: [{ body: 'My screen is blue' }, { body: expect.any(String) }] },
    });
    // The listener replays the history, then follows live.
    const lisaEvents = subscribe(app.ws(`Bearer ${lisa!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await lisaEvents.waitFor((d) => d.chatEvents.cursor === before.lastEventSeq);
    // Give any stray notice time to arrive (the agent feed merges signals over 200 ms).
    await sleep(600);

    // Nothing was stored, and neither the visitor nor alice received anything.
    const after = await sessionRow(sessionId);
    expect(after.lastEventSeq).toBe(before.lastEventSeq);
    expect(after.lastActivityAt).toEqual(before.lastActivityAt);
    expect([after.agentReadSeq, after.visitorReadSeq]).toEqual([before.agentReadSeq, before.visitorReadSeq]);
    expect(await app.services.prisma.chatEvent.count({ where: { sessionId } })).toBe(storedEvents);
    expect(visitorEvents.values().map((v) => v.chatEvents.cursor)).toEqual([before.lastEventSeq]);
    expect(aliceEvents.values().map((v) => v.chatEvents.cursor)).toEqual([before.lastEventSeq]);
    expect(aliceFeed.values().map((v) => v.agentEvents.reasons)).toEqual([['initial']]);

    // The conversation goes on, both ways, and lisa hears all of it.
    await sendAndSee(visitorToken, sessionId, 'It is still blue', [lisaEvents, aliceEvents, visitorEvents]);
    await sendAndSee(alice!.token, sessionId, 'Please restart it', [lisaEvents, aliceEvents, visitorEvents]);
    expect((await app.gql(TYPING, { id: sessionId }, visitorToken)).data.setTyping).toBe(true);
    await lisaEvents.waitFor((d) => d.chatEvents.type === 'TYPING' && d.chatEvents.typing.by === 'VISITOR');

    const heard = lisaEvents
      .values()
      .map((v) => v.chatEvents)
      .filter((e) => e.cursor !== null);
    expect(heard.map((e) => e.cursor)).toEqual(Array.from({ length: heard.length }, (_, i) => i + 1));
    expect(heard.slice(-2).map((e) => [e.message.authorKind, e.message.body])).toEqual([
      ['VISITOR', 'It is still blue'],
      ['AGENT', 'Please restart it'],
    ]);
    // The visitor's and alice's streams hold exactly the conversation, with no trace of lisa.
    for (const stream of [visitorEvents, aliceEvents])
      expect(
        stream
          .values()
          .filter((v) => v.chatEvents.cursor !== null)
          .map((v) => v.chatEvents.message?.body ?? v.chatEvents.type),
      ).toEqual([expect.any(String), 'It is still blue', 'Please restart it']);
    const session = await sessionRow(sessionId);
    expect(session.lastEventSeq).toBe(before.lastEventSeq + 2);
    expect(session.agentId).toBe(alice!.agent.id);
    for (const s of [visitorEvents, aliceEvents, aliceFeed, lisaEvents]) s.stop();
  });

  it('keeps listeners read-only: no message, read receipt, typing, end or transfer', async () => {
    const { channel, agents } = await channelWithAgents(app, {
      alice: { canRespond: true },
      bob: { canRespond: true },
      lisa: { canListenIn: true },
      mona: { isManager: true },
    });
    const { alice, bob, lisa, mona } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const visitorEvents = await followFromNow(visitorToken, sessionId);
    const before = await sessionRow(sessionId);

    for (const listener of [lisa!, mona!]) {
      expect((await app.gql(LISTEN, { id: sessionId }, listener.token)).data.listenToChat.id).toBe(sessionId);
      const read = await app.gql(MARK_READ, { id: sessionId, c: before.lastEventSeq }, listener.token);
      expect(codeOf(read)).toBe('FORBIDDEN');
      expect(read.errors?.[0]?.message).toBe('Only the visitor and the agent handling the chat mark it read.');
      const typing = await app.gql(TYPING, { id: sessionId }, listener.token);
      expect(codeOf(typing)).toBe('FORBIDDEN');
      expect(typing.errors?.[0]?.message).toBe('Only the visitor and the agent handling the chat can type in it.');
      expect(codeOf(await send(app, listener.token, sessionId, 'psst'))).toBe('FORBIDDEN');
      expect(codeOf(await app.gql(TRANSFER, { id: sessionId, to: bob!.agent.id }, listener.token))).toBe('FORBIDDEN');
    }
    // lisa may not end it either (a manager may: mona is not tried here).
    expect(codeOf(await app.gql(END, { id: sessionId }, lisa!.token))).toBe('FORBIDDEN');

    const after = await sessionRow(sessionId);
    expect(after).toMatchObject({ status: 'ACTIVE', lastEventSeq: before.lastEventSeq, agentReadSeq: before.agentReadSeq, agentId: alice!.agent.id });
    expect(await app.services.prisma.message.count({ where: { sessionId, body: 'psst' } })).toBe(0);
    // The visitor saw no typing indicator and no read receipt: the next thing is alice's message.
    await sendAndSee(alice!.token, sessionId, 'Back to you', [visitorEvents]);
    expect(visitorEvents.values().map((v) => v.chatEvents.type)).toEqual([expect.any(String), 'MESSAGE']);
    visitorEvents.stop();
  });

  it('refuses members without the flag (FORBIDDEN) and agents outside the channel (NOT_FOUND)', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, rita: { canRespond: true } });
    const { alice, rita } = agents as Record<string, AgentFixture>;
    const elsewhere = await channelWithAgents(app, { stranger: { canListenIn: true, isManager: true, canRespond: true } });
    const stranger = elsewhere.agents.stranger!;
    const { sessionId } = await activeChat(channel.id, alice!);

    const ritaListens = await app.gql(LISTEN, { id: sessionId }, rita!.token);
    expect(codeOf(ritaListens)).toBe('FORBIDDEN');
    expect(ritaListens.errors?.[0]?.message).toBe('Listening in needs the can-listen-in flag in this channel.');
    expect(ritaListens.data).toBeNull();
    expect(codeOf(await app.gql(SESSION, { id: sessionId }, rita!.token))).toBe('FORBIDDEN');
    const ritaFollows = subscribe(app.ws(`Bearer ${rita!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    expect((await errorOf(ritaFollows))?.extensions?.code).toBe('FORBIDDEN');
    expect(ritaFollows.values()).toEqual([]);

    const strangerListens = await app.gql(LISTEN, { id: sessionId }, stranger.token);
    expect(codeOf(strangerListens)).toBe('NOT_FOUND');
    expect(strangerListens.errors?.[0]?.message).toBe(`ChatSession ${sessionId} was not found.`);
    expect(codeOf(await app.gql(SESSION, { id: sessionId }, stranger.token))).toBe('NOT_FOUND');
    const strangerFollows = subscribe(app.ws(`Bearer ${stranger.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    expect((await errorOf(strangerFollows))?.extensions?.code).toBe('NOT_FOUND');
    expect(strangerFollows.values()).toEqual([]);

    // Once the chat is over, members read it as history (the contact panel); listening stays refused.
    await app.gql(END, { id: sessionId }, alice!.token);
    expect((await app.gql(SESSION, { id: sessionId }, rita!.token)).data.chatSession.status).toBe('ENDED');
    expect(codeOf(await app.gql(LISTEN, { id: sessionId }, rita!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(SESSION, { id: sessionId }, stranger.token))).toBe('NOT_FOUND');
  });
});

describe('visitors', () => {
  it('cannot read or act on another visitor’s chat (NOT_FOUND, as for an id that does not exist), and change nothing by trying', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const { alice } = agents as Record<string, AgentFixture>;
    const a = await activeChat(channel.id, alice!, 'Visitor A here');
    const b = await startChat(app, channel.id, 'Visitor B here');
    const aEvents = await followFromNow(a.visitorToken, a.sessionId);
    const before = await sessionRow(a.sessionId);

    const asB = await app.gql(SESSION, { id: a.sessionId }, b.visitorToken);
    expect(codeOf(asB)).toBe('NOT_FOUND');
    expect(asB.errors?.[0]?.message).toBe(`ChatSession ${a.sessionId} was not found.`);
    expect(asB.data).toBeNull();
    const attempts: [string, string, Record<string, unknown>][] = [
      ['sendMessage', SEND, { id: a.sessionId, body: 'I am A, honestly', cid: 'b-1' }],
      ['markRead', MARK_READ, { id: a.sessionId, c: before.lastEventSeq }],
      ['setTyping', TYPING, { id: a.sessionId }],
      ['endChat', END, { id: a.sessionId }],
      ['rateChat', RATE, { id: a.sessionId }],
    ];
    for (const [what, query, variables] of attempts) expect(codeOf(await app.gql(query, variables, b.visitorToken)), what).toBe('NOT_FOUND');
    const ws = app.ws(`Bearer ${b.visitorToken}`);
    for (const query of [CHAT_EVENTS, QUEUE_STATUS]) {
      const sub = subscribe(ws, query, { id: a.sessionId, after: 0 });
      const error = await errorOf(sub);
      expect(error?.extensions?.code).toBe('NOT_FOUND');
      expect(error?.message).toBe(`ChatSession ${a.sessionId} was not found.`);
      expect(sub.values()).toEqual([]);
    }

    expect(await sessionRow(a.sessionId)).toMatchObject({ status: 'ACTIVE', lastEventSeq: before.lastEventSeq, visitorReadSeq: before.visitorReadSeq });
    expect(await app.services.prisma.message.count({ where: { sessionId: a.sessionId, body: 'I am A, honestly' } })).toBe(0);
    await sendAndSee(alice!.token, a.sessionId, 'Hi A', [aEvents]);
    expect(aEvents.values().map((v) => v.chatEvents.type)).toEqual([expect.any(String), 'MESSAGE']);

    // Ended: B can neither rate it nor reopen it with a message ("return to chat").
    await app.gql(END, { id: a.sessionId }, alice!.token);
    expect(codeOf(await app.gql(RATE, { id: a.sessionId }, b.visitorToken))).toBe('NOT_FOUND');
    expect(codeOf(await app.gql(SEND, { id: a.sessionId, body: 'Reopen please', cid: 'b-2' }, b.visitorToken))).toBe('NOT_FOUND');
    expect(await sessionRow(a.sessionId)).toMatchObject({ status: 'ENDED', rating: null });
    // Their own tokens still work.
    expect((await app.gql(RATE, { id: a.sessionId }, a.visitorToken)).data.rateChat).toEqual({ id: a.sessionId, rating: 4 });
    expect((await app.gql(SESSION, { id: b.sessionId }, b.visitorToken)).data.chatSession.status).toBe('QUEUED');
    aEvents.stop();
  });
});

describe('ids that name nothing', () => {
  it('answers NOT_FOUND for unknown and malformed ids, whoever asks', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    const { visitorToken } = await startChat(app, channel.id);
    const reader = (await app.services.auth.createApiToken({ name: 'reader', scopes: ['CHATS_READ'], createdById: null })).token;

    for (const id of [randomUUID(), 'not-a-uuid', '12345', "' OR '1'='1", '00000000-0000-0000-0000-00000000000g']) {
      const byVisitor: [string, string, Record<string, unknown>][] = [
        ['chatSession', SESSION, { id }],
        ['sendMessage', SEND, { id, body: 'hi', cid: randomUUID() }],
        ['markRead', MARK_READ, { id, c: 1 }],
        ['setTyping', TYPING, { id }],
        ['endChat', END, { id }],
        ['rateChat', RATE, { id }],
      ];
      for (const [what, query, variables] of byVisitor)
        expect(codeOf(await app.gql(query, variables, visitorToken)), `visitor ${what} ${id}`).toBe('NOT_FOUND');
      const byAgent: [string, string, Record<string, unknown>][] = [
        ['chatSession', SESSION, { id }],
        ['listenToChat', LISTEN, { id }],
        ['transferChat', TRANSFER, { id, to: bob!.agent.id }],
        ['transferTargets', TARGETS, { id }],
        ['takeOverChat', TAKE_OVER, { id }],
        ['acceptChat', ACCEPT_CHAT, { id }],
        ['sendMessage', SEND, { id, body: 'hi', cid: randomUUID() }],
        ['endChat', END, { id }],
        ['acceptTransfer', `mutation($id: ID!) { acceptTransfer(transferId: $id) { id } }`, { id }],
        ['rejectTransfer', `mutation($id: ID!) { rejectTransfer(transferId: $id) { id } }`, { id }],
        ['cancelTransfer', `mutation($id: ID!) { cancelTransfer(transferId: $id) { id } }`, { id }],
      ];
      for (const [what, query, variables] of byAgent) expect(codeOf(await app.gql(query, variables, alice!.token)), `agent ${what} ${id}`).toBe('NOT_FOUND');
      expect(codeOf(await app.gql(SESSION, { id }, admin.token)), `admin ${id}`).toBe('NOT_FOUND');
      expect(codeOf(await app.gql(TAKE_OVER, { id }, admin.token)), `admin takeover ${id}`).toBe('NOT_FOUND');
      expect(codeOf(await app.gql(SESSION, { id }, reader)), `API token ${id}`).toBe('NOT_FOUND');
    }
    for (const token of [visitorToken, alice!.token, reader]) {
      const sub = subscribe(app.ws(`Bearer ${token}`), CHAT_EVENTS, { id: 'not-a-uuid', after: 0 });
      const error = await errorOf(sub);
      expect(error?.extensions?.code).toBe('NOT_FOUND');
      expect(error?.message).toBe('id: not-a-uuid was not found.');
      const unknown = subscribe(app.ws(`Bearer ${token}`), CHAT_EVENTS, { id: randomUUID() });
      expect((await errorOf(unknown))?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});

describe('subscriptions on a shared socket', () => {
  it('ends only the refused subscription; the others on the same socket keep receiving events', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, rita: { canRespond: true } });
    const { alice, rita } = agents as Record<string, AgentFixture>;
    const a = await activeChat(channel.id, alice!, 'Visitor A here');
    const b = await startChat(app, channel.id, 'Visitor B here');

    // A visitor's socket: their own chat, then someone else's (NOT_FOUND, like an id that does not exist), then one that does not exist.
    const visitorSocket = app.ws(`Bearer ${b.visitorToken}`);
    const own = subscribe(visitorSocket, CHAT_EVENTS, { id: b.sessionId, after: 0 });
    await own.waitFor((d) => d.chatEvents.message?.body === 'Visitor B here');
    const foreign = subscribe(visitorSocket, CHAT_EVENTS, { id: a.sessionId, after: 0 });
    expect((await errorOf(foreign))?.extensions?.code).toBe('NOT_FOUND');
    const missing = subscribe(visitorSocket, CHAT_EVENTS, { id: randomUUID(), after: 0 });
    expect((await errorOf(missing))?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.results).toHaveLength(1);
    expect(foreign.results[0]!.data ?? null).toBeNull();

    // An agent's socket: a waiting chat rita may read, then alice's active chat, which she may not.
    const agentSocket = app.ws(`Bearer ${rita!.token}`);
    const incoming = subscribe(agentSocket, CHAT_EVENTS, { id: b.sessionId, after: 0 });
    await incoming.waitFor((d) => d.chatEvents.message?.body === 'Visitor B here');
    const refused = subscribe(agentSocket, CHAT_EVENTS, { id: a.sessionId, after: 0 });
    expect((await errorOf(refused))?.extensions?.code).toBe('FORBIDDEN');

    // Activity in A's chat reaches neither socket; B's chat keeps flowing on both.
    await sendAndSee(alice!.token, a.sessionId, 'For A only', []);
    await send(app, a.visitorToken, a.sessionId, 'Also for A only');
    await sendAndSee(b.visitorToken, b.sessionId, 'Still here?', [own, incoming]);
    const claimed = await app.gql(ACCEPT_CHAT, { id: b.sessionId }, rita!.token);
    expect(claimed.data.acceptChat.status).toBe('ACTIVE');
    await sendAndSee(rita!.token, b.sessionId, 'Rita here', [own, incoming]);
    expect(await stateOf(own)).toBe('running');
    expect(await stateOf(incoming)).toBe('running');
    for (const sub of [own, incoming]) {
      expect(sub.results.every((r) => !r.errors)).toBe(true);
      expect(new Set(sub.values().map((v) => v.chatEvents.sessionId))).toEqual(new Set([b.sessionId]));
    }
    own.stop();
    incoming.stop();
  });
});

describe('API tokens', () => {
  it('with CHATS_READ: read a chat and follow its events, but cannot write or act in it', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!, 'Order 1234 is late');
    const reader = (await app.services.auth.createApiToken({ name: 'CRM sync', scopes: ['CHATS_READ'], createdById: null })).token;

    const read = await app.gql(SESSION, { id: sessionId }, reader);
    expect(read.data.chatSession).toMatchObject({ id: sessionId, status: 'ACTIVE' });
    expect(read.data.chatSession.messages.messages[0]).toEqual({ body: 'Order 1234 is late', authorKind: 'VISITOR' });
    const follows = subscribe(app.ws(`Bearer ${reader}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await follows.waitFor((d) => d.chatEvents.message?.body === 'Order 1234 is late');
    await sendAndSee(alice!.token, sessionId, 'It ships today', [follows]);
    await sendAndSee(visitorToken, sessionId, 'Great', [follows]);
    const before = await sessionRow(sessionId);

    const writes = await app.gql(SEND, { id: sessionId, body: 'From a script', cid: 'script-1' }, reader);
    expect(codeOf(writes)).toBe('FORBIDDEN');
    expect(writes.errors?.[0]?.message).toBe('Requires one of: an agent session, a visitor token.');
    const acts: [string, string, Record<string, unknown>][] = [
      ['markRead', MARK_READ, { id: sessionId, c: 1 }],
      ['setTyping', TYPING, { id: sessionId }],
      ['endChat', END, { id: sessionId }],
      ['rateChat', RATE, { id: sessionId }],
      ['transferChat', TRANSFER, { id: sessionId, to: bob!.agent.id }],
      ['takeOverChat', TAKE_OVER, { id: sessionId }],
      ['listenToChat', LISTEN, { id: sessionId }],
      ['getNextInQueue', NEXT, {}],
    ];
    for (const [what, query, variables] of acts) expect(codeOf(await app.gql(query, variables, reader)), what).toBe('FORBIDDEN');
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'ACTIVE', lastEventSeq: before.lastEventSeq, agentId: alice!.agent.id });
    expect(await app.services.prisma.message.count({ where: { sessionId, body: 'From a script' } })).toBe(0);
    expect(await stateOf(follows)).toBe('running');
    follows.stop();
  });

  it('without CHATS_READ: FORBIDDEN, over HTTP and WebSocket', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const { sessionId } = await activeChat(channel.id, agents.alice!);
    const writer = (await app.services.auth.createApiToken({ name: 'tickets', scopes: ['REQUESTS_WRITE', 'REQUESTS_READ', 'CHATS_WRITE'], createdById: null }))
      .token;

    const read = await app.gql(SESSION, { id: sessionId }, writer);
    expect(codeOf(read)).toBe('FORBIDDEN');
    expect(read.errors?.[0]?.message).toBe('Requires one of: an agent session, a visitor token, an API token with the CHATS_READ scope.');
    expect(read.data).toBeNull();
    expect(codeOf(await app.gql(SEND, { id: sessionId, body: 'x', cid: 'w-1' }, writer))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(`{ myChats { id } }`, {}, writer))).toBe('FORBIDDEN');
    const sub = subscribe(app.ws(`Bearer ${writer}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const error = await errorOf(sub);
    expect(error?.extensions?.code).toBe('FORBIDDEN');
    expect(error?.message).toBe('Requires one of: an agent session, a visitor token, an API token with the CHATS_READ scope.');
    expect(sub.values()).toEqual([]);
  });
});

describe('no token', () => {
  it('is UNAUTHENTICATED on every agent or visitor operation, over HTTP and WebSocket', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId } = await activeChat(channel.id, alice!);
    const before = await sessionRow(sessionId);
    const operations: [string, string, Record<string, unknown>][] = [
      ['chatSession', SESSION, { id: sessionId }],
      ['myChats', `{ myChats { id } }`, {}],
      ['sendMessage', SEND, { id: sessionId, body: 'anonymous', cid: 'anon-1' }],
      ['markRead', MARK_READ, { id: sessionId, c: 1 }],
      ['setTyping', TYPING, { id: sessionId }],
      ['endChat', END, { id: sessionId }],
      ['rateChat', RATE, { id: sessionId }],
      ['listenToChat', LISTEN, { id: sessionId }],
      ['transferChat', TRANSFER, { id: sessionId, to: bob!.agent.id }],
      ['transferTargets', TARGETS, { id: sessionId }],
      ['takeOverChat', TAKE_OVER, { id: sessionId }],
      ['acceptChat', ACCEPT_CHAT, { id: sessionId }],
      ['getNextInQueue', NEXT, {}],
      ['queue', QUEUE, {}],
      ['acceptTransfer', `mutation($id: ID!) { acceptTransfer(transferId: $id) { id } }`, { id: randomUUID() }],
    ];
    for (const [what, query, variables] of operations) {
      const result = await app.gql(query, variables, null);
      expect(codeOf(result), what).toBe('UNAUTHENTICATED');
      expect(result.errors?.[0]?.message, what).toBe('Authentication required: send a valid token as "Authorization: Bearer <token>".');
    }
    const socket = app.ws();
    for (const [query, variables] of [
      [CHAT_EVENTS, { id: sessionId, after: 0 }],
      [QUEUE_STATUS, { id: sessionId }],
      [AGENT_EVENTS, {}],
    ] as const) {
      const sub = subscribe(socket, query, variables);
      expect((await errorOf(sub))?.extensions?.code, query).toBe('UNAUTHENTICATED');
      expect(sub.values()).toEqual([]);
    }
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'ACTIVE', lastEventSeq: before.lastEventSeq });
  });
});

describe('getNextInQueue', () => {
  it('claims only in channels where the agent can respond; naming any other channel is FORBIDDEN', async () => {
    const respond = await channelWithAgents(app, { alice: { canRespond: true } });
    const alice = respond.agents.alice!;
    // alice is a member of `listenOnly` without can-respond or notifications (either would show her its queue), and not a member of `foreign`.
    const listenOnly = await channelWithAgents(app, { lars: { canRespond: true } });
    await app.services.prisma.channelMember.create({
      data: { channelId: listenOnly.channel.id, agentId: alice.agent.id, canRespond: false, canListenIn: true, getsNotifications: false },
    });
    const foreign = await channelWithAgents(app, { fred: { canRespond: true } });
    // The other channels' chats wait longer, so an unrestricted claim would take them first.
    const inListenOnly = await startChat(app, listenOnly.channel.id, 'first in line');
    const inForeign = await startChat(app, foreign.channel.id, 'second in line');
    const inMine = await startChat(app, respond.channel.id, 'third in line');

    for (const ids of [['not-a-uuid'], [respond.channel.id, 'not-a-uuid']]) {
      expect(codeOf(await app.gql(NEXT, { ids }, alice.token)), JSON.stringify(ids)).toBe('NOT_FOUND');
      expect(codeOf(await app.gql(QUEUE, { ids }, alice.token)), `queue ${JSON.stringify(ids)}`).toBe('NOT_FOUND');
    }
    for (const ids of [[listenOnly.channel.id], [foreign.channel.id], [respond.channel.id, foreign.channel.id], [randomUUID()]]) {
      const result = await app.gql(NEXT, { ids }, alice.token);
      expect(codeOf(result), JSON.stringify(ids)).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toBe(`You cannot respond in channel ${ids.find((id) => id !== respond.channel.id)}.`);
      expect(codeOf(await app.gql(QUEUE, { ids }, alice.token)), `queue ${JSON.stringify(ids)}`).toBe('FORBIDDEN');
    }
    const notResponder = await app.gql(ACCEPT_CHAT, { id: inListenOnly.sessionId }, alice.token);
    expect(codeOf(notResponder)).toBe('FORBIDDEN');
    expect(notResponder.errors?.[0]?.message).toBe('You cannot respond in this channel.');
    expect(codeOf(await app.gql(ACCEPT_CHAT, { id: inForeign.sessionId }, alice.token))).toBe('NOT_FOUND');
    for (const chat of [inListenOnly, inForeign, inMine]) expect((await sessionRow(chat.sessionId)).status).toBe('QUEUED');

    const queue = await app.gql(QUEUE, {}, alice.token);
    expect(queue.data.queue).toEqual([{ session: { id: inMine.sessionId }, position: 1 }]);
    const claimed = await app.gql(NEXT, {}, alice.token);
    expect(claimed.data.getNextInQueue).toEqual({ id: inMine.sessionId, status: 'ACTIVE', agent: { id: alice.agent.id } });
    expect((await app.gql(NEXT, {}, alice.token)).data.getNextInQueue).toBeNull();
    expect((await app.gql(NEXT, { ids: [respond.channel.id] }, alice.token)).data.getNextInQueue).toBeNull();
    expect((await sessionRow(inListenOnly.sessionId)).status).toBe('QUEUED');
    expect((await sessionRow(inForeign.sessionId)).status).toBe('QUEUED');
  });
});
