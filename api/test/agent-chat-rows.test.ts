import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelWithAgents, send, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';

// agentEvents' `chats`: the rows a message or read receipt changed, computed from the signal and
// the subscription's memory. They must say exactly what a fresh read of `myChats` says.
const FEED = `subscription { agentEvents { reasons sessionIds badges { myChats unread }
  chats { sessionId lastEventCursor lastActivityAt lastMessageAt lastMessageAuthor unreadCount agentReadCursor
    lastMessage { id cursor body authorKind systemType attachments { fileName } } } } }`;
const MY_CHATS = `{ myChats { id status lastEventSeq lastActivityAt lastMessageAt lastMessageAuthor unreadCount agentReadCursor
  messages(last: 1) { messages { id cursor body authorKind systemType attachments { fileName } } } } }`;
const ACCEPT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`;
const MARK_READ = `mutation($id: ID!, $upTo: Int!) { markRead(sessionId: $id, upToCursor: $upTo) { id agentReadCursor } }`;
const PRESENCE = `mutation($p: Presence!) { setPresence(presence: $p) { presence } }`;

interface Row {
  sessionId: string;
  lastEventCursor: number;
  lastActivityAt: string;
  lastMessageAt: string | null;
  lastMessageAuthor: string | null;
  unreadCount: number;
  agentReadCursor: number;
  lastMessage: { id: string; cursor: number; body: string; authorKind: string; systemType: string | null; attachments: { fileName: string }[] } | null;
}
type Feed = { agentEvents: { reasons: string[]; sessionIds: string[]; badges: { myChats: number; unread: number }; chats: Row[] } };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

describe('agentEvents chat rows', () => {
  it('match a fresh read of myChats and the badges after a mixed sequence of messages and reads, and reach only the handling agent', async () => {
    const { channel, agents } = await channelWithAgents(app, {
      owner: { canRespond: true },
      colleague: { canRespond: true, getsNotifications: true },
      listener: { canRespond: false, canListenIn: true },
    });
    const owner = agents.owner!;
    const chats = [await startChat(app, channel.id, 'first chat'), await startChat(app, channel.id, 'second chat')];
    for (const chat of chats) expect((await app.gql(ACCEPT, { id: chat.sessionId }, owner.token)).errors).toBeUndefined();

    const feeds = Object.fromEntries(Object.entries(agents).map(([key, a]) => [key, subscribe<Feed>(app.ws(`Bearer ${a.token}`), FEED)]));
    for (const feed of Object.values(feeds)) await feed.waitFor((d) => d.agentEvents.reasons.includes('initial'));

    // The newest row the owner's feed sent for the chat, once it covers `cursor`.
    const rowAt = async (sessionId: string, cursor: number) => {
      await feeds.owner!.waitFor((d) => d.agentEvents.chats.some((r) => r.sessionId === sessionId && r.lastEventCursor >= cursor));
      const events = feeds.owner!.values();
      return {
        row: events.flatMap((d) => d.agentEvents.chats.filter((r) => r.sessionId === sessionId)).at(-1)!,
        badges: events.at(-1)!.agentEvents.badges,
      };
    };
    // A row from a read receipt alone leaves the message fields null ("unchanged"); one from a message fills them.
    const expectFresh = async (sessionId: string, cursor: number, byMessage = true) => {
      const { row, badges } = await rowAt(sessionId, cursor);
      expect(row.lastMessage !== null).toBe(byMessage);
      const fresh = (await app.gql(MY_CHATS, {}, owner.token)).data.myChats as any[];
      const chat = fresh.find((c) => c.id === sessionId);
      expect(row).toEqual({
        sessionId,
        lastEventCursor: chat.lastEventSeq,
        lastActivityAt: chat.lastActivityAt,
        lastMessageAt: byMessage ? chat.lastMessageAt : null,
        lastMessageAuthor: byMessage ? chat.lastMessageAuthor : null,
        unreadCount: chat.unreadCount,
        agentReadCursor: chat.agentReadCursor,
        lastMessage: row.lastMessage && chat.messages.messages[0],
      });
      if (row.lastMessage) expect(row.lastMessage.cursor).toBe(chat.messages.messages[0].cursor);
      const active = fresh.filter((c) => c.status === 'ACTIVE');
      expect(badges).toEqual({ myChats: active.length, unread: active.reduce((sum, c) => sum + c.unreadCount, 0) });
    };
    const visitorSays = async (i: number, body: string) => {
      const sent = await send(app, chats[i]!.visitorToken, chats[i]!.sessionId, body);
      expect(sent.errors).toBeUndefined();
      return sent.data.sendMessage.cursor as number;
    };

    let cursor = await visitorSays(0, 'one');
    await expectFresh(chats[0]!.sessionId, cursor);
    await visitorSays(0, 'two');
    const firstChatCursor = await visitorSays(0, 'three');
    await expectFresh(chats[0]!.sessionId, firstChatCursor);
    cursor = await visitorSays(1, 'other chat');
    await expectFresh(chats[1]!.sessionId, cursor);

    // The owner reads part of the first chat: unread counts what is after the read cursor only.
    const read = await app.gql(MARK_READ, { id: chats[0]!.sessionId, upTo: firstChatCursor }, owner.token);
    expect(read.errors).toBeUndefined();
    const afterRead = (await app.gql(MY_CHATS, {}, owner.token)).data.myChats.find((c: any) => c.id === chats[0]!.sessionId);
    expect(afterRead.unreadCount).toBe(0);
    await expectFresh(chats[0]!.sessionId, afterRead.lastEventSeq, false);

    const reply = await send(app, owner.token, chats[0]!.sessionId, 'an answer');
    expect(reply.errors).toBeUndefined();
    await expectFresh(chats[0]!.sessionId, reply.data.sendMessage.cursor);
    await visitorSays(0, 'four');
    cursor = await visitorSays(0, 'five');
    await expectFresh(chats[0]!.sessionId, cursor);
    const partial = await app.gql(MARK_READ, { id: chats[0]!.sessionId, upTo: cursor - 1 }, owner.token);
    expect(partial.errors).toBeUndefined();
    const afterPartial = (await app.gql(MY_CHATS, {}, owner.token)).data.myChats.find((c: any) => c.id === chats[0]!.sessionId);
    expect(afterPartial.unreadCount).toBe(1);
    await expectFresh(chats[0]!.sessionId, afterPartial.lastEventSeq, false);

    // Colleague and listener: their own presence change, published last, arrives after anything about the chats would have.
    for (const key of ['colleague', 'listener']) {
      expect((await app.gql(PRESENCE, { p: 'AWAY' }, agents[key]!.token)).errors).toBeUndefined();
      await feeds[key]!.waitFor((d) => d.agentEvents.reasons.includes('presence'));
      expect(feeds[key]!.values().flatMap((d) => d.agentEvents.chats)).toEqual([]);
    }
    for (const feed of Object.values(feeds)) {
      expect(feed.results.every((r) => !r.errors)).toBe(true);
      feed.stop();
    }
  });
});
