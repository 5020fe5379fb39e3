import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiErrorFromGraphql, NETWORK_ERROR_MESSAGE } from '@livechat/chat-client/errors';
import { useGraphqlTestServer } from '@livechat/chat-client/testing/graphql-test-server';
import { describe, expect, it } from 'vitest';
import { createGraphqlClient, createSocket, graphqlEndpointFromScriptSrc, retryDelayMs } from './graphql-client';

// The socket under createSocket (tokens per connect, resending after a drop, the wait after a
// 4290) is chat-client's createChatSocket, tested there; these tests are about the widget's own.

const PING = 'query Ping($n:Int){ping(n:$n)}';

describe('graphql endpoints', () => {
  it('targets the origin that served widget.js, not the host page', () => {
    expect(graphqlEndpointFromScriptSrc('https://chat.example.com/widget.js?v=3')).toBe('https://chat.example.com/graphql');
    expect(graphqlEndpointFromScriptSrc('http://127.0.0.1:4000/static/widget.js')).toBe('http://127.0.0.1:4000/graphql');
  });
});

describe('createGraphqlClient against a real server', () => {
  const server = useGraphqlTestServer();

  // What the embed does: the API that served widget.js also serves /graphql.
  const endpoint = () => graphqlEndpointFromScriptSrc(`${server.origin}/static/widget.js?v=3`);

  it('POSTs {query, variables} as JSON with the CSRF header, and a bearer token only once one exists, read per request', async () => {
    let token: string | null = null;
    const client = createGraphqlClient({ endpoint: endpoint(), getToken: () => token });

    const anonymous = await client(PING, { n: 1 });
    expect(anonymous).toEqual({ data: { ping: 'pong' } });

    token = 'visitor-token';
    expect(await client(PING, { n: 2 })).toEqual({ data: { ping: 'pong' } });
    token = 'rotated-token';
    // The same document again: no cache, it goes to the server.
    await client(PING, { n: 2 });

    expect(server.httpRequests).toHaveLength(3);
    server.httpRequests.forEach((request, i) => {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/graphql');
      expect(request.headers['x-graphql-yoga-csrf']).toBe('1');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.accept).toBe('application/graphql-response+json, application/json');
      expect(JSON.parse(request.body)).toEqual({ query: PING, variables: { n: Math.min(i + 1, 2) } });
    });
    expect(server.httpAuthorization).toEqual([undefined, 'Bearer visitor-token', 'Bearer rotated-token']);
  });

  it('returns GraphQL errors with their code and extensions, with any status, and beside data', async () => {
    const client = createGraphqlClient({ endpoint: endpoint(), getToken: () => 'revoked-token' });
    const notFound = { message: 'Chat not found', extensions: { code: 'NOT_FOUND' } };

    server.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ data: null, errors: [notFound] }) };
    expect(await client(PING)).toEqual({ data: null, errors: [notFound] });

    // What Yoga sends for a refused token under application/graphql-response+json.
    const unauthenticated = { message: 'Not signed in', extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } };
    server.answer = { status: 401, contentType: 'application/graphql-response+json', body: JSON.stringify({ errors: [unauthenticated] }) };
    expect(await client(PING)).toEqual({ errors: [unauthenticated] });

    const limited = { message: 'Too many requests', extensions: { code: 'RATE_LIMITED', retryAfter: 12 } };
    server.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ data: { ping: 'pong' }, errors: [limited, notFound] }) };
    expect(await client(PING)).toEqual({ data: { ping: 'pong' }, errors: [limited, notFound] });

    expect(server.httpAuthorization).toEqual(['Bearer revoked-token', 'Bearer revoked-token', 'Bearer revoked-token']);
  });

  it('answers NETWORK when there is no GraphQL answer: a proxy’s 502 page, a 5xx without errors, a non-JSON 200, no server', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    const network = { errors: [{ message: NETWORK_ERROR_MESSAGE, extensions: { code: 'NETWORK' } }] };

    server.answer = { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    expect(await client(PING)).toEqual(network);
    server.answer = { status: 503, contentType: 'application/json', body: JSON.stringify({ data: { ping: 'pong' } }) };
    expect(await client(PING)).toEqual(network);
    server.answer = { status: 200, contentType: 'text/plain', body: 'pong' };
    expect(await client(PING)).toEqual(network);
    server.answer = { status: 200, contentType: 'application/json', body: 'null' };
    expect(await client(PING)).toEqual(network);
    expect(server.httpRequests).toHaveLength(4);

    // A port nothing listens on: the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await createGraphqlClient({ endpoint: `http://127.0.0.1:${port}/graphql` })(PING)).toEqual(network);
  });

  it('makes the ApiError from the first GraphQL error’s message and code, or NETWORK without an answer', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    server.answer = {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        errors: [
          { message: 'Slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 3 } },
          { message: 'Second', extensions: { code: 'FORBIDDEN' } },
        ],
      }),
    };
    const limited = apiErrorFromGraphql((await client(PING)).errors);
    expect([limited.message, limited.code, limited.retryAfter]).toEqual(['Slow down', 'RATE_LIMITED', 3]);

    server.answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'Boom' }] }) };
    expect(apiErrorFromGraphql((await client(PING)).errors)).toMatchObject({ message: 'Boom', code: 'INTERNAL' });

    server.answer = { status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' };
    expect(apiErrorFromGraphql((await client(PING)).errors)).toMatchObject({ message: NETWORK_ERROR_MESSAGE, code: 'NETWORK' });
  });

  it('works without getToken: no authorization anywhere', async () => {
    const client = createGraphqlClient({ endpoint: endpoint() });
    const socket = createSocket({ endpoint: endpoint() });

    const query = await client(PING);
    const subscription = await new Promise((resolve, reject) => {
      let first: unknown;
      socket.subscribe({ query: 'subscription Events { event }' }, { next: (value) => (first ??= value), error: reject, complete: () => resolve(first) });
    });

    expect(query.data).toEqual({ ping: 'pong' });
    expect(subscription).toEqual({ data: { event: 'hello' } });
    expect(server.httpAuthorization).toEqual([undefined]);
    expect(server.connectionInitPayloads).toEqual([{}]);
    await socket.dispose();
  });
});

describe('retryDelayMs', () => {
  it('backs off from about 1 s to at most 10 s, and waits 30 to 60 s while the server limits the socket', () => {
    for (let i = 0; i < 50; i++) {
      expect(retryDelayMs(0, false)).toBeGreaterThanOrEqual(500);
      expect(retryDelayMs(0, false)).toBeLessThanOrEqual(1000);
      expect(retryDelayMs(10, false)).toBeLessThanOrEqual(10_000);
      const limited = retryDelayMs(0, true);
      expect(limited).toBeGreaterThanOrEqual(30_000);
      expect(limited).toBeLessThanOrEqual(60_000);
    }
  });
});
