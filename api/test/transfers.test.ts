import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLimitsFromEnv } from '../src/platform/config';
import { CHAT_EVENTS, channelWithAgents, send, startChat, type AgentFixture } from './chat-fixtures';
import { startTestApp, subscribe, type GraphqlResult, type Subscription, type TestApp } from './harness';

let app: TestApp;
beforeAll(async () => {
  // Every test starts chats and logs agents in from 127.0.0.1: lift the per-IP limits.
  app = await startTestApp({
    chat: { ...chatLimitsFromEnv({}), startChatPerIp: { limit: 10_000, windowSeconds: 60 } },
  });
});
afterAll(() => app?.stop());

const TRANSFER = `mutation($s: ID!, $to: ID!, $note: String) { transferChat(sessionId: $s, toAgentId: $to, note: $note) {
  id status note respondedAt fromAgent { id } toAgent { id } session { id } } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(transferId: $id) { id status respondedAt fromAgent { id } toAgent { id } } }`;
const REJECT = `mutation($id: ID!) { rejectTransfer(transferId: $id) { id status respondedAt } }`;
const CANCEL = `mutation($id: ID!) { cancelTransfer(transferId: $id) { id status respondedAt } }`;
const TAKE_OVER = `mutation($id: ID!) { takeOverChat(sessionId: $id) { id status agent { id displayName } } }`;
const ACCEPT_CHAT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id status agent { id } } }`;
const END = `mutation($id: ID!) { endChat(sessionId: $id) { id status endedBy } }`;
const TYPING = `mutation($id: ID!) { setTyping(sessionId: $id, typing: true) }`;
const MARK_READ = `mutation($id: ID!, $c: Int!) { markRead(sessionId: $id, upToCursor: $c) { id agentReadCursor } }`;
const TARGETS = `query($id: ID!) { transferTargets(sessionId: $id) { id } }`;
const MY_CHATS = `{ myChats { id status agent { id } pendingTransfer { id status fromAgent { id } toAgent { id } } } }`;
const AGENT_SESSION = `query($id: ID!) { chatSession(id: $id) {
  id status lastEventSeq agent { id }
  pendingTransfer { id status note fromAgent { id } toAgent { id } }
  messages { messages { cursor authorKind systemType body author { id } } }
} }`;
const VISITOR_SESSION = `query($id: ID!) { chatSession(id: $id) {
  id status lastEventSeq unreadCount agent { id displayName }
  messages { messages { cursor authorKind systemType body } }
} }`;
const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds transferIds badges { myChats transfersToMe } } }`;

type Result = GraphqlResult<any>;
const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code;
const shownName = (f: AgentFixture) => f.agent.nickname || f.agent.name;
const eventTypes = (sub: Subscription) => sub.values().map((v) => v.chatEvents.type as string);
const systemTypes = (sub: Subscription) => sub.values().flatMap((v) => (v.chatEvents.message?.systemType ? [v.chatEvents.message.systemType as string] : []));
const TRANSFER_EVENTS = ['TRANSFER_OFFERED', 'TRANSFER_ACCEPTED', 'TRANSFER_REJECTED', 'TRANSFER_CANCELLED'];

/** A visitor's chat that `owner` has accepted from the queue. */
async function activeChat(channelId: string, owner: AgentFixture, message = 'Hello, I need help') {
  const chat = await startChat(app, channelId, message);
  const claimed = await app.gql(ACCEPT_CHAT, { id: chat.sessionId }, owner.token);
  expect(claimed.data?.acceptChat).toEqual({ id: chat.sessionId, status: 'ACTIVE', agent: { id: owner.agent.id } });
  return chat;
}

async function offer(sessionId: string, from: AgentFixture, to: AgentFixture, note?: string) {
  const result = await app.gql(TRANSFER, { s: sessionId, to: to.agent.id, note }, from.token);
  expect(result.errors).toBeUndefined();
  return result.data.transferChat as { id: string; status: string };
}

const sessionRow = (id: string) => app.services.prisma.chatSession.findUniqueOrThrow({ where: { id } });
const transferRow = (id: string) => app.services.prisma.transfer.findUniqueOrThrow({ where: { id } });

/** Sends a message and waits until every given stream has it: everything before it has been delivered too. */
async function sendAndSee(token: string, sessionId: string, body: string, streams: Subscription[]) {
  const sent = await send(app, token, sessionId, body);
  expect(sent.errors).toBeUndefined();
  await Promise.all(streams.map((s) => s.waitFor((d) => d.chatEvents.message?.body === body)));
  return sent.data.sendMessage as { id: string; cursor: number };
}

describe('transferChat: whom a chat can be offered to', () => {
  it('offers only to Present, active members of the channel who can respond', async () => {
    const { channel, agents } = await channelWithAgents(app, {
      alice: { canRespond: true },
      bob: { canRespond: true },
      carol: { canRespond: true },
      dave: { canListenIn: true, isManager: true },
      erin: { canRespond: true },
    });
    const { alice, bob, carol, dave, erin } = agents as Record<string, AgentFixture>;
    // carol goes Away through the API; erin's account is deactivated.
    const away = await app.gql(`mutation { setPresence(presence: AWAY) { id presence } }`, {}, carol!.token);
    expect(away.data.setPresence).toEqual({ id: carol!.agent.id, presence: 'AWAY' });
    await app.services.prisma.agent.update({ where: { id: erin!.agent.id }, data: { active: false } });
    // An agent who can respond and is Present, but in another channel only.
    const elsewhere = await channelWithAgents(app, { outsider: { canRespond: true } });
    const outsider = elsewhere.agents.outsider!;

    const { sessionId } = await activeChat(channel.id, alice!);
    const targets = await app.gql(TARGETS, { id: sessionId }, alice!.token);
    expect(targets.data.transferTargets).toEqual([{ id: bob!.agent.id }]);

    const before = await sessionRow(sessionId);
    for (const [who, toAgentId] of [
      ['an Away member', carol!.agent.id],
      ['a member who cannot respond', dave!.agent.id],
      ['a deactivated member', erin!.agent.id],
      ['a non-member', outsider.agent.id],
      ['an unknown agent', randomUUID()],
    ] as const) {
      const result = await app.gql(TRANSFER, { s: sessionId, to: toAgentId }, alice!.token);
      expect(result.errors?.[0]?.extensions, who).toEqual({ code: 'VALIDATION', field: 'toAgentId' });
      expect(result.errors?.[0]?.message, who).toBe('toAgentId: must be a Present member of this channel who can respond');
    }
    {
      // A malformed id argument names nothing: NOT_FOUND at the edge.
      const result = await app.gql(TRANSFER, { s: sessionId, to: 'not-an-id' }, alice!.token);
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const toSelf = await app.gql(TRANSFER, { s: sessionId, to: alice!.agent.id }, alice!.token);
    expect(toSelf.errors?.[0]?.extensions).toEqual({ code: 'VALIDATION', field: 'toAgentId' });
    expect(toSelf.errors?.[0]?.message).toBe('toAgentId: cannot transfer a chat to yourself');

    // Refused offers leave no trace.
    expect(await app.services.prisma.transfer.count({ where: { sessionId } })).toBe(0);
    expect((await sessionRow(sessionId)).lastEventSeq).toBe(before.lastEventSeq);

    const ok = await app.gql(TRANSFER, { s: sessionId, to: bob!.agent.id, note: '  Knows printers  ' }, alice!.token);
    expect(ok.data.transferChat).toEqual({
      id: expect.any(String),
      status: 'PENDING',
      note: 'Knows printers',
      respondedAt: null,
      fromAgent: { id: alice!.agent.id },
      toAgent: { id: bob!.agent.id },
      session: { id: sessionId },
    });
    const tooLong = await app.gql(TRANSFER, { s: sessionId, to: bob!.agent.id, note: 'x'.repeat(501) }, alice!.token);
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'note' });
  });

  it('lets only the agent handling an active chat offer it', async () => {
    const { channel, agents } = await channelWithAgents(app, {
      alice: { canRespond: true },
      bob: { canRespond: true },
      lisa: { canListenIn: true },
      mona: { isManager: true, canRespond: true },
    });
    const { alice, bob, lisa, mona } = agents as Record<string, AgentFixture>;
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    const stranger = await app.agentWithToken();
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);

    // Readers who do not handle the chat: FORBIDDEN. bob (can respond, no listen-in) may not read an active chat
    // of another agent, which is also FORBIDDEN. An agent outside the channel learns nothing: NOT_FOUND.
    const attempts: [string, string, string][] = [
      ['a listener', lisa!.token, 'FORBIDDEN'],
      ['a manager', mona!.token, 'FORBIDDEN'],
      ['an admin', admin.token, 'FORBIDDEN'],
      ['a responder without listen-in', bob!.token, 'FORBIDDEN'],
      ['a non-member', stranger.token, 'NOT_FOUND'],
      ['the visitor', visitorToken, 'FORBIDDEN'],
    ];
    for (const [who, token, code] of attempts) {
      const result = await app.gql(TRANSFER, { s: sessionId, to: bob!.agent.id }, token);
      expect(codeOf(result), who).toBe(code);
      expect(result.data?.transferChat ?? null, who).toBeNull();
    }
    const byManager = await app.gql(TRANSFER, { s: sessionId, to: bob!.agent.id }, mona!.token);
    expect(byManager.errors?.[0]?.message).toBe('Only the agent handling this chat can transfer it.');
    expect(await app.services.prisma.transfer.count({ where: { sessionId } })).toBe(0);

    // A queued chat has no handler yet; an ended one can no longer be transferred.
    const queued = await startChat(app, channel.id, 'Still waiting');
    expect(codeOf(await app.gql(TRANSFER, { s: queued.sessionId, to: bob!.agent.id }, alice!.token))).toBe('FORBIDDEN');
    expect((await app.gql(END, { id: sessionId }, alice!.token)).data.endChat.status).toBe('ENDED');
    const afterEnd = await app.gql(TRANSFER, { s: sessionId, to: bob!.agent.id }, alice!.token);
    expect(codeOf(afterEnd)).toBe('CONFLICT');
    expect(afterEnd.errors?.[0]?.message).toBe('Only an active chat can be transferred.');
  });

  it('allows one pending transfer at a time, also when offers race', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true }, carol: { canRespond: true } });
    const { alice, bob, carol } = agents as Record<string, AgentFixture>;
    const { sessionId } = await activeChat(channel.id, alice!);

    const first = await offer(sessionId, alice!, bob!);
    for (const target of [carol!, bob!]) {
      const again = await app.gql(TRANSFER, { s: sessionId, to: target.agent.id }, alice!.token);
      expect(codeOf(again)).toBe('CONFLICT');
      expect(again.errors?.[0]?.message).toBe('This chat already has a pending transfer; cancel it first.');
    }
    expect((await app.gql(CANCEL, { id: first.id }, alice!.token)).data.cancelTransfer.status).toBe('CANCELLED');
    const second = await offer(sessionId, alice!, carol!);
    expect(second.id).not.toBe(first.id);
    expect((await app.gql(CANCEL, { id: second.id }, alice!.token)).data.cancelTransfer.status).toBe('CANCELLED');

    // Concurrent offers: exactly one becomes the pending transfer.
    const raced = await Promise.all(
      Array.from({ length: 6 }, (_, i) => app.gql(TRANSFER, { s: sessionId, to: (i % 2 ? bob! : carol!).agent.id }, alice!.token)),
    );
    expect(raced.filter((r) => r.data?.transferChat).length).toBe(1);
    expect(raced.filter((r) => !r.data?.transferChat).map(codeOf)).toEqual(Array(5).fill('CONFLICT'));
    expect(await app.services.prisma.transfer.count({ where: { sessionId, status: 'PENDING' } })).toBe(1);
  });
});

describe('a pending transfer', () => {
  it('shows on the session and in myChats of both sides, and the target may read the chat meanwhile', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);

    // Before the offer bob may not read alice's active chat (no listen-in).
    expect(codeOf(await app.gql(AGENT_SESSION, { id: sessionId }, bob!.token))).toBe('FORBIDDEN');
    expect((await app.gql(MY_CHATS, {}, bob!.token)).data.myChats).toEqual([]);
    const bobFeed = subscribe(app.ws(`Bearer ${bob!.token}`), AGENT_EVENTS);
    await bobFeed.waitFor((d) => d.agentEvents.reasons.includes('initial'));
    expect(bobFeed.values()[0].agentEvents.badges).toEqual({ myChats: 0, transfersToMe: 0 });

    const transfer = await offer(sessionId, alice!, bob!, 'VIP customer');
    const pending = { id: transfer.id, status: 'PENDING', fromAgent: { id: alice!.agent.id }, toAgent: { id: bob!.agent.id } };
    const feedEvent = await bobFeed.waitFor((d) => d.agentEvents.transferIds.includes(transfer.id));
    expect(feedEvent.agentEvents).toMatchObject({ reasons: ['transfer'], sessionIds: [sessionId], badges: { myChats: 0, transfersToMe: 1 } });

    for (const side of [alice!, bob!]) {
      const session = await app.gql(AGENT_SESSION, { id: sessionId }, side.token);
      expect(session.errors).toBeUndefined();
      expect(session.data.chatSession).toMatchObject({
        id: sessionId,
        status: 'ACTIVE',
        agent: { id: alice!.agent.id },
        pendingTransfer: { ...pending, note: 'VIP customer' },
      });
      const mine = await app.gql(MY_CHATS, {}, side.token);
      expect(mine.data.myChats).toEqual([{ id: sessionId, status: 'ACTIVE', agent: { id: alice!.agent.id }, pendingTransfer: pending }]);
    }
    // The transfer is agents' business: a visitor asking for it is refused (and sees nothing else change).
    const visitorAsks = await app.gql(`query($id: ID!) { chatSession(id: $id) { id pendingTransfer { id } } }`, { id: sessionId }, visitorToken);
    expect(codeOf(visitorAsks)).toBe('FORBIDDEN');
    expect(visitorAsks.errors?.[0]?.path).toEqual(['chatSession', 'pendingTransfer']);

    // Cancelled: back to how it was, for bob too.
    await app.gql(CANCEL, { id: transfer.id }, alice!.token);
    await bobFeed.waitFor((d) => d.agentEvents.badges.transfersToMe === 0);
    expect((await app.gql(MY_CHATS, {}, bob!.token)).data.myChats).toEqual([]);
    expect((await app.gql(AGENT_SESSION, { id: sessionId }, alice!.token)).data.chatSession.pendingTransfer).toBeNull();
    expect(codeOf(await app.gql(AGENT_SESSION, { id: sessionId }, bob!.token))).toBe('FORBIDDEN');
    bobFeed.stop();
  });
});

describe('deciding a transfer', () => {
  it('accept: the target handles the chat, the sender becomes a read-only listener, the visitor sees only the handover', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!, 'Where is my order?');
    const visitorEvents = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const aliceEvents = subscribe(app.ws(`Bearer ${alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await sendAndSee(alice!.token, sessionId, 'Let me find a colleague.', [visitorEvents, aliceEvents]);

    const transfer = await offer(sessionId, alice!, bob!);
    await aliceEvents.waitFor((d) => d.chatEvents.type === 'TRANSFER_OFFERED');
    const accepted = await app.gql(ACCEPT, { id: transfer.id }, bob!.token);
    expect(accepted.data.acceptTransfer).toEqual({
      id: transfer.id,
      status: 'ACCEPTED',
      respondedAt: expect.any(String),
      fromAgent: { id: alice!.agent.id },
      toAgent: { id: bob!.agent.id },
    });

    // bob writes; both the visitor and alice (now listening) receive it live.
    await sendAndSee(bob!.token, sessionId, 'Hi, Bob here. Let me check.', [visitorEvents, aliceEvents]);

    // Agents see the negotiation, then the handover as three consecutive events.
    const agentSide = aliceEvents.values().map((v) => v.chatEvents);
    const offered = agentSide.find((e) => e.type === 'TRANSFER_OFFERED');
    expect(offered.transfer).toEqual({ id: transfer.id, status: 'PENDING' });
    const acceptedAt = agentSide.findIndex((e) => e.type === 'TRANSFER_ACCEPTED');
    expect(agentSide[acceptedAt].transfer).toEqual({ id: transfer.id, status: 'ACCEPTED' });
    const handover = agentSide.slice(acceptedAt, acceptedAt + 3);
    expect(handover.map((e) => e.type)).toEqual(['TRANSFER_ACCEPTED', 'MESSAGE', 'AGENT_JOINED']);
    expect(handover.map((e) => e.cursor)).toEqual([handover[0].cursor, handover[0].cursor + 1, handover[0].cursor + 2]);

    // The visitor sees who took over, never the negotiation.
    const visitorSide = visitorEvents.values().map((v) => v.chatEvents);
    expect(visitorSide.filter((e) => TRANSFER_EVENTS.includes(e.type))).toEqual([]);
    const transferred = visitorSide.filter((e) => e.message?.systemType === 'TRANSFERRED');
    expect(transferred.map((e) => e.message)).toEqual([
      {
        id: expect.any(String),
        cursor: handover[1].cursor,
        body: `${shownName(alice!)} transferred the chat to ${shownName(bob!)}.`,
        authorKind: 'SYSTEM',
        systemType: 'TRANSFERRED',
        clientMessageId: null,
        author: { id: bob!.agent.id, displayName: shownName(bob!) },
      },
    ]);
    expect(visitorSide.filter((e) => e.type === 'AGENT_JOINED').map((e) => e.agent)).toEqual([
      { id: alice!.agent.id, displayName: shownName(alice!) },
      { id: bob!.agent.id, displayName: shownName(bob!) },
    ]);
    // The same holds when the visitor replays the chat from the start (e.g. after a page reload).
    const replay = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await replay.waitFor((d) => d.chatEvents.message?.body === 'Hi, Bob here. Let me check.');
    expect(replay.values().map((v) => v.chatEvents)).toEqual(visitorSide);
    expect(eventTypes(replay).filter((t) => TRANSFER_EVENTS.includes(t))).toEqual([]);

    const visitorView = await app.gql(VISITOR_SESSION, { id: sessionId }, visitorToken);
    expect(visitorView.data.chatSession.agent).toEqual({ id: bob!.agent.id, displayName: shownName(bob!) });

    // alice may no longer write, type, mark read, end or transfer the chat…
    const aliceWrites = await send(app, alice!.token, sessionId, 'Me again');
    expect(codeOf(aliceWrites)).toBe('FORBIDDEN');
    expect(aliceWrites.errors?.[0]?.message).toBe('Only the agent handling this chat can write in it; you are listening.');
    expect(codeOf(await app.gql(TYPING, { id: sessionId }, alice!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(MARK_READ, { id: sessionId, c: 1 }, alice!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(END, { id: sessionId }, alice!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(TRANSFER, { s: sessionId, to: bob!.agent.id }, alice!.token))).toBe('FORBIDDEN');
    expect(await app.services.prisma.message.count({ where: { sessionId, body: 'Me again' } })).toBe(0);

    // …but still reads it, and can start a new subscription to follow it.
    const aliceReads = await app.gql(AGENT_SESSION, { id: sessionId }, alice!.token);
    expect(aliceReads.data.chatSession).toMatchObject({ status: 'ACTIVE', agent: { id: bob!.agent.id }, pendingTransfer: null });
    // No ack exists for a subscription's start: a replay of the last event shows that it is running.
    const resumed = subscribe(app.ws(`Bearer ${alice!.token}`), CHAT_EVENTS, { id: sessionId, after: (await sessionRow(sessionId)).lastEventSeq - 1 });
    await resumed.waitFor(() => true);
    await sendAndSee(visitorToken, sessionId, 'Thanks Bob', [aliceEvents, resumed]);
    await sendAndSee(bob!.token, sessionId, 'You are welcome', [aliceEvents, resumed, visitorEvents]);

    const aliceChats = await app.gql(MY_CHATS, {}, alice!.token);
    expect(aliceChats.data.myChats).toEqual([]);
    const bobChats = await app.gql(MY_CHATS, {}, bob!.token);
    expect(bobChats.data.myChats).toEqual([{ id: sessionId, status: 'ACTIVE', agent: { id: bob!.agent.id }, pendingTransfer: null }]);
    expect((await sessionRow(sessionId)).agentId).toBe(bob!.agent.id);
    for (const s of [visitorEvents, aliceEvents, replay, resumed]) s.stop();
  });

  it('reject: the chat stays with the sender; the rejection is shown to agents only', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const visitorEvents = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const aliceEvents = subscribe(app.ws(`Bearer ${alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });

    const transfer = await offer(sessionId, alice!, bob!);
    const rejected = await app.gql(REJECT, { id: transfer.id }, bob!.token);
    expect(rejected.data.rejectTransfer).toEqual({ id: transfer.id, status: 'REJECTED', respondedAt: expect.any(String) });
    const declinedBody = `${shownName(bob!)} declined the transfer.`;
    await aliceEvents.waitFor((d) => d.chatEvents.message?.systemType === 'TRANSFER_REJECTED');

    // The chat is still alice's: she writes, and the visitor receives it.
    await sendAndSee(alice!.token, sessionId, 'I will keep helping you.', [visitorEvents, aliceEvents]);
    expect(eventTypes(aliceEvents).filter((t) => TRANSFER_EVENTS.includes(t))).toEqual(['TRANSFER_OFFERED', 'TRANSFER_REJECTED']);
    expect(aliceEvents.values().find((v) => v.chatEvents.type === 'TRANSFER_REJECTED').chatEvents.transfer).toEqual({ id: transfer.id, status: 'REJECTED' });
    const rejectionMessage = aliceEvents.values().find((v) => v.chatEvents.message?.systemType === 'TRANSFER_REJECTED').chatEvents.message;
    expect(rejectionMessage).toMatchObject({ authorKind: 'SYSTEM', body: declinedBody, author: null });

    expect(eventTypes(visitorEvents).filter((t) => TRANSFER_EVENTS.includes(t))).toEqual([]);
    expect(systemTypes(visitorEvents)).toEqual(['WELCOME']);
    expect(visitorEvents.values().some((v) => v.chatEvents.message?.body === declinedBody)).toBe(false);

    // The same through the session's messages: agents see the note, the visitor does not.
    const asAgent = (await app.gql(AGENT_SESSION, { id: sessionId }, alice!.token)).data.chatSession;
    expect(asAgent.messages.messages.map((m: any) => m.systemType)).toEqual([null, 'WELCOME', 'TRANSFER_REJECTED', null]);
    expect(asAgent).toMatchObject({ status: 'ACTIVE', agent: { id: alice!.agent.id }, pendingTransfer: null });
    const asVisitor = (await app.gql(VISITOR_SESSION, { id: sessionId }, visitorToken)).data.chatSession;
    expect(asVisitor.messages.messages.map((m: any) => m.systemType)).toEqual([null, 'WELCOME', null]);
    expect(asVisitor.messages.messages.map((m: any) => m.cursor)).toEqual(
      asAgent.messages.messages.filter((m: any) => m.systemType !== 'TRANSFER_REJECTED').map((m: any) => m.cursor),
    );
    // Nor does it count as unread for the visitor: WELCOME and alice's message only.
    expect(asVisitor.unreadCount).toBe(2);

    // bob no longer has the chat offered, nor read access to it.
    expect((await app.gql(MY_CHATS, {}, bob!.token)).data.myChats).toEqual([]);
    expect(codeOf(await app.gql(AGENT_SESSION, { id: sessionId }, bob!.token))).toBe('FORBIDDEN');
    expect(codeOf(await send(app, bob!.token, sessionId, 'hi'))).toBe('FORBIDDEN');
    for (const s of [visitorEvents, aliceEvents]) s.stop();
  });

  it('cancel: the sender withdraws the offer; agents see it, the visitor does not', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const visitorEvents = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const aliceEvents = subscribe(app.ws(`Bearer ${alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });

    const transfer = await offer(sessionId, alice!, bob!);
    const cancelled = await app.gql(CANCEL, { id: transfer.id }, alice!.token);
    expect(cancelled.data.cancelTransfer).toEqual({ id: transfer.id, status: 'CANCELLED', respondedAt: expect.any(String) });
    const late = await app.gql(ACCEPT, { id: transfer.id }, bob!.token);
    expect(codeOf(late)).toBe('CONFLICT');
    expect(late.errors?.[0]?.message).toBe('This transfer was already cancelled.');

    await sendAndSee(alice!.token, sessionId, 'Still me.', [visitorEvents, aliceEvents]);
    const cancelEvent = aliceEvents.values().find((v) => v.chatEvents.type === 'TRANSFER_CANCELLED');
    expect(cancelEvent.chatEvents.transfer).toEqual({ id: transfer.id, status: 'CANCELLED' });
    expect(eventTypes(visitorEvents).filter((t) => TRANSFER_EVENTS.includes(t))).toEqual([]);
    // Cancelling writes no message for anyone.
    expect(systemTypes(aliceEvents)).toEqual(['WELCOME']);
    expect((await sessionRow(sessionId)).agentId).toBe(alice!.agent.id);
    for (const s of [visitorEvents, aliceEvents]) s.stop();
  });

  it('refuses decisions by the wrong agent and changes nothing', async () => {
    const { channel, agents } = await channelWithAgents(app, {
      alice: { canRespond: true },
      bob: { canRespond: true },
      carol: { canRespond: true, isManager: true },
    });
    const { alice, bob, carol } = agents as Record<string, AgentFixture>;
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const transfer = await offer(sessionId, alice!, bob!);
    const before = await sessionRow(sessionId);

    // The two parties get FORBIDDEN for the other party's decision, except that accepting answers
    // NOT_FOUND to anyone but the target, the sender included. Everyone else gets NOT_FOUND.
    const attempts: [string, string, string, string][] = [
      ['sender accepts', ACCEPT, alice!.token, 'NOT_FOUND'],
      ['sender rejects', REJECT, alice!.token, 'FORBIDDEN'],
      ['target cancels', CANCEL, bob!.token, 'FORBIDDEN'],
      ['manager accepts', ACCEPT, carol!.token, 'NOT_FOUND'],
      ['manager rejects', REJECT, carol!.token, 'NOT_FOUND'],
      ['manager cancels', CANCEL, carol!.token, 'NOT_FOUND'],
      ['admin accepts', ACCEPT, admin.token, 'NOT_FOUND'],
      ['admin cancels', CANCEL, admin.token, 'NOT_FOUND'],
      ['visitor accepts', ACCEPT, visitorToken, 'FORBIDDEN'],
      ['visitor cancels', CANCEL, visitorToken, 'FORBIDDEN'],
    ];
    for (const [what, mutation, token, code] of attempts) expect(codeOf(await app.gql(mutation, { id: transfer.id }, token)), what).toBe(code);
    expect((await app.gql(REJECT, { id: transfer.id }, alice!.token)).errors?.[0]?.message).toBe('Only the target of a transfer can reject it.');
    expect((await app.gql(CANCEL, { id: transfer.id }, bob!.token)).errors?.[0]?.message).toBe('Only the sender of a transfer can cancel it.');
    for (const id of [randomUUID(), 'not-a-transfer'])
      for (const mutation of [ACCEPT, REJECT, CANCEL]) expect(codeOf(await app.gql(mutation, { id }, bob!.token))).toBe('NOT_FOUND');

    expect(await transferRow(transfer.id)).toMatchObject({ status: 'PENDING', respondedAt: null });
    expect(await sessionRow(sessionId)).toMatchObject({ agentId: alice!.agent.id, lastEventSeq: before.lastEventSeq });
  });

  it('decides a transfer once: a second decision is a CONFLICT, also when accept and cancel race', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;

    const rejectedChat = await activeChat(channel.id, alice!);
    const rejected = await offer(rejectedChat.sessionId, alice!, bob!);
    expect((await app.gql(REJECT, { id: rejected.id }, bob!.token)).data.rejectTransfer.status).toBe('REJECTED');
    const rejectAgain = await app.gql(REJECT, { id: rejected.id }, bob!.token);
    expect(codeOf(rejectAgain)).toBe('CONFLICT');
    expect(rejectAgain.errors?.[0]?.message).toBe('This transfer was already decided.');
    expect(codeOf(await app.gql(ACCEPT, { id: rejected.id }, bob!.token))).toBe('CONFLICT');
    expect(codeOf(await app.gql(CANCEL, { id: rejected.id }, alice!.token))).toBe('CONFLICT');
    expect((await transferRow(rejected.id)).status).toBe('REJECTED');

    const acceptedChat = await activeChat(channel.id, alice!);
    const accepted = await offer(acceptedChat.sessionId, alice!, bob!);
    expect((await app.gql(ACCEPT, { id: accepted.id }, bob!.token)).data.acceptTransfer.status).toBe('ACCEPTED');
    const lastSeq = (await sessionRow(acceptedChat.sessionId)).lastEventSeq;
    const acceptAgain = await app.gql(ACCEPT, { id: accepted.id }, bob!.token);
    expect(codeOf(acceptAgain)).toBe('CONFLICT');
    expect(acceptAgain.errors?.[0]?.message).toBe('This transfer was already accepted.');
    expect(codeOf(await app.gql(REJECT, { id: accepted.id }, bob!.token))).toBe('CONFLICT');
    expect(codeOf(await app.gql(CANCEL, { id: accepted.id }, alice!.token))).toBe('CONFLICT');
    expect(await sessionRow(acceptedChat.sessionId)).toMatchObject({ agentId: bob!.agent.id, lastEventSeq: lastSeq });
    expect(await app.services.prisma.message.count({ where: { sessionId: acceptedChat.sessionId, systemType: 'TRANSFERRED' } })).toBe(1);

    // The target accepts while the sender cancels: exactly one of them wins, and the chat agrees.
    for (let round = 0; round < 3; round++) {
      const racedChat = await activeChat(channel.id, alice!);
      const raced = await offer(racedChat.sessionId, alice!, bob!);
      const [acceptResult, cancelResult] = await Promise.all([app.gql(ACCEPT, { id: raced.id }, bob!.token), app.gql(CANCEL, { id: raced.id }, alice!.token)]);
      const winners = [acceptResult.data?.acceptTransfer, cancelResult.data?.cancelTransfer].filter(Boolean);
      expect(winners).toHaveLength(1);
      expect([codeOf(acceptResult), codeOf(cancelResult)].filter(Boolean)).toEqual(['CONFLICT']);
      const row = await transferRow(raced.id);
      const session = await sessionRow(racedChat.sessionId);
      if (acceptResult.data?.acceptTransfer) expect([row.status, session.agentId]).toEqual(['ACCEPTED', bob!.agent.id]);
      else expect([row.status, session.agentId]).toEqual(['CANCELLED', alice!.agent.id]);
    }
  });

  it('cancels a transfer still pending when the chat ends', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true } });
    const { alice, bob } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const aliceEvents = subscribe(app.ws(`Bearer ${alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const visitorEvents = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const transfer = await offer(sessionId, alice!, bob!);
    expect((await app.gql(MY_CHATS, {}, bob!.token)).data.myChats.map((c: any) => c.id)).toEqual([sessionId]);

    // The visitor leaves while bob is still deciding.
    expect((await app.gql(END, { id: sessionId }, visitorToken)).data.endChat).toEqual({ id: sessionId, status: 'ENDED', endedBy: 'VISITOR' });
    expect(await transferRow(transfer.id)).toMatchObject({ status: 'CANCELLED', respondedAt: expect.any(Date) });
    expect((await app.gql(AGENT_SESSION, { id: sessionId }, alice!.token)).data.chatSession.pendingTransfer).toBeNull();
    expect((await app.gql(MY_CHATS, {}, bob!.token)).data.myChats).toEqual([]);
    const late = await app.gql(ACCEPT, { id: transfer.id }, bob!.token);
    expect(codeOf(late)).toBe('CONFLICT');
    expect(late.errors?.[0]?.message).toBe('This transfer was already cancelled.');
    expect((await sessionRow(sessionId)).agentId).toBe(alice!.agent.id);

    // The agents' event log closes the transfer too, before the chat's end; the visitor sees only the end.
    await aliceEvents.waitFor((d) => d.chatEvents.status === 'ENDED');
    await visitorEvents.waitFor((d) => d.chatEvents.status === 'ENDED');
    const tail = aliceEvents
      .values()
      .map((v) => v.chatEvents)
      .slice(-3);
    expect(tail.map((e) => [e.type, e.transfer?.status ?? e.message?.systemType ?? e.status])).toEqual([
      ['TRANSFER_CANCELLED', 'CANCELLED'],
      ['MESSAGE', 'CLOSED_BY_VISITOR'],
      ['STATUS_CHANGED', 'ENDED'],
    ]);
    expect(eventTypes(visitorEvents).filter((t) => TRANSFER_EVENTS.includes(t))).toEqual([]);
    for (const s of [aliceEvents, visitorEvents]) s.stop();
  });
});

describe('takeOverChat', () => {
  it('lets a channel manager take an active chat; the previous agent becomes a read-only listener', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true }, mona: { isManager: true } });
    const { alice, bob, mona } = agents as Record<string, AgentFixture>;
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const visitorEvents = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const aliceEvents = subscribe(app.ws(`Bearer ${alice!.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    // A pending transfer is overtaken by the takeover.
    const transfer = await offer(sessionId, alice!, bob!);

    const taken = await app.gql(TAKE_OVER, { id: sessionId }, mona!.token);
    expect(taken.data.takeOverChat).toEqual({ id: sessionId, status: 'ACTIVE', agent: { id: mona!.agent.id, displayName: shownName(mona!) } });
    expect((await transferRow(transfer.id)).status).toBe('CANCELLED');
    expect(codeOf(await app.gql(ACCEPT, { id: transfer.id }, bob!.token))).toBe('CONFLICT');

    await sendAndSee(mona!.token, sessionId, 'Mona here, I am the team lead.', [visitorEvents, aliceEvents]);
    const agentSide = aliceEvents.values().map((v) => v.chatEvents);
    expect(agentSide.filter((e) => TRANSFER_EVENTS.includes(e.type)).map((e) => [e.type, e.transfer])).toEqual([
      ['TRANSFER_OFFERED', { id: transfer.id, status: 'PENDING' }],
      ['TRANSFER_CANCELLED', { id: transfer.id, status: 'CANCELLED' }],
    ]);
    const visitorSide = visitorEvents.values().map((v) => v.chatEvents);
    expect(visitorSide.filter((e) => e.message?.systemType === 'TAKEN_OVER').map((e) => e.message.body)).toEqual([`${shownName(mona!)} took over the chat.`]);
    expect(visitorSide.filter((e) => e.type === 'AGENT_JOINED').map((e) => e.agent.id)).toEqual([alice!.agent.id, mona!.agent.id]);
    expect(visitorSide.filter((e) => TRANSFER_EVENTS.includes(e.type))).toEqual([]);

    // alice: read-only.
    expect(codeOf(await send(app, alice!.token, sessionId, 'But I was helping'))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(TYPING, { id: sessionId }, alice!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(MARK_READ, { id: sessionId, c: 1 }, alice!.token))).toBe('FORBIDDEN');
    expect((await app.gql(AGENT_SESSION, { id: sessionId }, alice!.token)).data.chatSession).toMatchObject({
      agent: { id: mona!.agent.id },
      pendingTransfer: null,
    });
    await sendAndSee(visitorToken, sessionId, 'Hello Mona', [aliceEvents]);
    expect((await app.gql(MY_CHATS, {}, alice!.token)).data.myChats).toEqual([]);
    expect((await app.gql(MY_CHATS, {}, mona!.token)).data.myChats.map((c: any) => c.id)).toEqual([sessionId]);
    for (const s of [visitorEvents, aliceEvents]) s.stop();
  });

  it('refuses agents who do not manage the channel', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true }, bob: { canRespond: true }, lisa: { canListenIn: true } });
    const { alice, bob, lisa } = agents as Record<string, AgentFixture>;
    const otherChannel = await channelWithAgents(app, { otherManager: { isManager: true, canRespond: true } });
    const { sessionId, visitorToken } = await activeChat(channel.id, alice!);
    const before = await sessionRow(sessionId);

    const attempts: [string, string, string][] = [
      ['a listener', lisa!.token, 'FORBIDDEN'],
      ['a responder', bob!.token, 'FORBIDDEN'],
      ['a manager of another channel', otherChannel.agents.otherManager!.token, 'NOT_FOUND'],
      ['the visitor', visitorToken, 'FORBIDDEN'],
    ];
    for (const [who, token, code] of attempts) expect(codeOf(await app.gql(TAKE_OVER, { id: sessionId }, token)), who).toBe(code);
    expect((await app.gql(TAKE_OVER, { id: sessionId }, lisa!.token)).errors?.[0]?.message).toBe('Only a manager of this channel can take over a chat.');
    expect(await sessionRow(sessionId)).toMatchObject({ agentId: alice!.agent.id, lastEventSeq: before.lastEventSeq });
    expect(await app.services.prisma.transfer.count({ where: { sessionId } })).toBe(0);
  });

  it('lets an admin take over any chat, also a waiting one', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const { alice } = agents as Record<string, AgentFixture>;
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    const { sessionId } = await activeChat(channel.id, alice!);
    const taken = await app.gql(TAKE_OVER, { id: sessionId }, admin.token);
    expect(taken.data.takeOverChat).toMatchObject({ id: sessionId, status: 'ACTIVE', agent: { id: admin.agent.id } });
    expect(codeOf(await send(app, alice!.token, sessionId, 'hi'))).toBe('FORBIDDEN');
    expect((await send(app, admin.token, sessionId, 'Admin here')).data.sendMessage.authorKind).toBe('AGENT');
    expect((await app.gql(AGENT_SESSION, { id: sessionId }, alice!.token)).data.chatSession.agent).toEqual({ id: admin.agent.id });

    const waiting = await startChat(app, channel.id, 'Anyone?');
    const visitorEvents = subscribe(app.ws(`Bearer ${waiting.visitorToken}`), CHAT_EVENTS, { id: waiting.sessionId, after: 0 });
    const fromQueue = await app.gql(TAKE_OVER, { id: waiting.sessionId }, admin.token);
    expect(fromQueue.data.takeOverChat).toMatchObject({ id: waiting.sessionId, status: 'ACTIVE', agent: { id: admin.agent.id } });
    await visitorEvents.waitFor((d) => d.chatEvents.type === 'STATUS_CHANGED' && d.chatEvents.status === 'ACTIVE');
    expect(await app.services.prisma.transfer.count({ where: { sessionId: waiting.sessionId } })).toBe(0);
    visitorEvents.stop();
  });
});

describe('accepting after losing the right to respond', () => {
  it('is FORBIDDEN, and the chat stays with the sender', async () => {
    const { channel, agents } = await channelWithAgents(app, { owner: { canRespond: true }, target: { canRespond: true } });
    const { sessionId } = await activeChat(channel.id, agents.owner!);
    const transfer = await offer(sessionId, agents.owner!, agents.target!);
    await app.services.prisma.channelMember.update({
      where: { channelId_agentId: { channelId: channel.id, agentId: agents.target!.agent.id } },
      data: { canRespond: false },
    });
    const accepted = await app.gql(ACCEPT, { id: transfer.id }, agents.target!.token);
    expect(codeOf(accepted)).toBe('FORBIDDEN');
    expect((await sessionRow(sessionId)).agentId).toBe(agents.owner!.agent.id);
    expect((await transferRow(transfer.id)).status).toBe('PENDING');
    expect((await app.gql(REJECT, { id: transfer.id }, agents.target!.token)).data.rejectTransfer.status).toBe('REJECTED');
  });
});
