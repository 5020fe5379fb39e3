import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { gql, login } from 'e2e/support/graphql';
import { createSignal } from 'solid-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../api';
import { ConversationQuery } from '../chats/operations';
import { createGraphqlConnection } from '../graphql-client';
import type { ConsoleRuntime } from '../console-runtime';
import { RuntimeProvider } from '../runtime';
import { createSessionStore } from '../session';
import { useNodeWebSocketAsGlobal } from '@livechat/chat-client/testing/node-websocket';
import { CreateContactForm } from './CreateContactForm';

// The form against the real API: the server splits the visitor's name, the console only sends
// names the agent typed.
describe('CreateContactForm', () => {
  let server: ApiServer;
  let restoreWebSocket: () => void;
  let adminToken: string;
  let channelId: string;
  const runtimes: ConsoleRuntime[] = [];

  const api = <T = any>(query: string, variables: Record<string, unknown>, token?: string) => gql<T>(server.url, query, variables, token);

  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    server = await startApiServer({ requireBuiltConsole: false });
    adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
    const { channels } = await api<{ channels: { id: string; name: string }[] }>(`{ channels { id name } }`, {}, adminToken);
    channelId = channels.find((c) => c.name === 'Technical support')!.id;
    // The admin answers the chats: a present member of the channel who may respond.
    const { me } = await api<{ me: { id: string } }>(`{ me { id } }`, {}, adminToken);
    await api(
      `mutation($c: ID!, $a: ID!) { setChannelMember(channelId: $c, agentId: $a, flags: { canRespond: true }) { canRespond } }`,
      { c: channelId, a: me.id },
      adminToken,
    );
    await api(`mutation { setPresence(presence: PRESENT) { id } }`, {}, adminToken);
  });
  afterAll(async () => {
    await server?.dispose();
    restoreWebSocket?.();
  });
  afterEach(async () => {
    cleanup();
    await Promise.all(runtimes.splice(0).map((r) => r.socket.dispose()));
  });

  /** A visitor's chat, answered by the admin, with the form open in the admin's console. */
  async function openFormFor(visitorName: string): Promise<{ sessionId: string; created: Promise<void> }> {
    const { startChat } = await api<{ startChat: { session: { id: string } } }>(
      `mutation($input: StartChatInput!) { startChat(input: $input) { session { id } } }`,
      {
        input: { channelId, message: 'Hello', name: visitorName, email: `${crypto.randomUUID()}@example.com` },
      },
    );
    const sessionId = startChat.session.id;
    await api(`mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`, { id: sessionId }, adminToken);
    const { client, socket } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => adminToken });
    const [socketStatus] = createSignal<'idle'>('idle');
    const [reconnects] = createSignal(0);
    const runtime: ConsoleRuntime = { session: createSessionStore(), client, socket, socketStatus, reconnects };
    runtimes.push(runtime);
    const { chatSession } = await runQuery(client, ConversationQuery, { id: sessionId });
    let resolveCreated!: () => void;
    const created = new Promise<void>((resolve) => (resolveCreated = resolve));
    render(() => (
      <RuntimeProvider runtime={runtime}>
        <CreateContactForm sessionId={sessionId} session={chatSession!} onCancel={() => {}} onCreated={resolveCreated} />
      </RuntimeProvider>
    ));
    return { sessionId, created };
  }

  const contactOf = async (sessionId: string) =>
    (
      await api<{ chatSession: { contact: { firstName: string; lastName: string; name: string } | null } }>(
        `query($id: ID!) { chatSession(id: $id) { contact { firstName lastName name } } }`,
        { id: sessionId },
        adminToken,
      )
    ).chatSession.contact;

  it('leaves the names to the server, which splits the visitor’s name after its first word', async () => {
    const { sessionId, created } = await openFormFor('Jane van der Berg');
    expect((screen.getByLabelText('First name') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Last name') as HTMLInputElement).value).toBe('');
    expect(screen.getByText('Leave both names empty to take the visitor’s name, “Jane van der Berg”.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create contact' }));
    await created;
    expect(await contactOf(sessionId)).toEqual({ firstName: 'Jane', lastName: 'van der Berg', name: 'Jane van der Berg' });
  });

  it('sends the names the agent typed, both of them', async () => {
    const { sessionId, created } = await openFormFor('Jane van der Berg');
    fireEvent.input(screen.getByLabelText('Last name'), { target: { value: 'Berg' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create contact' }));
    await created;
    await waitFor(async () => expect(await contactOf(sessionId)).toEqual({ firstName: '', lastName: 'Berg', name: 'Berg' }));
  });
});
