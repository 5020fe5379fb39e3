import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENTS, NEXT, SEND, channelWithAgents, send, startChat } from './chat-fixtures';
import { chatLimitsFromEnv } from '../src/platform/config';
import { startTestApp, subscribe, type GraphqlResult, type TestApp } from './harness';

let app: TestApp;
beforeAll(async () => {
  // This file starts many chats from one address; the startChat limit has tests of its own.
  const limits = chatLimitsFromEnv({});
  app = await startTestApp({ chat: { ...limits, startChatPerIp: { limit: 1000, windowSeconds: 60 } } });
});
afterAll(() => app?.stop());

describe('a chat from start to end', () => {
  it('queues, is claimed, exchanges messages live both ways, ends and is rated', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } }, { welcomeMessage: 'Welcome! I am here.' });
    const { sessionId, visitorToken, session } = await startChat(app, channel.id, 'My printer is on fire');
    expect(session.status).toBe('QUEUED');

    const visitorEvents = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await visitorEvents.waitFor((d) => d.chatEvents.message?.body === 'My printer is on fire');

    const claimed = await app.gql(NEXT, {}, agents.alice!.token);
    expect(claimed.data.getNextInQueue).toMatchObject({ id: sessionId, status: 'ACTIVE', agent: { id: agents.alice!.agent.id } });
    await visitorEvents.waitFor((d) => d.chatEvents.message?.systemType === 'WELCOME' && d.chatEvents.message.body === 'Welcome! I am here.');

    const agentEvents = subscribe(app.ws(`Bearer ${agents.alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const fromAgent = await send(app, agents.alice!.token, sessionId, 'Please step away from the printer.');
    expect(fromAgent.errors).toBeUndefined();
    await visitorEvents.waitFor((d) => d.chatEvents.message?.body === 'Please step away from the printer.');

    await send(app, visitorToken, sessionId, 'Done!');
    await agentEvents.waitFor((d) => d.chatEvents.message?.body === 'Done!');

    const cursors = visitorEvents
      .values()
      .map((v) => v.chatEvents.cursor)
      .filter((c) => c !== null);
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(cursors.length);

    const ended = await app.gql(`mutation($id: ID!) { endChat(sessionId: $id) { status endedBy } }`, { id: sessionId }, agents.alice!.token);
    expect(ended.data.endChat).toEqual({ status: 'ENDED', endedBy: 'AGENT' });
    await visitorEvents.waitFor((d) => d.chatEvents.status === 'ENDED');

    const rated = await app.gql(
      `mutation($id: ID!) { rateChat(sessionId: $id, rating: 5, comment: "Saved my office") { rating ratingComment } }`,
      { id: sessionId },
      visitorToken,
    );
    expect(rated.data.rateChat).toEqual({ rating: 5, ratingComment: 'Saved my office' });
    visitorEvents.stop();
    agentEvents.stop();
  });

  it('makes sendMessage idempotent on clientMessageId', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const { sessionId, visitorToken } = await startChat(app, channel.id);
    const clientMessageId = randomUUID();
    const first = await send(app, visitorToken, sessionId, 'once', clientMessageId);
    const again = await send(app, visitorToken, sessionId, 'once', clientMessageId);
    expect(again.data.sendMessage).toEqual(first.data.sendMessage);
    const racing = await Promise.all(Array.from({ length: 5 }, () => send(app, visitorToken, sessionId, 'race', 'same-id-race')));
    expect(new Set(racing.map((r) => r.data?.sendMessage.id)).size).toBe(1);
    expect(await app.services.prisma.message.count({ where: { sessionId, body: { in: ['once', 'race'] } } })).toBe(2);
    const session = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    const events = await app.services.prisma.chatEvent.findMany({ where: { sessionId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: session.lastEventSeq }, (_, i) => i + 1));
  });

  it('validates message bodies', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const { sessionId, visitorToken } = await startChat(app, channel.id);
    for (const body of ['', '   \n\t ', '\u0000\u0007'])
      expect((await send(app, visitorToken, sessionId, body)).errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'body' });
    expect((await send(app, visitorToken, sessionId, 'x'.repeat(4001))).errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'body' });
    const cleaned = await send(app, visitorToken, sessionId, '  hi\u0001 there\u0007\r\nline two  ');
    expect(cleaned.data.sendMessage.body).toBe('hi there\nline two');
    expect((await send(app, visitorToken, sessionId, 'y'.repeat(4000))).data.sendMessage.body).toHaveLength(4000);
    const badId = await app.gql(SEND, { input: { sessionId, body: 'x', clientMessageId: 'has spaces' } }, visitorToken);
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'clientMessageId' });
  });
});

describe('chatSessions', () => {
  const LIST = `query($filter: ChatSessionFilter, $first: Int, $after: String) {
    chatSessions(filter: $filter, first: $first, after: $after) { edges { cursor node { id status channel { id } } } pageInfo { hasNextPage endCursor } }
  }`;

  it('pages through the sessions a caller may see, with filters', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const other = await channelWithAgents(app, { stranger: { canRespond: true } });
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await startChat(app, channel.id, `q${i}`));
    await startChat(app, other.channel.id, 'elsewhere');

    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result: any = await app.gql(LIST, { filter: { status: ['QUEUED'] }, first: 2, after }, agents.member!.token);
      expect(result.errors).toBeUndefined();
      ids.push(...result.data.chatSessions.edges.map((e: any) => e.node.id));
      for (const edge of result.data.chatSessions.edges) expect(edge.node.channel.id).toBe(channel.id);
      if (!result.data.chatSessions.pageInfo.hasNextPage) break;
      after = result.data.chatSessions.pageInfo.endCursor;
    }
    expect(ids.sort()).toEqual(mine.map((c) => c.sessionId).sort());

    const asVisitor = await app.gql(LIST, {}, mine[0]!.visitorToken);
    expect(asVisitor.data.chatSessions.edges.map((e: any) => e.node.id)).toEqual([mine[0]!.sessionId]);

    const tooMany = await app.gql(LIST, { first: 1000 }, agents.member!.token);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'first' });
    expect(tooMany.errors?.[0]?.message).toBe('first: must be between 0 and 100');
    expect(tooMany.data?.chatSessions ?? null).toBeNull();
    expect((await app.gql(LIST, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('a cursor gap the database cannot fill', () => {
  it('ends the subscription after a few backed-off catch-ups instead of spinning, so the client resubscribes', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const { sessionId, visitorToken, session } = await startChat(app, channel.id);
    const events = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: session.lastEventSeq });
    await send(app, visitorToken, sessionId, 'live before the gap');
    await events.waitFor((d) => d.chatEvents.message?.body === 'live before the gap');
    const queriesBefore = Date.now();
    // An event far ahead of anything stored, as if the log had lost rows.
    app.services.bus.publish('chat', sessionId, {
      sessionId,
      cursor: session.lastEventSeq + 50,
      type: 'READ',
      createdAt: new Date().toISOString(),
      audience: 'ALL',
      read: { by: 'AGENT', upToCursor: 1 },
    });
    expect(await events.ended).toEqual({});
    expect(Date.now() - queriesBefore).toBeGreaterThan(1000);
    expect(events.values().some((d) => d.chatEvents.cursor === session.lastEventSeq + 50)).toBe(false);
  });
});

describe('startChat with a visitor token', () => {
  it('adds to the chat already open in that channel instead of queueing a duplicate', async () => {
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const first = await startChat(app, channel.id, 'first question');
    const again = await startChat(app, channel.id, 'asking again from another tab', {}, first.visitorToken);
    expect(again.sessionId).toBe(first.sessionId);
    expect(again.visitorToken).toBe(first.visitorToken);
    const bodies = (await app.services.prisma.message.findMany({ where: { sessionId: first.sessionId }, orderBy: { seq: 'asc' } })).map((m) => m.body);
    expect(bodies).toEqual(['first question', 'asking again from another tab']);
    expect(await app.services.prisma.chatSession.count({ where: { channelId: channel.id } })).toBe(1);

    await app.gql(`mutation($id: ID!) { endChat(sessionId: $id) { status } }`, { id: first.sessionId }, first.visitorToken);
    const afterEnd = await startChat(app, channel.id, 'a new topic', {}, first.visitorToken);
    expect(afterEnd.sessionId).not.toBe(first.sessionId);
  });
});

describe("the agent's photo on messages", () => {
  const PHOTO_EVENTS = `subscription($id: ID!, $after: Int) { chatEvents(sessionId: $id, after: $after) { cursor message { body author { displayName photoUrl } } } }`;
  const SEND_WITH_PHOTO = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { cursor createdAt author { photoUrl } } }`;

  for (const showAgentPhoto of [true, false]) {
    it(`is ${showAgentPhoto ? 'shown' : 'hidden'} live, in the reply and on replay when the channel ${showAgentPhoto ? 'shows' : 'hides'} it`, async () => {
      const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } }, { showAgentPhoto });
      const photoUrl = 'https://example.test/alice.png';
      await app.services.prisma.agent.update({ where: { id: agents.alice!.agent.id }, data: { photoUrl, nickname: 'Ally' } });
      const { sessionId, visitorToken } = await startChat(app, channel.id);
      expect((await app.gql(NEXT, {}, agents.alice!.token)).errors).toBeUndefined();
      const live = subscribe(app.ws(`Bearer ${visitorToken}`), PHOTO_EVENTS, { id: sessionId, after: 0 });
      await live.waitFor((d) => d.chatEvents.message?.body === 'Hello, I need help');

      // The plain-SQL send path must store UTC like Prisma does, whatever the process's time zone.
      const zone = process.env.TZ;
      process.env.TZ = 'Asia/Tokyo';
      let sent: GraphqlResult<any>;
      try {
        sent = await app.gql(SEND_WITH_PHOTO, { input: { sessionId, body: 'With or without a face', clientMessageId: randomUUID() } }, agents.alice!.token);
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
      expect(sent.errors).toBeUndefined();
      const expected = showAgentPhoto ? photoUrl : null;
      expect(sent.data.sendMessage.author.photoUrl).toBe(expected);
      const stored = await app.services.prisma.message.findFirstOrThrow({ where: { sessionId, body: 'With or without a face' } });
      expect(stored.createdAt.toISOString()).toBe(sent.data.sendMessage.createdAt);
      const [event] = await app.services.prisma.$queryRaw<
        { utc: string }[]
      >`SELECT to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS utc FROM "ChatEvent" WHERE "sessionId" = ${sessionId}::uuid AND seq = ${sent.data.sendMessage.cursor}`;
      expect(event!.utc).toBe(sent.data.sendMessage.createdAt);

      const delivered = await live.waitFor((d) => d.chatEvents.message?.body === 'With or without a face');
      expect(delivered.chatEvents.message.author).toEqual({ displayName: 'Ally', photoUrl: expected });
      const replay = subscribe(app.ws(`Bearer ${visitorToken}`), PHOTO_EVENTS, { id: sessionId, after: 0 });
      const replayed = await replay.waitFor((d) => d.chatEvents.message?.body === 'With or without a face');
      expect(replayed.chatEvents.cursor).toBe(sent.data.sendMessage.cursor);
      expect(replayed.chatEvents.message.author).toEqual({ displayName: 'Ally', photoUrl: expected });
    });
  }
});
