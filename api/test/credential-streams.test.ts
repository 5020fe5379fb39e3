import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelWithAgents, send, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';
import { sseSubscribe as sseTo, type Sse, type SseResult } from './sse-client';

const LOGOUT = `mutation { logout }`;
const REVOKE_SESSIONS = `mutation($id: ID!) { revokeAgentSessions(agentId: $id) }`;
const CREATE_API_TOKEN = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } } }`;
const REVOKE_API_TOKEN = `mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }`;
const AGENT_EVENTS = `subscription { agentEvents { reasons } }`;
const CHAT_EVENTS = `subscription($id: ID!) { chatEvents(sessionId: $id, after: 0) { cursor type } }`;
const PRESENCE = `mutation($p: Presence!) { setPresence(presence: $p) { presence } }`;

let app: TestApp;
let admin: { token: string };
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.agentWithToken({ role: 'ADMIN' });
});
afterAll(() => app?.stop());

const sseSubscribe = (query: string, variables: Record<string, unknown>, token: string) => sseTo(app.url, query, variables, token);
const isInitial = (r: SseResult) => !!r.data?.agentEvents.reasons.includes('initial');

async function agentStream(token: string): Promise<Sse> {
  const stream = sseSubscribe(AGENT_EVENTS, {}, token);
  await stream.waitFor(isInitial);
  return stream;
}

/** The stream's last result is the UNAUTHENTICATED error with `message`, and the server completed it. */
async function expectEndedUnauthenticated(stream: Sse, message: string) {
  expect(await stream.ended).toEqual({ completed: true });
  expect(stream.results.at(-1)?.errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
}

/** A stream that must stay live: a new event reaches it after the others ended. */
async function expectStillLive(stream: Sse, token: string) {
  const since = stream.results.length;
  for (const presence of ['AWAY', 'PRESENT']) expect((await app.gql(PRESENCE, { p: presence }, token)).errors).toBeUndefined();
  await stream.waitFor((r) => stream.results.indexOf(r) >= since && !!r.data?.agentEvents.reasons.includes('presence'));
  expect(stream.isOpen()).toBe(true);
}

describe('revoking or reaching the expiry of a credential ends its SSE subscriptions', () => {
  it('logout ends the agent’s SSE stream, and only the streams of that session', async () => {
    const alice = await app.agentWithToken();
    const bob = await app.agentWithToken();
    const [aliceStream, bobStream] = await Promise.all([agentStream(alice.token), agentStream(bob.token)]);

    expect((await app.gql(LOGOUT, {}, alice.token)).data.logout).toBe(true);
    await expectEndedUnauthenticated(aliceStream, 'This session has been revoked. Log in again.');
    await expectStillLive(bobStream, bob.token);
    bobStream.close();
  });

  it('revokeAgentSessions ends the streams of every session of that agent', async () => {
    const alice = await app.agentWithToken();
    const bob = await app.agentWithToken();
    const [aliceStream, bobStream] = await Promise.all([agentStream(alice.token), agentStream(bob.token)]);
    expect((await app.gql(REVOKE_SESSIONS, { id: alice.agent.id }, admin.token)).data.revokeAgentSessions).toBe(1);
    await expectEndedUnauthenticated(aliceStream, 'This session has been revoked. Log in again.');
    await expectStillLive(bobStream, bob.token);
    bobStream.close();
  });

  it('revokeApiToken ends the token’s SSE chatEvents, and its WebSocket subscription ends too', async () => {
    const { channel } = await channelWithAgents(app, { alice: { canRespond: true } });
    const { sessionId, visitorToken } = await startChat(app, channel.id, 'watched by a script');
    const created = await app.gql(CREATE_API_TOKEN, { input: { name: 'script', scopes: ['CHATS_READ'] } }, admin.token);
    const { token, apiToken } = created.data.createApiToken;
    const other = (await app.gql(CREATE_API_TOKEN, { input: { name: 'other script', scopes: ['CHATS_READ'] } }, admin.token)).data.createApiToken;
    const stream = sseSubscribe(CHAT_EVENTS, { id: sessionId }, token);
    const otherStream = sseSubscribe(CHAT_EVENTS, { id: sessionId }, other.token);
    await Promise.all([stream, otherStream].map((s) => s.waitFor((r) => r.data?.chatEvents.cursor === 1)));
    const ws = subscribe(app.ws(`Bearer ${token}`), CHAT_EVENTS, { id: sessionId });
    await ws.waitFor((d) => d.chatEvents.cursor === 1);

    expect((await app.gql(REVOKE_API_TOKEN, { id: apiToken.id }, admin.token)).data.revokeApiToken.revokedAt).toBeTruthy();
    await expectEndedUnauthenticated(stream, 'This API token has been revoked.');
    expect(await ws.ended).toBeTruthy();

    // The other token's stream still receives new messages.
    const count = otherStream.results.length;
    await send(app, visitorToken, sessionId, 'still there?');
    await otherStream.waitFor((r) => otherStream.results.indexOf(r) >= count && r.data?.chatEvents.type === 'MESSAGE');
    expect(otherStream.isOpen()).toBe(true);
    otherStream.close();
  });

  it('an agent session reaching its expiry ends its SSE stream', async () => {
    const alice = await app.agentWithToken();
    const { id } = await app.services.prisma.agentAuthSession.findFirstOrThrow({ where: { agentId: alice.agent.id } });
    await app.services.prisma.agentAuthSession.update({ where: { id }, data: { expiresAt: new Date(Date.now() + 1500) } });
    const stream = await agentStream(alice.token);
    await expectEndedUnauthenticated(stream, 'This session has expired. Log in again.');
  });
});
