import { cleanup, render, screen, waitFor } from '@solidjs/testing-library';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { createAgent, gql, login } from 'e2e/support/graphql';
import { createSignal } from 'solid-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runQuery } from './api';
import { createGraphqlConnection } from './graphql-client';
import type { ConsoleRuntime } from './console-runtime';
import { RuntimeProvider } from './runtime';
import { createSessionStore } from './session';
import { useNodeWebSocketAsGlobal } from '@livechat/chat-client/testing/node-websocket';
import { WorkspaceProvider, useWorkspace } from './workspace';
import { MeQuery, type AgentEvent } from './workspace-operations';

// The workspace against the real API: what agentEvents says changed is what gets read again.
describe('WorkspaceProvider', () => {
  let server: ApiServer;
  let restoreWebSocket: () => void;
  let adminToken: string;
  let channelId: string;
  let runtime: ConsoleRuntime;
  const api = <T = any>(query: string, variables: Record<string, unknown> = {}) => gql<T>(server.url, query, variables, adminToken);

  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    server = await startApiServer({ requireBuiltConsole: false });
    adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
    const { channels } = await api<{ channels: { id: string; name: string }[] }>(`{ channels { id name } }`);
    channelId = channels.find((c) => c.name === 'Technical support')!.id;
  });
  afterAll(async () => {
    await server?.dispose();
    restoreWebSocket?.();
  });
  afterEach(async () => {
    cleanup();
    await runtime?.socket.dispose();
  });

  /** The admin's console, showing what the workspace knows about one channel. */
  async function renderWorkspace(onEvent: (event: AgentEvent) => void) {
    const { client, socket } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => adminToken });
    const [socketStatus] = createSignal<'idle'>('idle');
    const [reconnects] = createSignal(0);
    runtime = { session: createSessionStore(), client, socket, socketStatus, reconnects };
    const { me } = await runQuery(client, MeQuery, {});
    function Probe() {
      const workspace = useWorkspace();
      workspace.onAgentEvent(onEvent);
      return (
        <dl>
          <dt>Channel</dt>
          <dd data-testid="channel-name">{workspace.membership(channelId)?.channel.name}</dd>
          <dt>Warn after</dt>
          <dd data-testid="warn-minutes">{workspace.waitWarningMinutes(channelId) ?? 'off'}</dd>
        </dl>
      );
    }
    render(() => (
      <RuntimeProvider runtime={runtime}>
        <WorkspaceProvider me={me}>
          <Probe />
        </WorkspaceProvider>
      </RuntimeProvider>
    ));
  }

  it('takes an admin’s change to a channel’s name and wait warnings without a reload', async () => {
    const events: AgentEvent[] = [];
    await renderWorkspace((event) => events.push(event));
    await waitFor(() => expect(events.length).toBeGreaterThan(0));
    expect(screen.getByTestId('channel-name').textContent).toBe('Technical support');
    expect(screen.getByTestId('warn-minutes').textContent).toBe('off');

    await api(`mutation($id: ID!) { updateChannel(id: $id, input: { name: "Tech support", warnAgentsAfterMinutes: 7 }) { id } }`, { id: channelId });
    await waitFor(() => expect(screen.getByTestId('warn-minutes').textContent).toBe('7'));
    expect(screen.getByTestId('channel-name').textContent).toBe('Tech support');
    await api(`mutation($id: ID!) { updateChannel(id: $id, input: { name: "Technical support", warnAgentsAfterMinutes: null }) { id } }`, { id: channelId });
    await waitFor(() => expect(screen.getByTestId('warn-minutes').textContent).toBe('off'));
  });

  it('does not read my chat list again when another agent joins or leaves one of my channels', async () => {
    const events: AgentEvent[] = [];
    await renderWorkspace((event) => events.push(event));
    await waitFor(() => expect(events.length).toBeGreaterThan(0));
    const requests = vi.spyOn(globalThis, 'fetch');
    try {
      // urql sends queries as GET (the operation in the URL) when they fit, else as a POST body.
      const chatListReads = () => requests.mock.calls.filter(([input, init]) => `${String(input)} ${String(init?.body ?? '')}`.includes('MyChats')).length;
      const colleague = await createAgent(server.url, adminToken, { email: 'colleague@console.test', name: 'Colleague' });
      await api(`mutation($c: ID!, $a: ID!) { setChannelMember(channelId: $c, agentId: $a) { canRespond } }`, { c: channelId, a: colleague.id });
      await waitFor(() => expect(events.at(-1)?.reasons).toEqual(['members']));
      await api(`mutation($c: ID!, $a: ID!) { removeChannelMember(channelId: $c, agentId: $a) { id } }`, { c: channelId, a: colleague.id });
      await waitFor(() => expect(events.filter((e) => e.reasons.includes('members'))).toHaveLength(2));
      expect(chatListReads()).toBe(0);
      // A change that does concern my chats is read again (the spy sees the console's requests).
      await api(`mutation($id: ID!) { updateChannel(id: $id, input: { description: "Help with our products" }) { id } }`, { id: channelId });
      await waitFor(() => expect(chatListReads()).toBeGreaterThan(0));
    } finally {
      requests.mockRestore();
    }
  });
});
