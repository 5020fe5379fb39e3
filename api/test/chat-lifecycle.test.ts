import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, type ChatLimits } from '../src/platform/config';
import { CHAT_EVENTS, NEXT, SEND, START_CHAT, channelWithAgents, send, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';

type Errors = { errors?: { extensions?: Record<string, any> }[] };
const errorOf = (r: Errors) => r.errors?.[0]?.extensions;

const roomy = { limit: 100_000, windowSeconds: 60 };
const defaults = (): ChatLimits => configFromEnv({}).chat;

const END = `mutation($id: ID!) { endChat(sessionId: $id) { id status endedBy missed endedAt } }`;
const RATE = `mutation($id: ID!, $r: Int!, $c: String) { rateChat(sessionId: $id, rating: $r, comment: $c) { rating ratingComment } }`;
const PRESENCE = `mutation($p: Presence!) { setPresence(presence: $p) { presence } }`;
const MARK_READ = `mutation($id: ID!, $c: Int!) { markRead(sessionId: $id, upToCursor: $c) { unreadCount visitorReadCursor agentReadCursor } }`;
const TYPING = `mutation($id: ID!, $t: Boolean!) { setTyping(sessionId: $id, typing: $t) }`;
const SESSION = `query($id: ID!) { chatSession(id: $id) { id status missed endedBy endedAt agent { id } visitor { id name email company } unreadCount lastEventSeq
  messages { messages { cursor authorKind systemType body } } } }`;

describe('chat lifecycle', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      chat: { ...defaults(), startChatPerIp: roomy, startChatPerVisitor: roomy, sendMessagePerVisitor: roomy, sendMessagePerIp: roomy },
    });
  });
  afterAll(() => app?.stop());

  const sessionRow = (id: string) => app.services.prisma.chatSession.findUniqueOrThrow({ where: { id } });
  const startRaw = (input: Record<string, unknown>, token?: string) => app.gql(START_CHAT, { input: { message: 'Hello', ...input } }, token);

  describe('startChat', () => {
    it('is CHANNEL_OFFLINE (NO_AGENT_PRESENT, offline form) when no member who can respond is Present', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, lurker: { canListenIn: true } });
      expect((await app.gql(PRESENCE, { p: 'AWAY' }, agents.alice!.token)).data.setPresence.presence).toBe('AWAY');
      // The listener is Present, but cannot answer.
      const offline = await startRaw({ channelId: channel.id });
      expect(offline.data).toBeNull();
      expect(errorOf(offline)).toMatchObject({ code: 'CHANNEL_OFFLINE', reason: 'NO_AGENT_PRESENT', offlineForm: true });
      expect(await app.services.prisma.chatSession.count({ where: { channelId: channel.id } })).toBe(0);

      expect((await app.gql(PRESENCE, { p: 'PRESENT' }, agents.alice!.token)).errors).toBeUndefined();
      expect((await startRaw({ channelId: channel.id })).data.startChat.session.status).toBe('QUEUED');
    });

    it('requires the channel’s pre-chat fields, naming the missing one, and checks email syntax', async () => {
      const strict = await channelWithAgents(app, { a: { canRespond: true } }, { prechatEnabled: true, prechatRequiredFields: ['NAME', 'EMAIL', 'COMPANY'] });
      const full = { channelId: strict.channel.id, name: 'Ada', email: 'ada@example.com', company: 'Analytical Engines' };
      for (const missing of ['name', 'email', 'company'] as const) {
        for (const value of [undefined, '', '   ']) {
          const result = await startRaw({ ...full, [missing]: value });
          expect(errorOf(result)).toMatchObject({ code: 'VALIDATION', field: missing });
        }
      }
      expect(await app.services.prisma.chatSession.count({ where: { channelId: strict.channel.id } })).toBe(0);
      const ok = await startRaw(full);
      expect(ok.errors).toBeUndefined();
      const visitor = await app.gql(SESSION, { id: ok.data.startChat.session.id }, ok.data.startChat.visitorToken);
      expect(visitor.data.chatSession.visitor).toMatchObject({ name: 'Ada', email: 'ada@example.com', company: 'Analytical Engines' });

      // Required fields apply only while the pre-chat form is on.
      const formOff = await channelWithAgents(app, { a: { canRespond: true } }, { prechatEnabled: false, prechatRequiredFields: ['NAME', 'EMAIL'] });
      expect((await startRaw({ channelId: formOff.channel.id })).errors).toBeUndefined();

      const lenient = await channelWithAgents(app, { a: { canRespond: true } });
      for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com'])
        expect(errorOf(await startRaw({ channelId: lenient.channel.id, email }))).toMatchObject({ code: 'VALIDATION', field: 'email' });
      expect(errorOf(await startRaw({ channelId: lenient.channel.id, message: '   ' }))).toMatchObject({ code: 'VALIDATION', field: 'message' });
    });

    it('answers NOT_FOUND for an unknown channel, VALIDATION for a malformed one (an id inside an input), and FORBIDDEN to an agent', async () => {
      expect(errorOf(await startRaw({ channelId: randomUUID() }))?.code).toBe('NOT_FOUND');
      expect(errorOf(await startRaw({ channelId: 'not-a-channel' }))).toMatchObject({ code: 'VALIDATION', field: 'channelId' });
      const { channel, agents } = await channelWithAgents(app, { a: { canRespond: true } });
      expect(errorOf(await startRaw({ channelId: channel.id }, agents.a!.token))?.code).toBe('FORBIDDEN');
    });

    it('reuses the visitor of a visitor token and returns the same token', async () => {
      const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
      const first = await startChat(app, channel.id, 'first', { name: 'Grace' });
      // While the first chat is open a second start joins it (chat-flow tests that); once it ended, a new chat.
      await app.gql(END, { id: first.sessionId }, first.visitorToken);
      const again = await startRaw({ channelId: channel.id, message: 'second', email: 'grace@example.com' }, first.visitorToken);
      expect(again.errors).toBeUndefined();
      expect(again.data.startChat.visitorToken).toBe(first.visitorToken);
      const [a, b] = await Promise.all([sessionRow(first.sessionId), sessionRow(again.data.startChat.session.id)]);
      expect(b.visitorId).toBe(a.visitorId);
      expect(b.id).not.toBe(a.id);
      // The visitor gained an email and kept their name.
      expect(await app.services.prisma.visitor.findUniqueOrThrow({ where: { id: a.visitorId } })).toMatchObject({ name: 'Grace', email: 'grace@example.com' });
      // Without a token, a new visitor.
      const stranger = await startChat(app, channel.id, 'third');
      expect(stranger.visitorToken).not.toBe(first.visitorToken);
      expect((await sessionRow(stranger.sessionId)).visitorId).not.toBe(a.visitorId);
    });
  });

  describe('ending and returning', () => {
    it('a visitor who ends while queued ends the chat as missed', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      const agentView = subscribe(app.ws(`Bearer ${agents.alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const ended = await app.gql(END, { id: sessionId }, visitorToken);
      expect(ended.data.endChat).toMatchObject({ status: 'ENDED', endedBy: 'VISITOR', missed: true });
      expect(ended.data.endChat.endedAt).not.toBeNull();
      await agentView.waitFor((d) => d.chatEvents.status === 'ENDED' && d.chatEvents.endedBy === 'VISITOR');
      await agentView.waitFor((d) => d.chatEvents.message?.systemType === 'CLOSED_BY_VISITOR');
      // Ending again changes nothing; the chat is out of the queue.
      expect((await app.gql(END, { id: sessionId }, visitorToken)).data.endChat).toMatchObject({ status: 'ENDED', missed: true });
      expect(await app.services.prisma.message.count({ where: { sessionId, systemType: 'CLOSED_BY_VISITOR' } })).toBe(1);
      expect((await app.gql(NEXT, {}, agents.alice!.token)).data.getNextInQueue).toBeNull();
      agentView.stop();
    });

    it('a chat ended while an agent takes it is either missed or answered, never both', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
      const ACCEPT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`;
      // The acceptChat goes out first: on PostgreSQL it often wins, and the end then waits on its row lock.
      for (let i = 0; i < 30; i++) {
        const { sessionId, visitorToken } = await startChat(app, channel.id, `race ${i}`);
        const [accepted, ended] = await Promise.all([app.gql(ACCEPT, { id: sessionId }, agents.alice!.token), app.gql(END, { id: sessionId }, visitorToken)]);
        expect(ended.data.endChat.status).toBe('ENDED');
        const row = await sessionRow(sessionId);
        const welcomed = await app.services.prisma.message.count({ where: { sessionId, systemType: 'WELCOME' } });
        if (accepted.errors) {
          expect(errorOf(accepted)?.code).toBe('CONFLICT');
          expect(row).toMatchObject({ status: 'ENDED', missed: true, agentId: null, startedAt: null });
          expect(welcomed).toBe(0);
        } else {
          expect(row).toMatchObject({ status: 'ENDED', missed: false, agentId: agents.alice!.agent.id });
          expect(welcomed).toBe(1);
        }
      }
    });

    it('"return to chat": a visitor message reopens the chat with the same agent while they are Present', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
      const alice = agents.alice!;
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      expect((await app.gql(NEXT, {}, alice.token)).data.getNextInQueue.id).toBe(sessionId);
      expect((await app.gql(END, { id: sessionId }, alice.token)).data.endChat).toMatchObject({ status: 'ENDED', endedBy: 'AGENT', missed: false });

      const visitorView = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const endedCursor = (await visitorView.waitFor((d) => d.chatEvents.status === 'ENDED')).chatEvents.cursor;
      const back = await send(app, visitorToken, sessionId, 'One more thing!');
      expect(back.errors).toBeUndefined();
      const active = await visitorView.waitFor(
        (d) => d.chatEvents.type === 'STATUS_CHANGED' && d.chatEvents.status === 'ACTIVE' && d.chatEvents.cursor > endedCursor,
      );
      const reopened = await visitorView.waitFor((d) => d.chatEvents.message?.systemType === 'REOPENED');
      // REOPENED, then the status, then the visitor's message.
      expect(reopened.chatEvents.message.cursor).toBe(endedCursor + 1);
      expect(active.chatEvents.cursor).toBe(endedCursor + 2);
      expect(back.data.sendMessage.cursor).toBe(endedCursor + 3);

      const row = await sessionRow(sessionId);
      expect(row).toMatchObject({ status: 'ACTIVE', agentId: alice.agent.id, endedAt: null, endedBy: null, missed: false });
      // Alice can write again.
      expect((await send(app, alice.token, sessionId, 'Sure, go ahead.')).errors).toBeUndefined();
      visitorView.stop();
    });

    it('"return to chat" goes back to the queue when the agent went Away', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      expect((await app.gql(NEXT, {}, agents.alice!.token)).data.getNextInQueue.id).toBe(sessionId);
      expect((await app.gql(END, { id: sessionId }, agents.alice!.token)).errors).toBeUndefined();
      expect((await app.gql(PRESENCE, { p: 'AWAY' }, agents.alice!.token)).errors).toBeUndefined();

      const back = await send(app, visitorToken, sessionId, 'Hello again?');
      expect(back.errors).toBeUndefined();
      const row = await sessionRow(sessionId);
      expect(row).toMatchObject({ status: 'QUEUED', agentId: null, startedAt: null, endedAt: null, missed: false });
      const view = await app.gql(SESSION, { id: sessionId }, visitorToken);
      const messages = view.data.chatSession.messages.messages;
      const reopenedAt = messages.findIndex((m: any) => m.systemType === 'REOPENED');
      expect(reopenedAt).toBeGreaterThan(-1);
      expect(messages[reopenedAt + 1]).toMatchObject({ authorKind: 'VISITOR', body: 'Hello again?' });
      expect(messages.filter((m: any) => m.systemType === 'REOPENED')).toHaveLength(1);

      // Bob picks it up from the queue.
      expect((await app.gql(NEXT, {}, agents.bob!.token)).data.getNextInQueue).toMatchObject({ id: sessionId, agent: { id: agents.bob!.agent.id } });
    });

    it('after the reopen window, a visitor message is a CONFLICT and stores nothing', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      expect((await app.gql(NEXT, {}, agents.alice!.token)).errors).toBeUndefined();
      expect((await app.gql(END, { id: sessionId }, agents.alice!.token)).errors).toBeUndefined();
      const windowMinutes = app.config.chat.reopenWindowMinutes;
      await app.services.prisma.chatSession.update({ where: { id: sessionId }, data: { endedAt: new Date(Date.now() - (windowMinutes + 1) * 60_000) } });
      const before = await sessionRow(sessionId);

      const late = await send(app, visitorToken, sessionId, 'Too late?');
      expect(errorOf(late)?.code).toBe('CONFLICT');
      const after = await sessionRow(sessionId);
      expect(after).toMatchObject({ status: 'ENDED', lastEventSeq: before.lastEventSeq });
      expect(await app.services.prisma.message.count({ where: { sessionId, body: 'Too late?' } })).toBe(0);
      // The agent cannot write in an ended chat either.
      expect(errorOf(await send(app, agents.alice!.token, sessionId, 'hello?'))?.code).toBe('CONFLICT');
    });
  });

  describe('rateChat', () => {
    it('takes 1–5 from the visitor of an ended chat only', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      const other = await startChat(app, channel.id);
      expect((await app.gql(NEXT, {}, agents.alice!.token)).data.getNextInQueue.id).toBe(sessionId);

      expect(errorOf(await app.gql(RATE, { id: sessionId, r: 5 }, visitorToken))?.code).toBe('CONFLICT');
      expect((await app.gql(END, { id: sessionId }, agents.alice!.token)).errors).toBeUndefined();

      for (const r of [0, 6, -1])
        expect(errorOf(await app.gql(RATE, { id: sessionId, r }, visitorToken))).toMatchObject({ code: 'VALIDATION', field: 'rating' });
      const fractional = await app.gql(RATE, { id: sessionId, r: 2.5 }, visitorToken);
      expect(fractional.errors?.length).toBeGreaterThan(0);
      expect(fractional.data ?? null).toBeNull();
      const fractionalLiteral = await app.gql(`mutation($id: ID!) { rateChat(sessionId: $id, rating: 2.5) { rating } }`, { id: sessionId }, visitorToken);
      expect(fractionalLiteral.errors?.length).toBeGreaterThan(0);
      expect(errorOf(await app.gql(RATE, { id: sessionId, r: 4, c: 'x'.repeat(1001) }, visitorToken))).toMatchObject({ code: 'VALIDATION', field: 'comment' });
      expect((await sessionRow(sessionId)).rating).toBeNull();

      expect(errorOf(await app.gql(RATE, { id: sessionId, r: 5 }, agents.alice!.token))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(RATE, { id: sessionId, r: 5 }, other.visitorToken))?.code).toBe('NOT_FOUND');
      expect(errorOf(await app.gql(RATE, { id: sessionId, r: 5 }, null))?.code).toBe('UNAUTHENTICATED');
      expect((await sessionRow(sessionId)).rating).toBeNull();

      const rated = await app.gql(RATE, { id: sessionId, r: 4, c: 'Quick and kind' }, visitorToken);
      expect(rated.data.rateChat).toEqual({ rating: 4, ratingComment: 'Quick and kind' });
      expect(await sessionRow(sessionId)).toMatchObject({ rating: 4, ratingComment: 'Quick and kind' });
      expect(await app.services.prisma.chatEvent.count({ where: { sessionId, type: 'RATED' } })).toBe(1);
    });
  });

  describe('read receipts and typing', () => {
    it('markRead sends READ events and sets unreadCount to 0 for that side only', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, lurker: { canListenIn: true } });
      const alice = agents.alice!;
      const { sessionId, visitorToken } = await startChat(app, channel.id, 'first question');
      expect((await app.gql(NEXT, {}, alice.token)).errors).toBeUndefined();
      expect((await send(app, alice.token, sessionId, 'hello from alice')).errors).toBeUndefined();
      expect((await send(app, visitorToken, sessionId, 'second question')).errors).toBeUndefined();

      // Replaying from the start, then live: once the replay is through, both streams are attached.
      const visitorView = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const agentView = subscribe(app.ws(`Bearer ${alice.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      await Promise.all([visitorView, agentView].map((v) => v.waitFor((d) => d.chatEvents.message?.body === 'second question')));

      const unread = async (token: string) => (await app.gql(SESSION, { id: sessionId }, token)).data.chatSession;
      // Visitor: the welcome and Alice's message; agent: the visitor's two messages.
      expect((await unread(visitorToken)).unreadCount).toBe(2);
      const { unreadCount: agentUnread, lastEventSeq } = await unread(alice.token);
      expect(agentUnread).toBe(2);

      const visitorRead = await app.gql(MARK_READ, { id: sessionId, c: lastEventSeq }, visitorToken);
      expect(visitorRead.data.markRead).toMatchObject({ unreadCount: 0, visitorReadCursor: lastEventSeq, agentReadCursor: 0 });
      const receipt = await agentView.waitFor((d) => d.chatEvents.type === 'READ');
      expect(receipt.chatEvents.read).toEqual({ by: 'VISITOR', upToCursor: lastEventSeq });
      expect(receipt.chatEvents.cursor).toBe(lastEventSeq + 1);
      expect((await unread(alice.token)).unreadCount).toBe(2);
      // Messages the visitor has read carry readAt; the visitor's own do not.
      const stored = await app.services.prisma.message.findMany({ where: { sessionId }, orderBy: { seq: 'asc' } });
      for (const m of stored) expect(m.readAt !== null).toBe(m.authorKind !== 'VISITOR');

      // A listener's read is not a receipt.
      expect(errorOf(await app.gql(MARK_READ, { id: sessionId, c: lastEventSeq }, agents.lurker!.token))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(MARK_READ, { id: sessionId, c: -1 }, alice.token))).toMatchObject({ code: 'VALIDATION', field: 'upToCursor' });

      // A cursor beyond the end is clamped to the newest event.
      const agentRead = await app.gql(MARK_READ, { id: sessionId, c: 1_000_000 }, alice.token);
      expect(agentRead.data.markRead).toMatchObject({ unreadCount: 0, visitorReadCursor: lastEventSeq, agentReadCursor: lastEventSeq + 1 });
      const back = await visitorView.waitFor((d) => d.chatEvents.type === 'READ' && d.chatEvents.read.by === 'AGENT');
      expect(back.chatEvents.read.upToCursor).toBe(lastEventSeq + 1);
      expect((await unread(visitorToken)).unreadCount).toBe(0);

      // Reading the same again stores nothing new.
      const seq = (await sessionRow(sessionId)).lastEventSeq;
      expect((await app.gql(MARK_READ, { id: sessionId, c: lastEventSeq }, visitorToken)).errors).toBeUndefined();
      expect((await sessionRow(sessionId)).lastEventSeq).toBe(seq);
      expect(await app.services.prisma.chatEvent.count({ where: { sessionId, type: 'READ' } })).toBe(2);
      visitorView.stop();
      agentView.stop();
    });

    it('typing arrives live with cursor null both ways and is never replayed', async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
      const alice = agents.alice!;
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      expect((await app.gql(NEXT, {}, alice.token)).errors).toBeUndefined();
      const visitorView = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      const agentView = subscribe(app.ws(`Bearer ${alice.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      await Promise.all([visitorView, agentView].map((v) => v.waitFor((d) => d.chatEvents.message?.systemType === 'WELCOME')));

      expect((await app.gql(TYPING, { id: sessionId, t: true }, alice.token)).data.setTyping).toBe(true);
      const agentTyping = await visitorView.waitFor((d) => d.chatEvents.type === 'TYPING');
      expect(agentTyping.chatEvents).toMatchObject({ cursor: null, typing: { by: 'AGENT', isTyping: true }, agent: { id: alice.agent.id } });
      expect((await app.gql(TYPING, { id: sessionId, t: true }, visitorToken)).data.setTyping).toBe(true);
      const visitorTyping = await agentView.waitFor((d) => d.chatEvents.type === 'TYPING' && d.chatEvents.typing.by === 'VISITOR');
      expect(visitorTyping.chatEvents).toMatchObject({ cursor: null, typing: { isTyping: true } });
      expect((await app.gql(TYPING, { id: sessionId, t: false }, alice.token)).data.setTyping).toBe(true);
      await visitorView.waitFor((d) => d.chatEvents.type === 'TYPING' && d.chatEvents.typing.isTyping === false);
      const sent = await send(app, alice.token, sessionId, 'after typing');
      await visitorView.waitFor((d) => d.chatEvents.message?.body === 'after typing');
      visitorView.stop();

      // Resuming from the start replays every stored event up to the message, and no typing.
      const resumed = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
      await resumed.waitFor((d) => d.chatEvents.cursor === sent.data.sendMessage.cursor);
      const replayed = resumed.values().map((v) => v.chatEvents);
      expect(replayed.filter((e) => e.type === 'TYPING')).toEqual([]);
      expect(replayed.map((e) => e.cursor)).toEqual(Array.from({ length: sent.data.sendMessage.cursor }, (_, i) => i + 1));
      // Nothing was stored for typing: the log holds exactly the replayed events.
      expect(await app.services.prisma.chatEvent.count({ where: { sessionId } })).toBe(sent.data.sendMessage.cursor);

      // Once ended, nobody types.
      expect((await app.gql(END, { id: sessionId }, alice.token)).errors).toBeUndefined();
      expect((await app.gql(TYPING, { id: sessionId, t: true }, visitorToken)).data.setTyping).toBe(false);
      resumed.stop();
      agentView.stop();
    });
  });
});

describe('rate limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    // X-Forwarded-For is trusted here so each test can speak from its own address.
    app = await startTestApp({
      trustProxy: true,
      chat: {
        ...defaults(),
        startChatPerIp: { limit: 2, windowSeconds: 60 },
        startChatPerVisitor: { limit: 1, windowSeconds: 60 },
        sendMessagePerVisitor: { limit: 3, windowSeconds: 60 },
      },
    });
  });
  afterAll(() => app?.stop());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const start = (channelId: string, ip: string, token?: string) => app.gql(START_CHAT, { input: { channelId, message: 'hi' } }, token, from(ip));
  const message = (token: string, sessionId: string, ip: string) =>
    app.gql(SEND, { input: { sessionId, body: 'hello', clientMessageId: randomUUID() } }, token, from(ip));

  it('limits startChat per client address, with retryAfter', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    expect((await start(channel.id, '203.0.113.1')).errors).toBeUndefined();
    expect((await start(channel.id, '203.0.113.1')).errors).toBeUndefined();
    const limited = await start(channel.id, '203.0.113.1');
    expect(errorOf(limited)?.code).toBe('RATE_LIMITED');
    expect(errorOf(limited)?.retryAfter).toBeGreaterThan(0);
    expect(errorOf(limited)?.retryAfter).toBeLessThanOrEqual(60);
    expect(await app.services.prisma.chatSession.count({ where: { channelId: channel.id } })).toBe(2);
    // Another address is not affected.
    expect((await start(channel.id, '203.0.113.2')).errors).toBeUndefined();
  });

  it('limits startChat per visitor, whatever the address', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const first = await start(channel.id, '203.0.113.10');
    const token = first.data.startChat.visitorToken;
    expect((await start(channel.id, '203.0.113.11', token)).errors).toBeUndefined();
    const limited = await start(channel.id, '203.0.113.12', token);
    expect(errorOf(limited)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(errorOf(limited)?.retryAfter).toBeGreaterThan(0);
  });

  it('limits sendMessage per visitor, with retryAfter, without touching other visitors', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const one = (await start(channel.id, '203.0.113.20')).data.startChat;
    const two = (await start(channel.id, '203.0.113.21')).data.startChat;
    for (let i = 0; i < 3; i++) expect((await message(one.visitorToken, one.session.id, '203.0.113.20')).errors).toBeUndefined();
    // A new address does not help: the limit is the visitor's.
    const limited = await message(one.visitorToken, one.session.id, '203.0.113.22');
    expect(errorOf(limited)?.code).toBe('RATE_LIMITED');
    expect(errorOf(limited)?.retryAfter).toBeGreaterThan(0);
    expect(errorOf(limited)?.retryAfter).toBeLessThanOrEqual(60);
    expect(await app.services.prisma.message.count({ where: { sessionId: one.session.id, authorKind: 'VISITOR' } })).toBe(4);
    expect((await message(two.visitorToken, two.session.id, '203.0.113.21')).errors).toBeUndefined();
  });
});

describe('idle timeout', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ chat: { ...defaults(), idleTimeoutSeconds: 2, idleSweepIntervalSeconds: 0.5 } });
  });
  afterAll(() => app?.stop());

  const ACCEPT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`;
  const endedByIdle = (d: any) => d.chatEvents.type === 'STATUS_CHANGED' && d.chatEvents.status === 'ENDED' && d.chatEvents.endedBy === 'IDLE';

  it('ends the chats of visitors with no open socket, but not while their WebSocket stays open', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const alice = agents.alice!;
    const prisma = app.services.prisma;

    // Connected: a visitor who keeps the widget open.
    const connected = await startChat(app, channel.id, 'I keep the page open');
    const socket = app.ws(`Bearer ${connected.visitorToken}`);
    const connectedView = subscribe(socket, CHAT_EVENTS, { id: connected.sessionId, after: 0 });
    await connectedView.waitFor((d) => d.chatEvents.message?.body === 'I keep the page open');
    expect((await app.gql(ACCEPT, { id: connected.sessionId }, alice.token)).errors).toBeUndefined();

    // Gone: started a chat and closed the tab (no socket ever).
    const gone = await startChat(app, channel.id, 'bye');
    expect((await app.gql(ACCEPT, { id: gone.sessionId }, alice.token)).errors).toBeUndefined();
    const goneView = subscribe(app.ws(`Bearer ${alice.token}`), CHAT_EVENTS, { id: gone.sessionId, after: 0 });
    await goneView.waitFor(endedByIdle, 30_000);
    const closing = await goneView.waitFor((d) => d.chatEvents.message?.systemType === 'CLOSED_BY_IDLE');
    expect(closing.chatEvents.message.authorKind).toBe('SYSTEM');
    expect(await prisma.chatSession.findUniqueOrThrow({ where: { id: gone.sessionId } })).toMatchObject({ status: 'ENDED', endedBy: 'IDLE', missed: false });

    // A second idle chat, started after the first one ended, proves more sweeps ran since; one that
    // waits in the queue is missed when it idles out.
    const alsoGone = await startChat(app, channel.id, 'queued and gone');
    const alsoGoneView = subscribe(app.ws(`Bearer ${alice.token}`), CHAT_EVENTS, { id: alsoGone.sessionId, after: 0 });
    await alsoGoneView.waitFor(endedByIdle, 30_000);
    expect(await prisma.chatSession.findUniqueOrThrow({ where: { id: alsoGone.sessionId } })).toMatchObject({ status: 'ENDED', endedBy: 'IDLE', missed: true });

    // All the while, the connected visitor's chat stayed open.
    expect((await prisma.chatSession.findUniqueOrThrow({ where: { id: connected.sessionId } })).status).toBe('ACTIVE');
    expect(connectedView.values().some((d) => d.chatEvents.status === 'ENDED')).toBe(false);

    // The widget closes: after the timeout, the chat ends as idle too.
    const agentView = subscribe(app.ws(`Bearer ${alice.token}`), CHAT_EVENTS, { id: connected.sessionId, after: 0 });
    await agentView.waitFor((d) => d.chatEvents.message?.systemType === 'WELCOME');
    const closedAt = Date.now();
    await socket.dispose();
    await agentView.waitFor(endedByIdle, 30_000);
    await agentView.waitFor((d) => d.chatEvents.message?.systemType === 'CLOSED_BY_IDLE');
    const row = await prisma.chatSession.findUniqueOrThrow({ where: { id: connected.sessionId } });
    expect(row).toMatchObject({ status: 'ENDED', endedBy: 'IDLE' });
    // Closing the socket counts as the visitor's last sign of life: it did not end at once.
    expect(row.endedAt!.getTime() - closedAt).toBeGreaterThanOrEqual(1000);
    goneView.stop();
    alsoGoneView.stop();
    agentView.stop();
  });
});
