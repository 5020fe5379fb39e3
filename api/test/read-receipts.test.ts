import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEventDto } from '../src/modules/chats/chat-dto';
import type { Principal } from '../src/platform/principal';
import { NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { startTestApp, statementsSoFar, type TestApp } from './harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

async function activeChat() {
  const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
  const alice = agents.alice!;
  const { sessionId, visitorToken } = await startChat(app, channel.id, 'first');
  expect((await app.gql(NEXT, {}, alice.token)).data.getNextInQueue.id).toBe(sessionId);
  for (const body of ['second', 'third']) expect((await send(app, visitorToken, sessionId, body)).errors).toBeUndefined();
  expect((await send(app, alice.token, sessionId, 'an answer')).errors).toBeUndefined();
  const session = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId }, include: { visitor: true } });
  const agentPrincipal: Principal = { kind: 'agent', agent: alice.agent, authSessionId: 'test' };
  const visitorPrincipal: Principal = { kind: 'visitor', visitor: session.visitor };
  return { sessionId, session, alice, agentPrincipal, visitorPrincipal };
}

describe('markRead', () => {
  it('moves the reader’s side, stamps the messages it read, and stores and publishes one READ event', async () => {
    const { sessionId, session, agentPrincipal, visitorPrincipal } = await activeChat();
    const newest = session.lastEventSeq;
    const live: ChatEventDto[] = [];
    const stop = app.services.bus.listen('chat', sessionId, (event) => live.push(event as ChatEventDto));

    // Past the newest event: read up to the newest.
    await app.services.chats.markRead(agentPrincipal, sessionId, newest + 50);
    const afterAgent = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(afterAgent).toMatchObject({ agentReadSeq: newest, visitorReadSeq: session.visitorReadSeq, lastEventSeq: newest + 1 });
    const messages = await app.services.prisma.message.findMany({ where: { sessionId }, orderBy: { seq: 'asc' } });
    for (const m of messages)
      expect({ seq: m.seq, author: m.authorKind, read: m.readAt !== null }).toEqual({ seq: m.seq, author: m.authorKind, read: m.authorKind === 'VISITOR' });

    await app.services.chats.markRead(visitorPrincipal, sessionId, newest);
    stop();
    const afterVisitor = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(afterVisitor).toMatchObject({ agentReadSeq: newest, visitorReadSeq: newest, lastEventSeq: newest + 2 });
    const stamped = await app.services.prisma.message.findMany({ where: { sessionId, readAt: null } });
    expect(stamped).toEqual([]);

    const rows = await app.services.prisma.chatEvent.findMany({ where: { sessionId, seq: { gt: newest } }, orderBy: { seq: 'asc' } });
    expect(rows.map(({ seq, type, payload }) => ({ seq, type, payload }))).toEqual([
      { seq: newest + 1, type: 'READ', payload: { type: 'READ', audience: 'ALL', read: { by: 'AGENT', upToCursor: newest } } },
      { seq: newest + 2, type: 'READ', payload: { type: 'READ', audience: 'ALL', read: { by: 'VISITOR', upToCursor: newest } } },
    ]);
    // Live subscribers get exactly what a resuming one replays.
    expect(live).toEqual(await app.services.events.eventsAfter(sessionId, newest));
  });

  it('changes nothing when the receipt does not move the reader forward', async () => {
    const { sessionId, session, agentPrincipal } = await activeChat();
    await app.services.chats.markRead(agentPrincipal, sessionId, session.lastEventSeq);
    const read = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    await app.services.chats.markRead(agentPrincipal, sessionId, session.lastEventSeq - 1);
    await app.services.chats.markRead(agentPrincipal, sessionId, session.lastEventSeq);
    expect(await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).toEqual(read);
  });

  it('is one database statement for the handling agent and for the visitor', async () => {
    const { sessionId, visitorPrincipal, agentPrincipal, alice } = await activeChat();
    const perReceipt: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await send(app, alice.token, sessionId, `reply ${i}`)).errors).toBeUndefined();
      const { lastEventSeq } = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
      let before = await statementsSoFar(app);
      await app.services.chats.markRead(visitorPrincipal, sessionId, lastEventSeq);
      perReceipt.push((await statementsSoFar(app)) - before);
      before = await statementsSoFar(app);
      await app.services.chats.markRead(agentPrincipal, sessionId, lastEventSeq);
      perReceipt.push((await statementsSoFar(app)) - before);
    }
    // The minimum: a background statement (an idle sweep) may land inside one of the windows.
    expect(Math.min(...perReceipt.filter((_, i) => i % 2 === 0))).toBe(1);
    expect(Math.min(...perReceipt.filter((_, i) => i % 2 === 1))).toBe(1);
  });
});
