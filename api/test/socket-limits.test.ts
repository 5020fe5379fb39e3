import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configFromEnv } from '../src/platform/config';
import { CHAT_EVENTS, NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { subscribe, wsRequest, type TestApp, startTestApp } from './harness';

const AGENT_EVENTS = `subscription { agentEvents { reasons } }`;
const TYPING = `mutation($id: ID!) { setTyping(sessionId: $id, typing: true) }`;

let app: TestApp;

beforeAll(async () => {
  const defaults = configFromEnv({});
  app = await startTestApp({
    trustProxy: 1,
    sockets: { subscriptionsPerSocket: 3, connectionsPerIp: 3, operationsPerSocket: { limit: 20, windowSeconds: 60 } },
    chat: { ...defaults.chat, setTypingPerChat: { limit: 5, windowSeconds: 10 } },
  });
});
afterAll(() => app?.stop());

const wsUrl = () => `${app.url.replace('http', 'ws')}/graphql`;

/** A raw graphql-transport-ws socket from `address` (X-Forwarded-For; the test client is the trusted proxy). */
function rawSocket(address: string) {
  const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers: { 'x-forwarded-for': address } });
  const messages: any[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, closed, opened };
}

async function acknowledged(raw: ReturnType<typeof rawSocket>) {
  await raw.opened;
  raw.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await eventually(() => raw.messages.some((m) => m.type === 'connection_ack'));
}

async function eventually(check: () => boolean, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WebSocket caps', () => {
  it('refuses the operation past WS_MAX_SUBSCRIPTIONS_PER_SOCKET with LIMIT_EXCEEDED, and takes one again once another completes', async () => {
    const { token } = await app.agentWithToken();
    const client = app.ws(`Bearer ${token}`);
    const running = [0, 1, 2].map(() => subscribe(client, AGENT_EVENTS));
    for (const feed of running) await feed.waitFor((e) => e.agentEvents.reasons.includes('initial'));

    const refused = subscribe(client, AGENT_EVENTS);
    const { errors } = await refused.ended;
    expect((errors?.[0] as any)?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', max: 3 });
    // A query is an operation too while it runs.
    await expect(wsRequest(client, `{ viewer { kind } }`)).rejects.toSatisfy((e: any) => e?.[0]?.extensions?.code === 'LIMIT_EXCEEDED');

    running[0]!.stop();
    expect((await wsRequest(client, `{ viewer { kind } }`)).data.viewer.kind).toBe('AGENT');
    // The socket itself stayed open for the running feeds.
    expect(running[1]!.results.every((r) => !r.errors)).toBe(true);
    await client.dispose();
  });

  it('closes the connection past WS_MAX_CONNECTIONS_PER_IP with 4290; other addresses and later connections are served', async () => {
    const first = [0, 1, 2].map(() => rawSocket('203.0.113.50'));
    await Promise.all(first.map(acknowledged));
    const extra = rawSocket('203.0.113.50');
    const closed = await extra.closed;
    expect(closed.code).toBe(4290);
    expect(closed.reason).toMatch(/^RATE_LIMITED: more than 3 open connections/);
    expect(extra.messages).toEqual([]);

    const elsewhere = rawSocket('203.0.113.51');
    await acknowledged(elsewhere);

    first[0]!.socket.close(1000);
    await first[0]!.closed;
    // The count drops once the server has seen the close: a new socket from the address is served again.
    let again = rawSocket('203.0.113.50');
    for (let tries = 0; ; tries++) {
      const outcome = await Promise.race([acknowledged(again).then(() => 'ack' as const), again.closed.then(() => 'closed' as const)]);
      if (outcome === 'ack') break;
      expect(tries).toBeLessThan(50);
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = rawSocket('203.0.113.50');
    }
    for (const raw of [...first, elsewhere, again]) raw.socket.close(1000);
  });

  it('stops an operation flood on one socket: closed with 4290 after WS_OPERATIONS_PER_SOCKET_PER_MINUTE', async () => {
    const raw = rawSocket('203.0.113.60');
    await acknowledged(raw);
    for (let i = 0; i < 500; i++) raw.socket.send(JSON.stringify({ id: `q${i}`, type: 'subscribe', payload: { query: '{ viewer { kind } }' } }));
    const closed = await raw.closed;
    expect(closed.code).toBe(4290);
    expect(closed.reason).toMatch(/^RATE_LIMITED: more than 20 operations/);
    expect(raw.messages.filter((m) => m.type === 'next').length).toBeLessThanOrEqual(20);
  });

  it('rate-limits setTyping per caller and chat: an aliased flood is refused with RATE_LIMITED and does not fan out', async () => {
    const { channel, agents } = await channelWithAgents(app, { ann: { canRespond: true } });
    const ann = agents.ann!;
    const { sessionId, visitorToken } = await startChat(app, channel.id, 'Typing flood', {}, undefined);
    expect((await app.gql(NEXT, { ids: [channel.id] }, ann.token, { 'x-forwarded-for': '203.0.113.70' })).data.getNextInQueue.status).toBe('ACTIVE');
    const agentFeed = subscribe(app.ws(`Bearer ${ann.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    await agentFeed.waitFor((e) => e.chatEvents.message?.body === 'Typing flood');

    // 20 aliases: the most GRAPHQL_MAX_ALIASES lets one document carry (1,000 are refused before they run).
    const aliases = Array.from({ length: 20 }, (_, i) => `t${i}: setTyping(sessionId: $id, typing: true)`).join('\n');
    const flood = await app.gql(`mutation($id: ID!) { ${aliases} }`, { id: sessionId }, visitorToken);
    // Mutation fields run in order and setTyping is non-null: the 6th call's refusal ends the request.
    expect(flood.data).toBeNull();
    expect(flood.errors).toHaveLength(1);
    expect(flood.errors?.[0]).toMatchObject({ path: ['t5'], extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
    // Over the socket too.
    const overSocket = await wsRequest(app.ws(`Bearer ${visitorToken}`), TYPING, { id: sessionId });
    expect(overSocket.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    // A message after the flood arrives after every typing event the flood produced.
    await send(app, visitorToken, sessionId, 'after the flood');
    await agentFeed.waitFor((e) => e.chatEvents.message?.body === 'after the flood');
    expect(agentFeed.values().filter((e) => e.chatEvents.type === 'TYPING').length).toBeLessThanOrEqual(5);
    // The agent's own typing has its own counter.
    expect((await app.gql(TYPING, { id: sessionId }, ann.token)).data?.setTyping).toBe(true);
  });
});
