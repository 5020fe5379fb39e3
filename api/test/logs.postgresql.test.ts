import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiProcess, type ApiProcess } from './api-process';
import { CHAT_EVENTS, SEND, START_CHAT } from './chat-fixtures';
import { createPostgresDatabase, subscribe, wsRequest } from './harness';

// A real process with its real stdout: what an operator's log collector would receive.
let api: ApiProcess;
let database: { url: string; drop(): Promise<void> };
const unique = () => randomBytes(8).toString('hex');
const adminEmail = `admin-${unique()}@example.com`;
const adminPassword = `pw-${unique()}-Secret!`;
const wrongPassword = `wrong-${unique()}`;

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { response, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

beforeAll(async () => {
  database = await createPostgresDatabase();
  api = await startApiProcess({
    DATABASE_URL: database.url,
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  });
});

afterAll(async () => {
  await api?.kill();
  await database?.drop();
});

describe('structured logs of a running API', () => {
  it('logs every operation as JSON with ids, names, principal kinds and durations, and no secret or message body', async () => {
    const secrets: string[] = [adminPassword, wrongPassword];

    const refused = await gql(`mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: adminEmail, p: wrongPassword });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const login = await gql(
      `mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
      { e: adminEmail, p: adminPassword },
      undefined,
      {
        'x-request-id': 'ops-trace-42',
      },
    );
    expect(login.response.headers.get('x-request-id')).toBe('ops-trace-42');
    const agentToken: string = login.body.data.login.token;
    secrets.push(agentToken);

    const created = await gql(
      `mutation CreateToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`,
      { input: { name: 'log test', scopes: ['CHATS_READ'] } },
      agentToken,
    );
    const apiToken: string = created.body.data.createApiToken.token;
    secrets.push(apiToken);
    const listed = await gql(`query ListChats { chatSessions(first: 5) { edges { node { id } } } }`, {}, apiToken, { 'x-request-id': 'bad id with spaces' });
    expect(listed.body.errors).toBeUndefined();
    const generatedId = listed.response.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    const channel = await gql(
      `mutation NewChannel($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
      { input: { name: 'Log test', prechatRequiredFields: [] } },
      agentToken,
    );
    expect(channel.body.errors).toBeUndefined();
    const channelId: string = channel.body.data.createChannel.id;
    const present = await gql(`mutation Staff { setPresence(presence: PRESENT) { id } }`, {}, agentToken);
    expect(present.body.errors).toBeUndefined();
    const member = await gql(
      `mutation Join($a: ID!, $c: ID!) { setChannelMember(agentId: $a, channelId: $c, flags: { canRespond: true }) { canRespond } }`,
      { a: present.body.data.setPresence.id, c: channelId },
      agentToken,
    );
    expect(member.body.errors).toBeUndefined();
    const firstBody = `first words ${unique()}`;
    secrets.push(firstBody);
    const started = await gql(START_CHAT, { input: { channelId, message: firstBody } });
    expect(started.body.errors).toBeUndefined();
    const visitorToken: string = started.body.data.startChat.visitorToken;
    const sessionId: string = started.body.data.startChat.session.id;
    secrets.push(visitorToken);

    const httpBody = `over http ${unique()}`;
    secrets.push(httpBody);
    expect((await gql(SEND, { input: { sessionId, body: httpBody, clientMessageId: randomUUID() } }, visitorToken)).body.errors).toBeUndefined();

    // Over a WebSocket: the socket's operations carry the socket's id.
    const socket = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${visitorToken}` },
      retryAttempts: 0,
    });
    const events = subscribe(socket, CHAT_EVENTS, { id: sessionId, after: 0 });
    const wsBody = `over the socket ${unique()}`;
    secrets.push(wsBody);
    const sent = await wsRequest(socket, SEND, { input: { sessionId, body: wsBody, clientMessageId: randomUUID() } });
    expect(sent.errors).toBeUndefined();
    await events.waitFor((e) => e.chatEvents.message?.body === wsBody);
    events.stop();
    await socket.dispose();

    const exit = await api.terminate();
    expect(exit.code).toBe(0);

    const output = api.output();
    for (const secret of secrets) expect(output, `the log holds ${secret}`).not.toContain(secret);

    const lines = api.stdoutLines().map((line) => {
      try {
        return JSON.parse(line) as Record<string, any>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    expect(lines.find((l) => /^Live chat API on http:\/\//.test(l.msg))).toBeDefined();
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(Number), time: expect.any(String), msg: expect.any(String) });

    const operations = lines.filter((l) => l.msg === 'graphql operation' || l.msg === 'graphql subscription started');
    for (const op of operations)
      expect(op).toMatchObject({ reqId: expect.any(String), principal: expect.any(String), durationMs: expect.any(Number), outcome: expect.any(String) });
    const byName = (name: string) => operations.filter((op) => op.operation === name);
    expect(byName('Login')).toEqual([
      expect.objectContaining({ principal: 'anonymous', outcome: 'error', errorCodes: ['UNAUTHENTICATED'] }),
      expect.objectContaining({ principal: 'anonymous', outcome: 'ok', reqId: 'ops-trace-42' }),
    ]);
    expect(byName('CreateToken')).toEqual([expect.objectContaining({ principal: 'agent', outcome: 'ok', operationType: 'mutation' })]);
    expect(byName('ListChats')).toEqual([expect.objectContaining({ principal: 'token', outcome: 'ok', reqId: generatedId })]);

    // The chat fixtures' operations are anonymous documents: type and principal still say what ran.
    const sends = operations.filter((op) => op.operationType === 'mutation' && op.principal === 'visitor');
    expect(sends.map((op) => op.rootFields)).toEqual([['sendMessage'], ['sendMessage']]);
    expect(sends).toHaveLength(2);
    const socketOpened = lines.find((l) => l.msg === 'websocket opened');
    expect(socketOpened?.reqId).toEqual(expect.any(String));
    expect(sends.map((op) => op.reqId)).toContain(socketOpened!.reqId);
    expect(operations).toContainEqual(
      expect.objectContaining({ msg: 'graphql subscription started', operationType: 'subscription', principal: 'visitor', reqId: socketOpened!.reqId }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'websocket closed', reqId: socketOpened!.reqId }));

    // HTTP requests: one line each, with the same id the response echoed.
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http request', reqId: 'ops-trace-42', method: 'POST', path: '/graphql', status: 200 }));
    expect(lines.some((l) => 'variables' in l || 'query' in l || 'authorization' in l)).toBe(false);
    expect(lines.at(-1)?.msg).toBe('shut down');
  });
});
