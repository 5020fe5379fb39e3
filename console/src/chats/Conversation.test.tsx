import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { createAgent, gql, login, type AgentLogin } from 'e2e/support/graphql';
import { createSignal } from 'solid-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../api';
import { createGraphqlConnection } from '../graphql-client';
import type { ConsoleRuntime } from '../console-runtime';
import { RuntimeProvider } from '../runtime';
import { createSessionStore } from '../session';
import { useNodeWebSocketAsGlobal } from '@livechat/chat-client/testing/node-websocket';
import { WorkspaceProvider } from '../workspace';
import { MeQuery } from '../workspace-operations';
import { Conversation } from './Conversation';
import { loadOutbox, saveOutbox } from './outbox';

// The conversation against the real API: what an agent left unsent in this browser goes out only
// under their own name, only while they handle the chat, and a refusal is shown, not retried.
describe('Conversation: unsent messages left in this browser', () => {
  let server: ApiServer;
  let restoreWebSocket: () => void;
  let adminToken: string;
  let channelId: string;
  let alice: AgentLogin;
  let bob: AgentLogin;
  const runtimes: ConsoleRuntime[] = [];

  const api = <T = any>(query: string, variables: Record<string, unknown>, token?: string) => gql<T>(server.url, query, variables, token);

  async function member(name: string): Promise<AgentLogin> {
    const created = await createAgent(server.url, adminToken, { email: `${name.toLowerCase()}@console.test`, name });
    await api(
      `mutation($c: ID!, $a: ID!) { setChannelMember(channelId: $c, agentId: $a, flags: { canRespond: true }) { canRespond } }`,
      { c: channelId, a: created.id },
      adminToken,
    );
    const agent = await login(server.url, created.email, created.password);
    await api(`mutation { setPresence(presence: PRESENT) { id } }`, {}, agent.token);
    return agent;
  }

  /** A visitor's chat that `agent` has answered. */
  async function chatOf(agent: AgentLogin, visitorName: string): Promise<string> {
    const started = await api<{ startChat: { session: { id: string } } }>(`mutation($input: StartChatInput!) { startChat(input: $input) { session { id } } }`, {
      input: { channelId, message: 'Hello, is anyone there?', name: visitorName, email: `${visitorName.split(' ')[0]!.toLowerCase()}@example.com` },
    });
    const sessionId = started.startChat.session.id;
    await api(`mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`, { id: sessionId }, agent.token);
    return sessionId;
  }

  const bodiesOnServer = async (sessionId: string) =>
    (
      await api<{ chatSession: { messages: { messages: { body: string; authorKind: string; author: { displayName: string } | null }[] } } }>(
        `query($id: ID!) { chatSession(id: $id) { messages(last: 100) { messages { body authorKind author { displayName } } } } }`,
        { id: sessionId },
        adminToken,
      )
    ).chatSession.messages.messages.filter((m) => m.authorKind === 'AGENT');

  /** The console of `agent` with one chat open, as the Chats tab shows it. */
  async function openAs(agent: AgentLogin, sessionId: string) {
    const { client, socket } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => agent.token });
    const [socketStatus] = createSignal<'idle'>('idle');
    const [reconnects] = createSignal(0);
    const runtime: ConsoleRuntime = { session: createSessionStore(), client, socket, socketStatus, reconnects };
    runtimes.push(runtime);
    const { me } = await runQuery(client, MeQuery, {});
    render(() => (
      <RuntimeProvider runtime={runtime}>
        <WorkspaceProvider me={me}>
          <Conversation sessionId={sessionId} listen={false} />
        </WorkspaceProvider>
      </RuntimeProvider>
    ));
  }

  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    server = await startApiServer({ requireBuiltConsole: false });
    adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
    const { channels } = await api<{ channels: { id: string; name: string }[] }>(`{ channels { id name } }`, {}, adminToken);
    channelId = channels.find((c) => c.name === 'Technical support')!.id;
    alice = await member('Alice');
    bob = await member('Bob');
  });
  afterAll(async () => {
    await server?.dispose();
    restoreWebSocket?.();
  });
  afterEach(async () => {
    cleanup();
    await Promise.all(runtimes.splice(0).map((r) => r.socket.dispose()));
    localStorage.clear();
  });

  /** What the website's server computes: hex HMAC-SHA256 of the lower-cased email with the channel's secret. */
  async function signIdentity(secret: string, email: string): Promise<string> {
    const encode = (text: string) => Uint8Array.from(Array.from(text, (c) => c.charCodeAt(0)));
    const key = await crypto.subtle.importKey('raw', encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = await crypto.subtle.sign('HMAC', key, encode(email.trim().toLowerCase()));
    return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const stored = (body: string) => ({ clientMessageId: `left-${crypto.randomUUID()}`, body, createdAt: new Date().toISOString() });

  it('sends what this agent left unsent in a chat they handle, once', async () => {
    const sessionId = await chatOf(bob, 'Vera Visitor');
    saveOutbox(bob.id, sessionId, [stored('Typed just before the page reloaded')]);
    await openAs(bob, sessionId);
    await waitFor(async () =>
      expect(await bodiesOnServer(sessionId)).toEqual([{ body: 'Typed just before the page reloaded', authorKind: 'AGENT', author: { displayName: 'Bob' } }]),
    );
    await waitFor(() => expect(loadOutbox(bob.id, sessionId)).toEqual([]));
  });

  it('never sends another agent’s unsent text, even in a chat that is now this agent’s', async () => {
    // Alice wrote in a chat, it never reached the server, and the chat moved to Bob on this shared workstation.
    const sessionId = await chatOf(alice, 'Walter Visitor');
    saveOutbox(alice.id, sessionId, [stored('Alice’s words')]);
    const { transferChat } = await api<{ transferChat: { id: string } }>(
      `mutation($s: ID!, $to: ID!) { transferChat(sessionId: $s, toAgentId: $to) { id } }`,
      { s: sessionId, to: bob.id },
      alice.token,
    );
    await api(`mutation($id: ID!) { acceptTransfer(transferId: $id) { id } }`, { id: transferChat.id }, bob.token);

    await openAs(bob, sessionId);
    const input = await screen.findByRole('textbox', { name: 'Reply to Walter Visitor' });
    expect(screen.queryByText('Alice’s words')).toBeNull();
    fireEvent.input(input, { target: { value: 'Bob here, how can I help?' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(async () => expect((await bodiesOnServer(sessionId)).map((m) => m.body)).toContain('Bob here, how can I help?'));
    expect((await bodiesOnServer(sessionId)).map((m) => m.body)).toEqual(['Bob here, how can I help?']);
    // Alice’s text is still hers, for her own console.
    expect(loadOutbox(alice.id, sessionId).map((o) => o.body)).toEqual(['Alice’s words']);
  });

  it('shows text left for a chat that has ended as not sent, with why, and does not try it again', async () => {
    const sessionId = await chatOf(bob, 'Xena Visitor');
    saveOutbox(bob.id, sessionId, [stored('Too late for this')]);
    await api(`mutation($id: ID!) { endChat(sessionId: $id) { id } }`, { id: sessionId }, bob.token);

    await openAs(bob, sessionId);
    await screen.findByText('Too late for this');
    expect(screen.getByText(/^Not sent:/).textContent).toBe('Not sent: this chat has ended.');
    expect(loadOutbox(bob.id, sessionId)).toEqual([]);
    expect(await bodiesOnServer(sessionId)).toEqual([]);
  });

  it('shows the visitor’s new details and the verified mark as soon as the website identifies them', async () => {
    const { rotateChannelIdentitySecret } = await api<{ rotateChannelIdentitySecret: { secret: string } }>(
      `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { secret } }`,
      { id: channelId },
      adminToken,
    );
    const { startChat } = await api<{ startChat: { visitorToken: string; session: { id: string } } }>(
      `mutation($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id } } }`,
      { input: { channelId, message: 'Can I see my order?', name: 'Zoe Anonymous', email: 'zoe.guest@example.com' } },
    );
    const sessionId = startChat.session.id;
    await api(`mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`, { id: sessionId }, bob.token);
    await openAs(bob, sessionId);
    await screen.findByRole('heading', { name: 'Zoe Anonymous' });
    expect(screen.queryByText('✓ verified')).toBeNull();

    // The visitor logs in on the website, which tells the widget who they are.
    const email = 'zoe.signed-in@example.com';
    const emailSignature = await signIdentity(rotateChannelIdentitySecret.secret, email);
    await api(
      `mutation($input: IdentifyVisitorInput!) { identifyVisitor(input: $input) { id } }`,
      { input: { channelId, name: 'Zoe Customer', email, emailSignature } },
      startChat.visitorToken,
    );
    await screen.findByRole('heading', { name: 'Zoe Customer' });
    expect(screen.getByText('✓ verified')).toBeTruthy();
    expect(screen.getAllByText(email).length).toBeGreaterThan(0);
  });

  it('shows a refusal with the server’s reason, and forgets the text instead of retrying it on every visit', async () => {
    const sessionId = await chatOf(bob, 'Yusuf Visitor');
    saveOutbox(bob.id, sessionId, [stored('x'.repeat(4001))]);
    await openAs(bob, sessionId);
    await waitFor(() => expect(screen.getByText(/^Not sent:/).textContent).toBe('Not sent: body: must be at most 4000 characters'));
    expect(loadOutbox(bob.id, sessionId)).toEqual([]);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
