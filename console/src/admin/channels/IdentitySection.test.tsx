import { cleanup, fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { startApiServer, type ApiServer } from 'e2e/support/api-server';
import { gql, login } from 'e2e/support/graphql';
import { createSignal } from 'solid-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlConnection } from '../../graphql-client';
import type { ConsoleRuntime } from '../../console-runtime';
import { RuntimeProvider } from '../../runtime';
import { createSessionStore } from '../../session';
import { useNodeWebSocketAsGlobal } from '@livechat/chat-client/testing/node-websocket';
import { IdentitySection } from './IdentitySection';

// The identity section against the real API: the secret is read only when the admin asks for it.
describe('IdentitySection', () => {
  let server: ApiServer;
  let restoreWebSocket: () => void;
  let adminToken: string;
  let channelId: string;
  const runtimes: ConsoleRuntime[] = [];
  /** Names of the GraphQL operations the section sent over HTTP. */
  const operations: string[] = [];
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    restoreWebSocket = useNodeWebSocketAsGlobal();
    server = await startApiServer({ requireBuiltConsole: false });
    adminToken = (await login(server.url, server.adminEmail, server.adminPassword)).token;
    const { channels } = await gql<{ channels: { id: string; name: string }[] }>(server.url, `{ channels { id name } }`, {}, adminToken);
    channelId = channels.find((c) => c.name === 'Sales')!.id;
    // urql sends queries as GET (operationName in the URL) and mutations as POST.
    globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { operationName?: string }) : null;
      const name = body?.operationName ?? url.searchParams.get('operationName');
      if (name) operations.push(name);
      return realFetch(input, init);
    };
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await server?.dispose();
    restoreWebSocket?.();
  });
  afterEach(async () => {
    cleanup();
    await Promise.all(runtimes.splice(0).map((r) => r.socket.dispose()));
    operations.length = 0;
  });

  function renderSection() {
    const { client, socket } = createGraphqlConnection({ endpoint: `${server.url}/graphql`, getToken: () => adminToken });
    const [socketStatus] = createSignal<'idle'>('idle');
    const [reconnects] = createSignal(0);
    const runtime: ConsoleRuntime = { session: createSessionStore(), client, socket, socketStatus, reconnects };
    runtimes.push(runtime);
    render(() => (
      <RuntimeProvider runtime={runtime}>
        <IdentitySection channelId={channelId} />
      </RuntimeProvider>
    ));
  }

  const currentSecret = async () =>
    (
      await gql<{ channelIdentitySecret: { secret: string | null } }>(
        server.url,
        `query($id: ID!) { channelIdentitySecret(channelId: $id) { secret } }`,
        { id: channelId },
        adminToken,
      )
    ).channelIdentitySecret.secret;

  it('shows whether verification is on without loading the secret, and loads it on “Show the secret”', async () => {
    await gql(server.url, `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { secret } }`, { id: channelId }, adminToken);
    const secret = (await currentSecret())!;
    renderSection();
    await screen.findByText('On');
    expect(screen.getByText(/^secret made /)).toBeTruthy();
    expect(operations).toEqual(['ChannelIdentityVerificationAdmin']);
    expect(document.body.textContent).not.toContain(secret);

    fireEvent.click(screen.getByRole('button', { name: 'Show the secret' }));
    await waitFor(() => expect(document.querySelector('.copyable-code')?.textContent).toBe(secret));
    expect(operations).toEqual(['ChannelIdentityVerificationAdmin', 'ChannelIdentitySecretAdmin']);
  });

  it('turns verification off after saying what that means, and on again with a new secret shown at once', async () => {
    await gql(server.url, `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { secret } }`, { id: channelId }, adminToken);
    renderSection();
    await screen.findByText('On');
    fireEvent.click(screen.getByRole('button', { name: 'Turn off…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Turn off verified identities?' });
    expect(dialog.textContent).toContain('no visitor is shown as verified in this channel and no email is refused');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Turn off' }));
    await screen.findByText('Off');
    expect(await currentSecret()).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Turn on and make a secret' }));
    await screen.findByText('On');
    const made = (await currentSecret())!;
    await waitFor(() => expect(document.querySelector('.copyable-code')?.textContent).toBe(made));
    expect(operations).not.toContain('ChannelIdentitySecretAdmin');
  });
});
