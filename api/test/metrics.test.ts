import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app';
import { configFromEnv } from '../src/platform/config';
import { channelWithAgents } from './chat-fixtures';
import { redisUrl, startTestApp, subscribe, type TestApp } from './harness';
import { sseSubscribe } from './sse-client';

const START_CHAT = `mutation StartChat($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id } } }`;
const SEND = `mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;
const WATCH = `subscription WatchChat($id: ID!, $after: Int) { chatEvents(sessionId: $id, after: $after) { cursor type message { body } } }`;
const SEND_MESSAGE_LIMIT = 3;

/** The value of one sample in Prometheus text, matching every given label; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** Scrapes until `check` holds: gauges follow socket closes a moment after the client saw them. */
async function eventually(scrape: () => Promise<string>, check: (text: string) => boolean, attempts = 100): Promise<string> {
  let text = '';
  for (let i = 0; i < attempts; i++) {
    text = await scrape();
    if (check(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition never held; last scrape:\n${text.slice(0, 4000)}`);
}

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = `metrics-${randomBytes(12).toString('hex')}`;
  let app: TestApp;
  const scrape = async () => {
    const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    const defaults = configFromEnv({});
    app = await startTestApp({
      metrics: { token, port: null, host: '127.0.0.1' },
      chat: { ...defaults.chat, sendMessagePerVisitor: { limit: SEND_MESSAGE_LIMIT, windowSeconds: 60 } },
      sockets: { ...defaults.sockets, subscriptionsPerSocket: 1 },
      loginProtection: { ...defaults.loginProtection, failsBeforeLockout: 2, failsPerIp: 10_000 },
    });
  });
  afterAll(() => app?.stop());

  it('refuses a request without the token or with a wrong one (401, WWW-Authenticate) and answers Prometheus text with it', async () => {
    const none = await fetch(`${app.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await none.text()).not.toContain('process_cpu');

    for (const wrong of [`${token}x`, token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')), 'short']) {
      const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${wrong}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    const basic = await fetch(`${app.url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } });
    expect(basic.status).toBe(401);

    const ok = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const text = await ok.text();
    // Node process defaults.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('after a chat the counters moved: operations, errors, messages, sockets, subscriptions, events, pub/sub lag, pool, queries, refusals', async () => {
    const before = await scrape();
    const queriesBefore = sample(before, 'livechat_db_query_duration_seconds_count', { outcome: 'ok' }) ?? 0;

    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const started = await app.gql(START_CHAT, { input: { channelId: channel.id, message: 'Hello, I need help' } });
    expect(started.errors).toBeUndefined();
    const { visitorToken } = started.data.startChat;
    const sessionId: string = started.data.startChat.session.id;

    // The agent listens in over a real WebSocket.
    const agentSocket = app.ws(`Bearer ${agents.alice!.token}`);
    const watch = subscribe(agentSocket, WATCH, { id: sessionId, after: 0 });
    await watch.waitFor((event) => event.chatEvents.message?.body === 'Hello, I need help');
    // A second operation on a socket capped at one running operation is refused.
    const second = subscribe(agentSocket, WATCH, { id: sessionId, after: 0 });
    const [secondError] = ((await second.ended).errors ?? []) as { extensions?: { code?: string } }[];
    expect(secondError?.extensions?.code).toBe('LIMIT_EXCEEDED');

    // The limit's worth of messages pass, the next is refused.
    for (let i = 1; i <= SEND_MESSAGE_LIMIT; i++) {
      const sent = await app.gql(SEND, { input: { sessionId, body: `message ${i}`, clientMessageId: randomUUID() } }, visitorToken);
      expect(sent.errors).toBeUndefined();
    }
    const refused = await app.gql(SEND, { input: { sessionId, body: 'one too many', clientMessageId: randomUUID() } }, visitorToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    await watch.waitFor((event) => event.chatEvents.message?.body === `message ${SEND_MESSAGE_LIMIT}`);
    const invalid = await app.gql(`query Broken { noSuchField }`);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badToken = await app.gql(`query WithBadToken { __typename }`, {}, 'not-a-token');
    expect(badToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const text = await scrape();
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'StartChat', type: 'mutation', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'SendMessage', type: 'mutation', outcome: 'ok' })).toBe(SEND_MESSAGE_LIMIT);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'SendMessage', type: 'mutation', outcome: 'error' })).toBe(1);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'Broken', type: 'query', outcome: 'invalid' })).toBe(1);
    expect(sample(text, 'livechat_graphql_request_duration_seconds_count', { operation: 'SendMessage', outcome: 'ok' })).toBe(SEND_MESSAGE_LIMIT);
    expect(sample(text, 'livechat_graphql_request_duration_seconds_bucket', { operation: 'SendMessage', outcome: 'ok', le: '+Inf' })).toBe(SEND_MESSAGE_LIMIT);
    expect(sample(text, 'livechat_graphql_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
    expect(sample(text, 'livechat_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sample(text, 'livechat_graphql_errors_total', { code: 'LIMIT_EXCEEDED' })).toBe(1);
    expect(sample(text, 'livechat_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'WithBadToken', outcome: 'refused' })).toBe(1);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'WatchChat', outcome: 'refused' })).toBeUndefined();
    expect(sample(text, 'livechat_messages_stored_total', { author: 'VISITOR' })).toBe(SEND_MESSAGE_LIMIT + 1);
    expect(sample(text, 'livechat_rate_limit_refusals_total', { limit: 'sendMessage:visitor' })).toBe(1);
    expect(sample(text, 'livechat_rate_limit_refusals_total', { limit: 'ws:subscriptionsPerSocket' })).toBe(1);
    expect(sample(text, 'livechat_websockets_open')).toBe(1);
    expect(sample(text, 'livechat_graphql_subscriptions_active')).toBe(1);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'WatchChat', type: 'subscription', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'livechat_subscription_events_delivered_total', { operation: 'WatchChat' })).toBeGreaterThanOrEqual(SEND_MESSAGE_LIMIT);
    expect(sample(text, 'livechat_pubsub_delivery_lag_seconds_count', { topic: 'chat' })).toBeGreaterThanOrEqual(SEND_MESSAGE_LIMIT);
    expect(sample(text, 'livechat_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(queriesBefore);
    expect(sample(text, 'livechat_db_pool_connections_in_use')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'livechat_db_pool_connections_idle')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'livechat_db_pool_requests_waiting')).toBe(0);

    // SSE streams are counted while open.
    const sse = sseSubscribe(app.url, WATCH, { id: sessionId, after: 0 }, agents.alice!.token);
    await sse.waitFor((result) => result.data?.chatEvents?.message?.body === 'Hello, I need help');
    const withSse = await scrape();
    expect(sample(withSse, 'livechat_sse_streams_open')).toBe(1);
    expect(sample(withSse, 'livechat_graphql_subscriptions_active')).toBe(2);

    // Closing the stream, the subscription and the socket brings the gauges back.
    sse.close();
    watch.stop();
    await agentSocket.dispose();
    await eventually(
      scrape,
      (t) =>
        sample(t, 'livechat_sse_streams_open') === 0 && sample(t, 'livechat_graphql_subscriptions_active') === 0 && sample(t, 'livechat_websockets_open') === 0,
    );
  });

  it('counts login lock-outs by their limiter', async () => {
    const { agent } = await app.agentWithToken();
    const login = () =>
      app.gql(`mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: agent.email, p: 'wrong password' });
    for (let i = 0; i < 2; i++) expect((await login()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await login()).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const text = await scrape();
    expect(sample(text, 'livechat_rate_limit_refusals_total', { limit: 'login-fails:email-ip' })).toBe(1);
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'Login', outcome: 'error' })).toBe(3);
  });

  it('caps operation names: long names are cut to 64 characters', async () => {
    const name = `Q${'x'.repeat(200)}`;
    expect((await app.gql(`query ${name} { __typename }`)).errors).toBeUndefined();
    const text = await scrape();
    expect(sample(text, 'livechat_graphql_requests_total', { operation: name.slice(0, 64), outcome: 'ok' })).toBe(1);
    expect(text).not.toContain(name.slice(0, 65));
  });
});

describe('pub/sub lag through Redis', () => {
  const token = `metrics-${randomBytes(12).toString('hex')}`;
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl, metrics: { token, port: null, host: '127.0.0.1' } });
  });
  afterAll(() => app?.stop());

  it('observes the publish-to-delivery time of events that went through Redis', async () => {
    const { channel, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const started = await app.gql(START_CHAT, { input: { channelId: channel.id, message: 'Through Redis' } });
    const sessionId: string = started.data.startChat.session.id;
    const watch = subscribe(app.ws(`Bearer ${agents.alice!.token}`), WATCH, { id: sessionId, after: 0 });
    await watch.waitFor((event) => event.chatEvents.message?.body === 'Through Redis');
    const sent = await app.gql(SEND, { input: { sessionId, body: 'live', clientMessageId: randomUUID() } }, started.data.startChat.visitorToken);
    expect(sent.errors).toBeUndefined();
    await watch.waitFor((event) => event.chatEvents.message?.body === 'live');
    const text = await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(sample(text, 'livechat_pubsub_delivery_lag_seconds_count', { topic: 'chat' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'livechat_pubsub_delivery_lag_seconds_bucket', { topic: 'chat', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    watch.stop();
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ metrics: { token: null, port: null, host: '127.0.0.1' } });
  });
  afterAll(() => app?.stop());

  it('is off: 404 on the main port, and no metrics listener', async () => {
    expect(app.metricsUrl).toBeNull();
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('livechat_');
  });
});

describe('METRICS_PORT', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ metrics: { token: null, port: 0, host: '127.0.0.1' } });
  });
  afterAll(() => app?.stop());

  it('serves /metrics on its own loopback listener without a token, and the main port has none', async () => {
    expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(app.metricsUrl!).port).not.toBe(String(app.port));
    expect((await app.gql(`query Ping { __typename }`)).errors).toBeUndefined();
    const response = await fetch(app.metricsUrl!);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, 'livechat_graphql_requests_total', { operation: 'Ping', outcome: 'ok' })).toBe(1);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    expect((await fetch(new URL('/graphql', app.metricsUrl!))).status).toBe(404);
  });

  it('refuses to start on a non-loopback METRICS_HOST without a token, naming the variables', async () => {
    const config = { ...configFromEnv({}), port: 0, host: '127.0.0.1', dataDir: null, log: () => {}, metrics: { token: null, port: 0, host: '0.0.0.0' } };
    await expect(buildApp(config).start()).rejects.toThrow(/METRICS_HOST=0\.0\.0\.0.*METRICS_TOKEN/);
  });
});
