import { gql } from '@urql/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient, graphqlEndpointFromScriptSrc, toWebSocketUrl } from './graphql-client';

describe('graphql endpoints', () => {
  it('targets the origin that served widget.js, not the host page', () => {
    expect(graphqlEndpointFromScriptSrc('https://chat.example.com/widget.js?v=3')).toBe(
      'https://chat.example.com/graphql',
    );
    expect(graphqlEndpointFromScriptSrc('http://127.0.0.1:4000/static/widget.js')).toBe(
      'http://127.0.0.1:4000/graphql',
    );
  });

  it('maps http(s) to ws(s) for subscriptions', () => {
    expect(toWebSocketUrl('https://chat.example.com/graphql')).toBe('wss://chat.example.com/graphql');
    expect(toWebSocketUrl('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql');
  });
});

describe('createGraphqlClient', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends a bearer token only once one exists', async () => {
    const fetchMock = vi.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify({ data: { ping: 'pong' } }), {
          headers: { 'content-type': 'application/json' },
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    let token: string | null = null;
    const client = createGraphqlClient({ endpoint: 'https://chat.example.com/graphql', getToken: () => token });
    const ping = gql`
      query Ping {
        ping
      }
    `;

    const first = await client.query(ping, {}, { requestPolicy: 'network-only' }).toPromise();
    token = 'visitor-token';
    await client.query(ping, {}, { requestPolicy: 'network-only' }).toPromise();

    expect(first.data).toEqual({ ping: 'pong' });
    // Queries go out as GET (urql's preferGetMethod default), so match the endpoint prefix.
    expect(String(fetchMock.mock.calls[0]?.[0])).toMatch(/^https:\/\/chat\.example\.com\/graphql\?/);
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get('authorization')).toBeNull();
    expect(new Headers(fetchMock.mock.calls[1]?.[1]?.headers).get('authorization')).toBe('Bearer visitor-token');
  });
});
