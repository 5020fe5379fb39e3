import { describe, expect, it } from 'vitest';
import { chatLimitsFromEnv } from '../src/platform/config';
import { CHAT_EVENTS, NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { cursorsOf, range, storedCursors } from './chat-stream-checks';
import { startTestApp, subscribe, tempDir, type TestApp } from './harness';

// The embedded server restarts on its data folder (a deploy, a crash-free restart): a client
// that reconnects with `after` gets exactly what it missed, before and after the restart.
describe('resuming chatEvents across a server restart (embedded PGlite on a data folder)', () => {
  it('replays the events missed before the stop and those written after the start', async () => {
    const { dir, remove } = await tempDir('lc-resume-restart-');
    const chat = { ...chatLimitsFromEnv({}), sendMessagePerVisitor: { limit: 1000, windowSeconds: 10 } };
    let first: TestApp | null = null;
    let second: TestApp | null = null;
    try {
      first = await startTestApp({ dataDir: dir, chat });
      expect(first.databaseEngine).toBe('pglite');
      const { channel, agents } = await channelWithAgents(first, { erin: { canRespond: true } });
      const erin = agents.erin!;
      const { sessionId, visitorToken } = await startChat(first, channel.id, 'Before the restart');
      expect((await first.gql(NEXT, { ids: [channel.id] }, erin.token)).data.getNextInQueue.status).toBe('ACTIVE');

      // The visitor chats live, then loses the connection.
      const visitorSocket = first.ws(`Bearer ${visitorToken}`);
      const live = subscribe(visitorSocket, CHAT_EVENTS, { id: sessionId, after: 0 });
      const hello = await send(first, erin.token, sessionId, 'Hello before restart');
      await live.waitFor((d) => d.chatEvents.cursor === hello.data.sendMessage.cursor);
      await visitorSocket.dispose();
      const seen = cursorsOf(live);
      const lastSeen = seen[seen.length - 1]!;
      expect(seen).toEqual(range(1, lastSeen));

      // Missed before the stop.
      const missed = [await send(first, erin.token, sessionId, 'missed 1 (before stop)'), await send(first, visitorToken, sessionId, 'missed 2 (before stop)')];
      await first.stop();
      first = null;

      second = await startTestApp({ dataDir: dir, chat });
      // Tokens, the chat and its log survived; written after the start, over HTTP.
      missed.push(await send(second, visitorToken, sessionId, 'missed 3 (after start)'), await send(second, erin.token, sessionId, 'missed 4 (after start)'));
      for (const ack of missed) expect(ack.errors).toBeUndefined();
      const acked = missed.map((r) => r.data.sendMessage as { id: string; cursor: number; body: string });
      expect(acked.map((m) => m.cursor)).toEqual(range(lastSeen + 1, lastSeen + 4));

      const resumed = subscribe(second.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: lastSeen });
      await resumed.waitFor((d) => d.chatEvents.cursor === lastSeen + 4);
      const after = await send(second, erin.token, sessionId, 'live after restart');
      await resumed.waitFor((d) => d.chatEvents.cursor === after.data.sendMessage.cursor);

      expect(cursorsOf(resumed)).toEqual(range(lastSeen + 1, lastSeen + 5));
      expect(resumed.values().map((v) => v.chatEvents.message?.body)).toEqual([...acked.map((m) => m.body), 'live after restart']);
      expect(
        resumed
          .values()
          .map((v) => v.chatEvents.message?.id)
          .slice(0, 4),
      ).toEqual(acked.map((m) => m.id));
      expect([...seen, ...cursorsOf(resumed)]).toEqual(await storedCursors(second.services.prisma, sessionId, 'visitor'));
      // Nothing stored twice, nothing skipped, across the restart.
      const messages = await second.services.prisma.message.findMany({ where: { sessionId }, orderBy: { seq: 'asc' }, select: { seq: true } });
      expect(new Set(messages.map((m) => m.seq)).size).toBe(messages.length);
      expect((await second.services.prisma.chatEvent.findMany({ where: { sessionId }, orderBy: { seq: 'asc' } })).map((e) => e.seq)).toEqual(
        range(1, lastSeen + 5),
      );
      resumed.stop();
    } finally {
      await first?.stop();
      await second?.stop();
      await remove();
    }
  });
});
