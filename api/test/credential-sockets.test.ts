import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelWithAgents, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type Subscription, type TestApp } from './harness';

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const LOGOUT = `mutation { logout }`;
const REVOKE_SESSIONS = `mutation($id: ID!) { revokeAgentSessions(agentId: $id) }`;
const UPDATE_AGENT = `mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id } }`;
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

interface LiveSocket {
  feed: Subscription<{ agentEvents: { reasons: string[] } }>;
  /** Resolves with the close code and reason once the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
}

/** A console's socket: a real graphql-ws client with agentEvents running. */
async function agentSocket(token: string): Promise<LiveSocket> {
  const client = app.ws(`Bearer ${token}`);
  let isClosed = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.on('closed', (event) => {
      isClosed = true;
      const { code, reason } = event as { code: number; reason: string };
      resolve({ code, reason });
    }),
  );
  const feed = subscribe(client, AGENT_EVENTS);
  await feed.waitFor((d) => d.agentEvents.reasons.includes('initial'));
  return { feed, closed, isClosed: () => isClosed };
}

async function login(email: string, password: string): Promise<string> {
  const result = await app.gql(LOGIN, { e: email, p: password });
  expect(result.errors).toBeUndefined();
  return result.data.login.token;
}

/** A socket that must stay open: a live event reaches it after the others were closed. */
async function expectStillLive(socket: LiveSocket, token: string) {
  const since = socket.feed.values().length;
  for (const presence of ['AWAY', 'PRESENT']) expect((await app.gql(PRESENCE, { p: presence }, token)).errors).toBeUndefined();
  await socket.feed.waitFor((d) => socket.feed.values().indexOf(d) >= since && d.agentEvents.reasons.includes('presence'));
  expect(socket.isClosed()).toBe(false);
}

describe('revoking a credential closes its open WebSockets with 4401', () => {
  it('logout closes the sockets of that session only', async () => {
    const alice = await app.agentWithToken();
    const bob = await app.agentWithToken();
    const otherAliceToken = await login(alice.agent.email, alice.password);
    const [aliceSocket, otherAliceSocket, bobSocket] = await Promise.all([agentSocket(alice.token), agentSocket(otherAliceToken), agentSocket(bob.token)]);

    expect((await app.gql(LOGOUT, {}, alice.token)).data.logout).toBe(true);
    expect(await aliceSocket.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: This session has been revoked. Log in again.' });
    await expectStillLive(otherAliceSocket, otherAliceToken);
    await expectStillLive(bobSocket, bob.token);
    // A new socket with the revoked token is refused the same way.
    const again = app.ws(`Bearer ${alice.token}`);
    const refused = new Promise((resolve) => again.on('closed', (event) => resolve((event as { code: number }).code)));
    subscribe(again, AGENT_EVENTS);
    expect(await refused).toBe(4401);
  });

  it('revokeAgentSessions and deactivation close every socket of that agent, and no one else’s', async () => {
    const alice = await app.agentWithToken();
    const bob = await app.agentWithToken();
    const secondToken = await login(alice.agent.email, alice.password);
    const sockets = await Promise.all([agentSocket(alice.token), agentSocket(secondToken)]);
    const bobSocket = await agentSocket(bob.token);

    expect((await app.gql(REVOKE_SESSIONS, { id: alice.agent.id }, admin.token)).data.revokeAgentSessions).toBe(2);
    for (const socket of sockets) expect((await socket.closed).code).toBe(4401);
    await expectStillLive(bobSocket, bob.token);

    const carol = await app.agentWithToken();
    const carolSocket = await agentSocket(carol.token);
    expect((await app.gql(UPDATE_AGENT, { id: carol.agent.id, input: { active: false } }, admin.token)).errors).toBeUndefined();
    expect((await carolSocket.closed).code).toBe(4401);
    await expectStillLive(bobSocket, bob.token);
  });

  it('a password change closes the agent’s other sessions but not the one that changed it', async () => {
    const alice = await app.agentWithToken();
    const laptopToken = await login(alice.agent.email, alice.password);
    const [current, laptop] = await Promise.all([agentSocket(alice.token), agentSocket(laptopToken)]);
    const changed = await app.gql(UPDATE_AGENT, { id: alice.agent.id, input: { password: 'a-brand-new-password' } }, alice.token);
    expect(changed.errors).toBeUndefined();
    expect(await laptop.closed).toMatchObject({ code: 4401 });
    await expectStillLive(current, alice.token);
  });

  it('revokeApiToken closes the token’s sockets', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const { sessionId } = await startChat(app, channel.id, 'watched by a script');
    const created = await app.gql(CREATE_API_TOKEN, { input: { name: 'script', scopes: ['CHATS_READ'] } }, admin.token);
    const { token, apiToken } = created.data.createApiToken;
    const client = app.ws(`Bearer ${token}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      client.on('closed', (event) => resolve(event as { code: number; reason: string })),
    );
    const events = subscribe(client, CHAT_EVENTS, { id: sessionId });
    await events.waitFor((d) => d.chatEvents.cursor === 1);
    const aliceSocket = await agentSocket(agents.alice!.token);

    expect((await app.gql(REVOKE_API_TOKEN, { id: apiToken.id }, admin.token)).data.revokeApiToken.revokedAt).toBeTruthy();
    expect(await closed).toMatchObject({ code: 4401, reason: 'UNAUTHENTICATED: This API token has been revoked.' });
    await expectStillLive(aliceSocket, agents.alice!.token);
  });

  it('an agent session reaching its expiry closes its sockets', async () => {
    const alice = await app.agentWithToken();
    const { id } = await app.services.prisma.agentAuthSession.findFirstOrThrow({ where: { agentId: alice.agent.id } });
    await app.services.prisma.agentAuthSession.update({ where: { id }, data: { expiresAt: new Date(Date.now() + 1500) } });
    const socket = await agentSocket(alice.token);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: This session has expired. Log in again.' });
  });
});
