import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEventDto } from '../src/modules/chats/chat-dto';
import { channelWithAgents, startChat } from './chat-fixtures';
import { startTestApp, statementsSoFar, type TestApp } from './harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

describe('a queue claim', () => {
  for (const showAgentPhoto of [true, false]) {
    it(`stores AGENT_JOINED, STATUS_CHANGED and the WELCOME message at the next cursors, and publishes exactly what it stored (showAgentPhoto ${showAgentPhoto})`, async () => {
      const { channel, agents } = await channelWithAgents(
        app,
        { alice: { canRespond: true } },
        { welcomeMessage: 'Hello from "Alice" \\ support', showAgentPhoto },
      );
      const agent = await app.services.prisma.agent.update({
        where: { id: agents.alice!.agent.id },
        data: { nickname: 'Ali', photoUrl: 'https://example.com/ali.png' },
      });
      const { sessionId } = await startChat(app, channel.id, 'Anyone there?');
      const before = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
      const live: ChatEventDto[] = [];
      const stop = app.services.bus.listen('chat', sessionId, (event) => live.push(event as ChatEventDto));

      const claimed = await app.services.queue.claimNext(agent);
      stop();
      expect(claimed).toMatchObject({ id: sessionId, status: 'ACTIVE', agentId: agent.id, lastEventSeq: before.lastEventSeq + 3 });
      expect(claimed).toEqual(await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } }));

      const shown = { id: agent.id, displayName: 'Ali', photoUrl: showAgentPhoto ? 'https://example.com/ali.png' : null };
      const rows = await app.services.prisma.chatEvent.findMany({ where: { sessionId, seq: { gt: before.lastEventSeq } }, orderBy: { seq: 'asc' } });
      const [welcome] = await app.services.prisma.message.findMany({ where: { sessionId, systemType: 'WELCOME' } });
      expect(welcome).toMatchObject({
        seq: before.lastEventSeq + 3,
        authorKind: 'SYSTEM',
        agentId: agent.id,
        body: channel.welcomeMessage,
        clientMessageId: null,
      });
      expect(rows.map(({ seq, type, payload }) => ({ seq, type, payload }))).toEqual([
        { seq: before.lastEventSeq + 1, type: 'AGENT_JOINED', payload: { type: 'AGENT_JOINED', audience: 'ALL', agent: shown } },
        { seq: before.lastEventSeq + 2, type: 'STATUS_CHANGED', payload: { type: 'STATUS_CHANGED', audience: 'ALL', status: 'ACTIVE', agent: shown } },
        {
          seq: before.lastEventSeq + 3,
          type: 'MESSAGE',
          payload: {
            type: 'MESSAGE',
            audience: 'ALL',
            message: {
              id: welcome!.id,
              authorKind: 'SYSTEM',
              systemType: 'WELCOME',
              body: 'Hello from "Alice" \\ support',
              clientMessageId: null,
              createdAt: welcome!.createdAt.toISOString(),
              author: shown,
              attachments: [],
            },
          },
        },
      ]);
      // What subscribers got live is what a resuming subscriber replays from the log.
      expect(JSON.parse(JSON.stringify(live))).toEqual(JSON.parse(JSON.stringify(await app.services.events.eventsAfter(sessionId, before.lastEventSeq))));
      expect(live.map((e) => e.cursor)).toEqual([1, 2, 3].map((n) => before.lastEventSeq + n));
    });
  }

  it('is one database statement, not a transaction of round trips', async () => {
    const { channel, agents } = await channelWithAgents(app, { bob: { canRespond: true } });
    for (let i = 0; i < 3; i++) await startChat(app, channel.id, `waiting ${i}`);
    const perClaim: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await statementsSoFar(app);
      expect(await app.services.queue.claimNext(agents.bob!.agent, [channel.id])).not.toBeNull();
      perClaim.push((await statementsSoFar(app)) - before);
    }
    // The minimum: a background statement (an idle sweep) may land inside one of the windows.
    expect(Math.min(...perClaim)).toBe(1);
    const before = await statementsSoFar(app);
    expect(await app.services.queue.claimNext(agents.bob!.agent, [channel.id])).toBeNull();
    expect((await statementsSoFar(app)) - before).toBeLessThanOrEqual(1);
  });
});
