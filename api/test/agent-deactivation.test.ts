import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENTS, channelWithAgents, send, startChat, type AgentFixture } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';
import { dataOf, roomyLimits } from './knowledge-fixtures';

// A deactivated agent must not take chats with them: a visitor they were answering goes back to
// the queue and is told so, and transfers they offered or were offered are cancelled.
const DEACTIVATE = `mutation($id: ID!) { updateAgent(id: $id, input: { active: false }) { id active } }`;
const ACCEPT_CHAT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id status agent { id } } }`;
const TRANSFER = `mutation($s: ID!, $to: ID!) { transferChat(sessionId: $s, toAgentId: $to) { id status } }`;
const NEXT = `mutation { getNextInQueue { id status agent { id } } }`;
const QUEUE_STATUS = `subscription($id: ID!) { queueStatus(sessionId: $id) { sessionId status position queueLength } }`;
const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds transferIds badges { incoming myChats transfersToMe } } }`;
const SESSION = `query($id: ID!) { chatSession(id: $id) {
  status agent { id } pendingTransfer { id }
  messages { messages { authorKind systemType body } }
} }`;

type ChatEventData = {
  chatEvents: {
    type: string;
    status: string | null;
    message: { authorKind: string; systemType: string | null; body: string } | null;
    transfer: { id: string; status: string } | null;
  };
};
type QueueStatusData = { queueStatus: { sessionId: string; status: string; position: number | null; queueLength: number } };
type AgentEventData = {
  agentEvents: { reasons: string[]; sessionIds: string[]; transferIds: string[]; badges: { incoming: number; myChats: number; transfersToMe: number } };
};

let app: TestApp;
let admin: AgentFixture;
beforeAll(async () => {
  app = await startTestApp(roomyLimits);
  admin = await app.agentWithToken({ role: 'ADMIN' });
});
afterAll(() => app?.stop());

async function chatHandledBy(channelId: string, agent: AgentFixture, message: string) {
  const chat = await startChat(app, channelId, message);
  expect(dataOf(await app.gql(ACCEPT_CHAT, { id: chat.sessionId }, agent.token)).acceptChat.agent).toEqual({ id: agent.agent.id });
  return chat;
}

describe('deactivating an agent', () => {
  it('puts their chats back in the queue, tells the visitor live, and cancels the transfers they offered or were offered', async () => {
    const { channel, agents } = await channelWithAgents(app, { leaver: { canRespond: true }, colleague: { canRespond: true } });
    const leaver = agents.leaver!;
    const colleague = agents.colleague!;

    const waiting = await chatHandledBy(channel.id, leaver, 'My order never arrived');
    const offeredAway = await chatHandledBy(channel.id, leaver, 'Can I change my address?');
    const offeredToLeaver = await chatHandledBy(channel.id, colleague, 'Billing question');
    const outgoing = dataOf(await app.gql(TRANSFER, { s: offeredAway.sessionId, to: colleague.agent.id }, leaver.token)).transferChat;
    const incoming = dataOf(await app.gql(TRANSFER, { s: offeredToLeaver.sessionId, to: leaver.agent.id }, colleague.token)).transferChat;
    expect(dataOf(await send(app, leaver.token, waiting.sessionId, 'Let me check that for you.')).sendMessage.authorKind).toBe('AGENT');

    // The visitor's widget and the colleague's console, over real WebSockets.
    const visitorEvents = subscribe<ChatEventData>(app.ws(`Bearer ${waiting.visitorToken}`), CHAT_EVENTS, { id: waiting.sessionId });
    const visitorQueue = subscribe<QueueStatusData>(app.ws(`Bearer ${waiting.visitorToken}`), QUEUE_STATUS, { id: waiting.sessionId });
    const colleagueEvents = subscribe<AgentEventData>(app.ws(`Bearer ${colleague.token}`), AGENT_EVENTS);
    const colleagueChat = subscribe<ChatEventData>(app.ws(`Bearer ${colleague.token}`), CHAT_EVENTS, { id: offeredToLeaver.sessionId });
    await visitorQueue.waitFor((d) => d.queueStatus.status === 'ACTIVE');
    await colleagueEvents.waitFor((d) => d.agentEvents.reasons.includes('initial'));
    // Subscriptions without `after` start at the head: wait until both are listening.
    await send(app, waiting.visitorToken, waiting.sessionId, 'Thanks!');
    await visitorEvents.waitFor((d) => d.chatEvents.message?.body === 'Thanks!');
    await send(app, offeredToLeaver.visitorToken, offeredToLeaver.sessionId, 'Still there?');
    await colleagueChat.waitFor((d) => d.chatEvents.message?.body === 'Still there?');

    expect(dataOf(await app.gql(DEACTIVATE, { id: leaver.agent.id }, admin.token)).updateAgent).toEqual({ id: leaver.agent.id, active: false });

    // The visitor reads why, sees the chat waiting again, and gets a place in line.
    const notice = await visitorEvents.waitFor((d) => d.chatEvents.message?.systemType === 'RETURNED_TO_QUEUE');
    expect(notice.chatEvents.message).toMatchObject({
      authorKind: 'SYSTEM',
      body: `${leaver.agent.name} is no longer available, so the chat is back in the queue. The next free agent will answer.`,
    });
    await visitorEvents.waitFor((d) => d.chatEvents.type === 'STATUS_CHANGED' && d.chatEvents.status === 'QUEUED');
    const place = await visitorQueue.waitFor((d) => d.queueStatus.status === 'QUEUED');
    expect(place.queueStatus.position).toBeGreaterThanOrEqual(1);
    // The pending offer of the leaver's other chat is cancelled; it waits in the queue too.
    for (const sessionId of [waiting.sessionId, offeredAway.sessionId]) {
      const session = dataOf(await app.gql(SESSION, { id: sessionId }, admin.token)).chatSession;
      expect(session).toMatchObject({ status: 'QUEUED', agent: null, pendingTransfer: null });
      expect(session.messages.messages.at(-1)).toMatchObject({ authorKind: 'SYSTEM', systemType: 'RETURNED_TO_QUEUE' });
    }
    const transferStatus = (sessionId: string) => app.services.prisma.transfer.findMany({ where: { sessionId }, select: { id: true, status: true } });
    expect(await transferStatus(offeredAway.sessionId)).toEqual([{ id: outgoing.id, status: 'CANCELLED' }]);

    // The colleague's offer to the leaver is withdrawn; the chat stays theirs, and they are told.
    expect(await transferStatus(offeredToLeaver.sessionId)).toEqual([{ id: incoming.id, status: 'CANCELLED' }]);
    const cancelled = await colleagueChat.waitFor((d) => d.chatEvents.type === 'TRANSFER_CANCELLED');
    expect(cancelled.chatEvents.transfer).toEqual({ id: incoming.id, status: 'CANCELLED' });
    expect(dataOf(await app.gql(SESSION, { id: offeredToLeaver.sessionId }, colleague.token)).chatSession).toMatchObject({
      status: 'ACTIVE',
      agent: { id: colleague.agent.id },
      pendingTransfer: null,
    });
    await colleagueEvents.waitFor((d) => d.agentEvents.transferIds.includes(incoming.id));
    await colleagueEvents.waitFor((d) => d.agentEvents.reasons.includes('queue') && d.agentEvents.sessionIds.includes(waiting.sessionId));
    await colleagueEvents.waitFor((d) => d.agentEvents.badges.incoming === 2);

    // The next free agent answers, and the visitor sees them join.
    const taken = dataOf(await app.gql(NEXT, {}, colleague.token)).getNextInQueue;
    expect(taken).toEqual({ id: waiting.sessionId, status: 'ACTIVE', agent: { id: colleague.agent.id } });
    await visitorEvents.waitFor(
      (d) =>
        d.chatEvents.type === 'STATUS_CHANGED' &&
        d.chatEvents.status === 'ACTIVE' &&
        visitorEvents.values().some((v) => v.chatEvents.message?.systemType === 'RETURNED_TO_QUEUE'),
    );
    await visitorQueue.waitFor(
      (d) => d.queueStatus.status === 'ACTIVE' && d.queueStatus.position === null && visitorQueue.values().some((v) => v.queueStatus.status === 'QUEUED'),
    );

    for (const sub of [visitorEvents, visitorQueue, colleagueEvents, colleagueChat]) {
      expect(sub.results.filter((r) => r.errors)).toEqual([]);
      sub.stop();
    }
  });

  it('refuses a claim that was already under way when the account was deactivated', async () => {
    const { channel, agents } = await channelWithAgents(app, { leaver: { canRespond: true, isManager: true }, colleague: { canRespond: true } });
    // The request authenticated before the deactivation: it holds the agent as they were then.
    const stale = await app.services.prisma.agent.findUniqueOrThrow({ where: { id: agents.leaver!.agent.id } });
    const queued = await startChat(app, channel.id, 'Anyone?');
    const handled = await chatHandledBy(channel.id, agents.colleague!, 'Hi');
    dataOf(await app.gql(DEACTIVATE, { id: stale.id }, admin.token));

    const deactivated = { code: 'FORBIDDEN', message: 'Your account has been deactivated.' };
    await expect(app.services.queue.claimNext(stale, [channel.id])).rejects.toMatchObject(deactivated);
    await expect(app.services.queue.accept(stale, queued.sessionId)).rejects.toMatchObject(deactivated);
    await expect(app.services.transfers.takeOver(stale, handled.sessionId)).rejects.toMatchObject(deactivated);
    expect(dataOf(await app.gql(SESSION, { id: queued.sessionId }, admin.token)).chatSession).toMatchObject({ status: 'QUEUED', agent: null });
    expect(dataOf(await app.gql(SESSION, { id: handled.sessionId }, admin.token)).chatSession).toMatchObject({
      status: 'ACTIVE',
      agent: { id: agents.colleague!.agent.id },
    });
  });

  it('changes nothing for the chats of an agent whose other details change, or who is deactivated again', async () => {
    const { channel, agents } = await channelWithAgents(app, { keeper: { canRespond: true } });
    const keeper = agents.keeper!;
    const chat = await chatHandledBy(channel.id, keeper, 'Hello');
    dataOf(await app.gql(`mutation($id: ID!) { updateAgent(id: $id, input: { name: "Renamed" }) { id } }`, { id: keeper.agent.id }, admin.token));
    expect(dataOf(await app.gql(SESSION, { id: chat.sessionId }, admin.token)).chatSession).toMatchObject({ status: 'ACTIVE', agent: { id: keeper.agent.id } });

    dataOf(await app.gql(DEACTIVATE, { id: keeper.agent.id }, admin.token));
    const once = dataOf(await app.gql(SESSION, { id: chat.sessionId }, admin.token)).chatSession.messages.messages;
    dataOf(await app.gql(DEACTIVATE, { id: keeper.agent.id }, admin.token));
    expect(dataOf(await app.gql(SESSION, { id: chat.sessionId }, admin.token)).chatSession.messages.messages).toEqual(once);
    expect(once.filter((m: { systemType: string | null }) => m.systemType === 'RETURNED_TO_QUEUE')).toHaveLength(1);
  });
});
