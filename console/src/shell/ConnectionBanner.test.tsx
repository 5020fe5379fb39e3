import { cleanup, render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketStatus } from '../graphql-client';
import type { ConsoleRuntime } from '../console-runtime';
import { RuntimeProvider } from '../runtime';
import { ConnectionBanner } from './ConnectionBanner';

describe('ConnectionBanner', () => {
  afterEach(cleanup);

  function renderWith(status: SocketStatus) {
    const [socketStatus, setStatus] = createSignal<SocketStatus>(status);
    const [reconnects] = createSignal(0);
    // The banner reads only the socket's status and reconnect count.
    const runtime = { socketStatus, reconnects } as unknown as ConsoleRuntime;
    render(() => (
      <RuntimeProvider runtime={runtime}>
        <ConnectionBanner />
      </RuntimeProvider>
    ));
    return setStatus;
  }

  it('says why live updates stopped when the server limits the connection (4290), and clears once connected', () => {
    const setStatus = renderWith('limited');
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toMatch(/Live updates paused/);
    expect(banner.textContent).toMatch(/too many connections or requests from your network/);
    expect(banner.textContent).toMatch(/about a minute/);
    setStatus('connected');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the plain connection-lost banner for a lost socket', () => {
    renderWith('reconnecting');
    expect(screen.getByRole('alert').textContent).toMatch(/Connection lost/);
  });
});
