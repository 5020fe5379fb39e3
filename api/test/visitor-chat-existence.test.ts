import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/platform/config';
import { channelWithAgents, startChat } from './chat-fixtures';
import { pdfBytes } from './file-fixtures';
import { startTestApp, subscribe, tempDir, type GraphqlResult, type TestApp } from './harness';

/**
 * A visitor token must not tell whether another visitor's chat exists: every visitor-reachable
 * operation answers B-on-A's-chat exactly as it answers an id that does not exist (NOT_FOUND,
 * the same message but for the id). identifyVisitor and submitOfflineForm take a channel, not a
 * chat, and startChat makes a new one, so they are not in the list.
 */

let app: TestApp;
let storage: { dir: string; remove(): Promise<void> };
beforeAll(async () => {
  storage = await tempDir('lc-existence-');
  const defaults = configFromEnv({});
  app = await startTestApp({
    attachments: { ...defaults.attachments, dir: storage.dir },
    // Mail "configured" so sendTranscript reaches its access check; no mail is sent to a refused caller.
    mail: { ...defaults.mail, smtpUrl: 'smtp://127.0.0.1:9' },
  });
});
afterAll(async () => {
  await app?.stop();
  await storage?.remove();
});

type Answer = { code: unknown; message: string | undefined };
type Operation = { name: string; ask(token: string, sessionId: string): Promise<Answer> };

const first = (r: GraphqlResult): Answer => ({ code: r.errors?.[0]?.extensions?.code, message: r.errors?.[0]?.message });
const mutationOrQuery = (name: string, query: string, variables: (id: string) => Record<string, unknown>): Operation => ({
  name,
  ask: async (token, id) => first(await app.gql(query, variables(id), token)),
});
const subscription = (name: string, query: string): Operation => ({
  name,
  ask: async (token, id) => {
    const sub = subscribe(app.ws(`Bearer ${token}`), query, { id });
    const error = (await sub.ended).errors?.[0] as { message?: string; extensions?: { code?: unknown } } | undefined;
    expect(sub.values()).toEqual([]);
    return { code: error?.extensions?.code, message: error?.message };
  },
});

async function upload(token: string, sessionId: string): Promise<GraphqlResult> {
  const form = new FormData();
  const query = `mutation($s: ID!, $f: File!, $c: String!) { sendAttachment(sessionId: $s, file: $f, clientMessageId: $c) { id attachments { id url } } }`;
  form.set('operations', JSON.stringify({ query, variables: { s: sessionId, f: null, c: randomUUID() } }));
  form.set('map', JSON.stringify({ 0: ['variables.f'] }));
  form.set('0', new File([new Uint8Array(pdfBytes('A’s contract'))], 'contract.pdf', { type: 'application/pdf' }));
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'x-graphql-yoga-csrf': '1', authorization: `Bearer ${token}` }, body: form });
  return { ...((await response.json()) as GraphqlResult), status: response.status };
}

const OPERATIONS: Operation[] = [
  mutationOrQuery('chatSession', `query($id: ID!) { chatSession(id: $id) { id status } }`, (id) => ({ id })),
  mutationOrQuery('sendMessage', `mutation($id: ID!) { sendMessage(input: { sessionId: $id, body: "I am A", clientMessageId: "b-1" }) { id } }`, (id) => ({
    id,
  })),
  { name: 'sendAttachment', ask: async (token, id) => first(await upload(token, id)) },
  mutationOrQuery('sendTranscript', `mutation($id: ID!) { sendTranscript(sessionId: $id, email: "b@example.com") { messageCount } }`, (id) => ({ id })),
  mutationOrQuery('setTyping', `mutation($id: ID!) { setTyping(sessionId: $id, typing: true) }`, (id) => ({ id })),
  mutationOrQuery('markRead', `mutation($id: ID!) { markRead(sessionId: $id, upToCursor: 1) { id } }`, (id) => ({ id })),
  mutationOrQuery('endChat', `mutation($id: ID!) { endChat(sessionId: $id) { id } }`, (id) => ({ id })),
  mutationOrQuery('rateChat', `mutation($id: ID!) { rateChat(sessionId: $id, rating: 1) { id } }`, (id) => ({ id })),
  subscription('chatEvents', `subscription($id: ID!) { chatEvents(sessionId: $id, after: 0) { cursor } }`),
  subscription('queueStatus', `subscription($id: ID!) { queueStatus(sessionId: $id) { position } }`),
];

describe('a visitor asking for another visitor’s chat', () => {
  it('gets the answer a random id gets, from every operation a visitor can call', async () => {
    const { channel } = await channelWithAgents(app, { alice: { canRespond: true } });
    const a = await startChat(app, channel.id, 'Visitor A here');
    const b = await startChat(app, channel.id, 'Visitor B here');
    const before = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: a.sessionId } });

    for (const operation of OPERATIONS) {
      const randomId = randomUUID();
      const onAs = await operation.ask(b.visitorToken, a.sessionId);
      const onRandom = await operation.ask(b.visitorToken, randomId);
      expect(onRandom.code, operation.name).toBe('NOT_FOUND');
      expect(onAs.code, operation.name).toBe(onRandom.code);
      expect(onAs.message?.replace(a.sessionId, '<id>'), operation.name).toBe(onRandom.message?.replace(randomId, '<id>'));
    }

    // Downloads: A's file, asked for with B's token, is as unknown as a random attachment id.
    const sent = await upload(a.visitorToken, a.sessionId);
    expect(sent.errors).toBeUndefined();
    const file = sent.data.sendAttachment.attachments[0] as { id: string; url: string };
    const randomId = randomUUID();
    const download = (path: string) => fetch(new URL(path, app.url), { headers: { authorization: `Bearer ${b.visitorToken}` } });
    const [onAs, onRandom] = await Promise.all([download(file.url.split('?')[0]!), download(`/attachments/${randomId}/contract.pdf`)]);
    expect([onAs.status, onRandom.status]).toEqual([404, 404]);
    expect(JSON.stringify(await onAs.json()).replace(file.id, '<id>')).toBe(JSON.stringify(await onRandom.json()).replace(randomId, '<id>'));

    // Nothing changed in A's chat.
    expect(await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: a.sessionId } })).toMatchObject({
      status: before.status,
      lastEventSeq: before.lastEventSeq + 1,
      visitorReadSeq: before.visitorReadSeq,
      rating: null,
    });
    expect(await app.services.prisma.message.count({ where: { sessionId: a.sessionId, body: 'I am A' } })).toBe(0);
  });
});
