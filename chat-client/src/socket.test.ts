import { describe, expect, it, vi } from 'vitest';
import { backoffMs } from './backoff';
import { createChatSocket, toWebSocketUrl, WS_TOO_MANY_REQUESTS } from './socket';
import { useGraphqlTestServer } from './testing/graphql-test-server';

const EVENTS = 'subscription Events { event }';
/** A subscription that stays open, as a live event stream does. */
const keepOpen = () => {};

/** One subscription over the socket: resolves with its first result once the server completes it. */
function subscribeOnce(socket: ReturnType<typeof createChatSocket>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let first: unknown;
    socket.subscribe({ query: EVENTS }, { next: (value) => (first ??= value), error: reject, complete: () => resolve(first) });
  });
}

describe('toWebSocketUrl', () => {
  it('maps http(s) to ws(s), keeping host, port and path', () => {
    expect(toWebSocketUrl('https://chat.example.com/graphql')).toBe('wss://chat.example.com/graphql');
    expect(toWebSocketUrl('http://127.0.0.1:4000/api/graphql')).toBe('ws://127.0.0.1:4000/api/graphql');
  });
});

describe('createChatSocket against a real server', () => {
  const server = useGraphqlTestServer();
  const quickly = (retries: number, limited: boolean) => (limited ? 60_000 : backoffMs(retries, 100, 1000));

  it('sends the token in force at each connect as connectionParams, nothing without one', async () => {
    let token: string | null = null;
    const socket = createChatSocket({ endpoint: server.url, getToken: () => token, keepAlive: 10_000, reconnectDelayMs: quickly });

    expect(await subscribeOnce(socket)).toEqual({ data: { event: 'hello' } });
    expect(server.connectionInitPayloads).toEqual([{}]);

    // graphql-ws is lazy: the socket closes once the last subscription ends and the next
    // subscription opens a fresh one, which must read the token again.
    await server.socketClosed[0];
    token = 'visitor-token';
    expect(await subscribeOnce(socket)).toEqual({ data: { event: 'hello' } });
    expect(server.connectionInitPayloads).toEqual([{}, { authorization: 'Bearer visitor-token' }]);
    // Subscriptions go over the socket only.
    expect(server.httpRequests).toEqual([]);
    await socket.dispose();
  });

  it('re-sends a live subscription after the socket drops, with its payload as it is then', async () => {
    server.onSubscribe = keepOpen;
    const socket = createChatSocket({ endpoint: server.url, getToken: () => 'token', keepAlive: 10_000, reconnectDelayMs: quickly });
    const payload = { query: EVENTS, variables: { after: 1 } };
    const stop = socket.subscribe(payload, { next: () => {}, error: () => {}, complete: () => {} });
    await vi.waitFor(() => expect(server.subscribePayloads).toHaveLength(1));

    payload.variables.after = 7;
    server.dropAllSockets();
    await vi.waitFor(() => expect(server.subscribePayloads).toHaveLength(2), { timeout: 5000 });
    expect(server.subscribePayloads.map((p) => p.variables?.after)).toEqual([1, 7]);
    expect(server.connectionInitPayloads).toEqual([{ authorization: 'Bearer token' }, { authorization: 'Bearer token' }]);
    stop();
    await socket.dispose();
  });

  it('waits the limited delay before it reconnects after the server closed it for too many requests (4290)', async () => {
    server.onSubscribe = keepOpen;
    const asked: [number, boolean][] = [];
    const socket = createChatSocket({
      endpoint: server.url,
      getToken: () => null,
      keepAlive: 10_000,
      reconnectDelayMs: (retries, limited) => {
        asked.push([retries, limited]);
        return quickly(retries, limited);
      },
    });
    const closes: number[] = [];
    socket.on('closed', (event) => closes.push((event as CloseEvent).code));
    const stop = socket.subscribe({ query: EVENTS, variables: { after: 1 } }, { next: () => {}, error: () => {}, complete: () => {} });
    await vi.waitFor(() => expect(server.subscribePayloads).toHaveLength(1));

    server.closeAllSockets(WS_TOO_MANY_REQUESTS, 'RATE_LIMITED: more than 200 open connections from one address');
    await vi.waitFor(() => expect(asked).toEqual([[0, true]]));
    expect(closes).toEqual([WS_TOO_MANY_REQUESTS]);
    // A plain drop is retried within 100 ms here (the test above); this one waits its 60 s.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(server.connectionInitPayloads).toHaveLength(1);
    stop();
    // Disposing waits for the pending reconnect; nothing depends on it here.
    void socket.dispose();
  });
});
