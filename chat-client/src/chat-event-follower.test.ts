import { describe, expect, it, vi } from 'vitest';
import { followChatEventLog } from './chat-event-follower';
import type { ApiError } from './errors';
import { createChatSocket, WS_UNAUTHENTICATED } from './socket';
import { type ServerSubscription, useGraphqlTestServer } from './testing/graphql-test-server';

const CHAT_EVENTS = 'subscription($sessionId:ID!,$after:Int){chatEvents(sessionId:$sessionId,after:$after){cursor type}}';

interface Event {
  cursor: number | null;
  type: string;
}

const event = (cursor: number | null, type = 'MESSAGE') => ({ data: { chatEvents: { cursor, type } } });

describe('followChatEventLog against a real socket', () => {
  const server = useGraphqlTestServer();
  /** The subscriptions the server holds open, newest last. */
  let open: ServerSubscription[] = [];

  function follow(overrides: { after?: number; onFailed?: (error: ApiError, failures: number) => number | undefined } = {}) {
    open = [];
    server.onSubscribe = (subscription) => open.push(subscription);
    const socket = createChatSocket({ endpoint: server.url, getToken: () => 'token', keepAlive: 10_000, reconnectDelayMs: () => 50 });
    const events: Event[] = [];
    const refused: ApiError[] = [];
    const failed: [ApiError, number][] = [];
    const stop = followChatEventLog<Event>({
      socket,
      query: CHAT_EVENTS,
      sessionId: 's1',
      after: overrides.after ?? 0,
      onEvent: (e) => events.push(e),
      onRefused: (error) => refused.push(error),
      onFailed(error, failures) {
        failed.push([error, failures]);
        return overrides.onFailed?.(error, failures);
      },
    });
    return { socket, events, refused, failed, stop };
  }

  it('asks for the events after the given cursor, passes each once, and live-only events every time', async () => {
    const { socket, events, stop } = follow({ after: 3 });
    await vi.waitFor(() => expect(open).toHaveLength(1));
    expect(server.subscribePayloads[0]).toMatchObject({ query: CHAT_EVENTS, variables: { sessionId: 's1', after: 3 } });

    // A replayed event racing a live one: 5 arrives twice, 3 is not newer than the start.
    for (const result of [event(4), event(5), event(null, 'TYPING'), event(5), event(3), event(null, 'TYPING'), event(6)]) open[0]!.next(result);
    await vi.waitFor(() => expect(events.at(-1)?.cursor).toBe(6));
    expect(events.map((e) => e.cursor)).toEqual([4, 5, null, null, 6]);

    stop();
    await vi.waitFor(() => expect(server.completedByClient).toHaveLength(1));
    await socket.dispose();
  });

  it('resumes after the newest cursor when the socket comes back', async () => {
    const { socket, events, stop } = follow();
    await vi.waitFor(() => expect(open).toHaveLength(1));
    open[0]!.next(event(1));
    open[0]!.next(event(2));
    await vi.waitFor(() => expect(events).toHaveLength(2));

    server.dropAllSockets();
    await vi.waitFor(() => expect(open).toHaveLength(2), { timeout: 5000 });
    expect(server.subscribePayloads.map((p) => p.variables?.after)).toEqual([0, 2]);
    open[1]!.next(event(2));
    open[1]!.next(event(3));
    await vi.waitFor(() => expect(events.map((e) => e.cursor)).toEqual([1, 2, 3]));
    stop();
    await socket.dispose();
  });

  it('follows again from the newest cursor when the server ends the stream', async () => {
    const { socket, events, stop } = follow();
    await vi.waitFor(() => expect(open).toHaveLength(1));
    open[0]!.next(event(7));
    open[0]!.complete();
    await vi.waitFor(() => expect(open).toHaveLength(2), { timeout: 5000 });
    expect(server.subscribePayloads.map((p) => p.variables?.after)).toEqual([0, 7]);
    expect(events.map((e) => e.cursor)).toEqual([7]);
    stop();
    await socket.dispose();
  });

  it('reports GraphQL errors in a result as a refusal, with the code the server gave', async () => {
    const { socket, events, refused, failed, stop } = follow();
    await vi.waitFor(() => expect(open).toHaveLength(1));
    open[0]!.next({ errors: [{ message: 'Chat session s1 was not found.', extensions: { code: 'NOT_FOUND' } }] });
    await vi.waitFor(() => expect(refused).toHaveLength(1));
    expect([refused[0]!.code, refused[0]!.message]).toEqual(['NOT_FOUND', 'Chat session s1 was not found.']);
    expect([events, failed]).toEqual([[], []]);
    stop();
    await socket.dispose();
  });

  it('on a failed stream follows again after the wait it is given, counting failures since the last answer', async () => {
    const { socket, events, failed, stop } = follow({ onFailed: () => 10 });
    await vi.waitFor(() => expect(open).toHaveLength(1));
    open[0]!.next(event(1));
    open[0]!.error([{ message: 'Too many operations on this socket.', extensions: { code: 'LIMIT_EXCEEDED' } }]);
    await vi.waitFor(() => expect(open).toHaveLength(2));
    open[1]!.error([{ message: 'Again.', extensions: { code: 'LIMIT_EXCEEDED' } }]);
    await vi.waitFor(() => expect(open).toHaveLength(3));
    open[2]!.next(event(2));
    open[2]!.error([{ message: 'Once more.' }]);
    await vi.waitFor(() => expect(open).toHaveLength(4));

    expect(failed.map(([error, failures]) => [error.code, error.message, failures])).toEqual([
      ['LIMIT_EXCEEDED', 'Too many operations on this socket.', 0],
      ['LIMIT_EXCEEDED', 'Again.', 1],
      ['INTERNAL', 'Once more.', 0],
    ]);
    expect(server.subscribePayloads.map((p) => p.variables?.after)).toEqual([0, 1, 1, 2]);
    expect(events.map((e) => e.cursor)).toEqual([1, 2]);
    stop();
    await socket.dispose();
  });

  it('reports a socket refused for its token with the close code, and stops when told nothing', async () => {
    server.onConnectionInit = () => ({ code: WS_UNAUTHENTICATED, reason: 'Unauthenticated: the token has expired.' });
    const { socket, failed } = follow();
    await vi.waitFor(() => expect(failed).toHaveLength(1));
    const [error, failures] = failed[0]!;
    expect([error.code, error.message, error.extensions.closeCode, failures]).toEqual([
      'NETWORK',
      'The live connection to this chat failed.',
      WS_UNAUTHENTICATED,
      0,
    ]);
    // Stopped: the one socket closed and nothing subscribed again (graphql-ws opens a socket per subscribe when none is open).
    await server.socketClosed[0];
    expect(server.connectionInitPayloads).toHaveLength(1);
    await socket.dispose();
  });
});
