// The load generator, identical for our server and the bare relay: two graphql-ws sockets per
// chat (visitor and agent, each subscribed to chatEvents of that chat), and an open-loop,
// fixed-rate stream of sendMessage mutations over keep-alive HTTP, alternating the sender.
// Every body carries its send time (`bench:<id>:<hrtime ns>`, taken in this process just before
// the request is written); latency is read when the event arrives on a socket.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const SEND_MESSAGE = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id cursor } }`;
export const CHAT_EVENTS = `subscription($id: ID!) { chatEvents(sessionId: $id) { cursor type sessionId message { id cursor body authorKind clientMessageId } } }`;

export type Role = 'visitor' | 'agent';
export interface ChatPair {
  sessionId: string;
  /** Bearer tokens; null for the bare relay, which has no auth. */
  visitorToken: string | null;
  agentToken: string | null;
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Array.from(values)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN);
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

// --- HTTP with keep-alive: one agent for the whole run, so connections are reused.

export interface HttpClient {
  post<T = any>(
    query: string,
    variables: Record<string, unknown>,
    token: string | null,
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: any }[] } }>;
  /** TCP connections opened so far (reuse keeps this near the concurrency, not the request count). */
  connectionsOpened(): number;
  /** Requests re-sent because a kept-alive socket was closed by the server just as it was reused. */
  staleSocketRetries(): number;
  close(): void;
}

export function httpClient(baseUrl: string, maxSockets = 256): HttpClient {
  const url = new URL('/graphql', baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`bench traffic stays on 127.0.0.1, got ${url.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 1000 });
  let opened = 0;
  let retries = 0;
  const seen = new WeakSet<object>();
  return {
    post(query, variables, token) {
      const payload = JSON.stringify({ query, variables });
      // Node's documented keep-alive race: the server closes an idle socket as the agent reuses it.
      // Retrying then is safe here: every mutation the bench sends is idempotent (clientMessageId).
      const attempt = (retry: boolean): Promise<any> =>
        new Promise((resolve, reject) => {
          const req = http.request(
            {
              agent,
              host: url.hostname,
              port: url.port,
              path: url.pathname,
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                accept: 'application/graphql-response+json, application/json',
                'content-length': Buffer.byteLength(payload),
                ...(token ? { authorization: `Bearer ${token}` } : {}),
              },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => {
                try {
                  resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
                } catch {
                  reject(new Error(`HTTP ${res.statusCode}: unparseable body`));
                }
              });
              res.on('error', reject);
            },
          );
          req.on('socket', (socket) => {
            if (!seen.has(socket)) {
              seen.add(socket);
              opened += 1;
            }
          });
          req.setTimeout(60_000, () => req.destroy(new Error('HTTP request timed out after 60 s')));
          req.on('error', (error: NodeJS.ErrnoException) => {
            if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
              retries += 1;
              resolve(attempt(false));
            } else reject(error);
          });
          req.end(payload);
        });
      return attempt(true);
    },
    connectionsOpened: () => opened,
    staleSocketRetries: () => retries,
    close: () => agent.destroy(),
  };
}

/** Runs `fn` over `items` with at most `concurrency` in flight; rejects on the first failure. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

// --- The run.

export interface LoadOptions {
  label: string;
  url: string;
  /** Per-role servers (two instances behind Redis: visitors on one, agents on the other); `url` for a role not given. */
  roleUrls?: Partial<Record<Role, string>>;
  chats: ChatPair[];
  rate: number;
  seconds: number;
  /** How long to wait for late deliveries after the last response. */
  drainMs: number;
  /** Server process probes (RSS in KiB, CPU ms). */
  rssKiB: () => number | null;
  cpuMs: () => number | null;
  log: (line: string) => void;
  /** Collects garbage in the server (before its idle and connected RSS are read). */
  gc?: () => Promise<unknown>;
  /** Runs after the warm-up, right before the measured phase (e.g. to reset server-side counters). */
  beforeMeasure?: () => Promise<unknown>;
  /** Part of every clientMessageId, so several runs against one server are not taken for retries. */
  runId?: string;
  /** Runs when the measured window ends (after the drain, before the sockets close): read server-side counters here. */
  afterMeasure?: () => Promise<unknown>;
  /** Every message event on a chat socket (warm-up included), e.g. for the agent's console to react to (bench/consoles.ts). */
  onChatMessage?: (chat: number, role: Role, message: { cursor: number; authorKind: string }) => void;
}

export interface LoadResult {
  label: string;
  chats: number;
  sockets: number;
  socketsConnectMs: number;
  attempted: number;
  sentOk: number;
  errors: number;
  /** Requests with no response a minute after the last send (included in `errors`). */
  unanswered: number;
  errorSamples: string[];
  socketProblems: number;
  /** Deliveries of bench messages at the other party's socket, and at the sender's own. */
  deliveredOther: number;
  deliveredOwn: number;
  duplicates: number;
  lost: number;
  targetRate: number;
  achievedRate: number;
  httpConnections: number;
  staleSocketRetries: number;
  /** Server CPU time (user+system) from the first measured send until the drain ended, per message sent. */
  serverCpuMsPerMessage: number | null;
  latencyOther: Percentiles;
  latencyOwn: Percentiles;
  /** Round trip of the sendMessage HTTP request itself. */
  latencyHttp: Percentiles;
  /** Right after the server started (set by run.ts), then idle after set-up, with sockets, and the peak under load. */
  rssAtStartKiB?: number | null;
  rssIdleKiB: number | null;
  rssConnectedKiB: number | null;
  rssPeakKiB: number | null;
  /** Server CPU use during the send window, in cores (1.0 = one core busy). */
  serverCpuCores: number | null;
  loadgenCpuCores: number;
  /** The whole machine during the send window: busy cores (of os.cpus().length) and the 1-minute load average at its end. */
  machineBusyCores: number | null;
  machineCores: number;
  loadAverage1m: number;
  loadgenLoopDelayP99Ms: number;
}

interface Party {
  client: Client;
  role: Role;
  chat: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { chats, rate, seconds, log } = options;
  const runId = options.runId ?? 'run';
  const total = Math.max(1, Math.round(rate * seconds));
  const urlOf = (role: Role) => options.roleUrls?.[role] ?? options.url;
  const wsUrlOf = (role: Role) => `${urlOf(role).replace(/^http/, 'ws')}/graphql`;
  // Each party sends to its own server; `http` is the visitors'.
  const http = httpClient(urlOf('visitor'));
  const agentHttp = urlOf('agent') === urlOf('visitor') ? http : httpClient(urlOf('agent'));

  const otherLat = new Float64Array(total).fill(NaN);
  const ownLat = new Float64Array(total).fill(NaN);
  const httpLat = new Float64Array(total).fill(NaN);
  const senderRole = (i: number): Role => ((Math.floor(i / chats.length) + i) % 2 === 0 ? 'visitor' : 'agent');
  let duplicates = 0;
  let socketProblems = 0;
  let loading = false;
  const warmSeen = new Uint8Array(chats.length); // bit 1: visitor socket saw it, bit 2: agent socket
  const problems: string[] = [];

  const onEvent = (party: Party, body: string) => {
    const now = process.hrtime.bigint();
    if (body.startsWith('warm:')) {
      warmSeen[party.chat]! |= party.role === 'visitor' ? 1 : 2;
      return;
    }
    if (!body.startsWith('bench:')) return;
    const second = body.indexOf(':', 6);
    const id = Number(body.slice(6, second));
    const latencyMs = Number(now - BigInt(body.slice(second + 1))) / 1e6;
    const slot = party.role === senderRole(id) ? ownLat : otherLat;
    if (!Number.isNaN(slot[id]!)) duplicates += 1;
    else slot[id] = latencyMs;
  };

  // --- Connect and subscribe: 2 sockets per chat.
  await options.gc?.();
  const rssIdleKiB = options.rssKiB();
  const connectStarted = performance.now();
  const parties: Party[] = [];
  await pool(
    chats.flatMap((chat, index) => (['visitor', 'agent'] as const).map((role) => ({ chat, index, role }))),
    50,
    ({ chat, index, role }) =>
      new Promise<void>((resolve, reject) => {
        const token = role === 'visitor' ? chat.visitorToken : chat.agentToken;
        let connected = false;
        const client = createClient({
          url: wsUrlOf(role),
          webSocketImpl: WebSocket,
          connectionParams: token ? { authorization: `Bearer ${token}` } : {},
          lazy: true,
          retryAttempts: 0,
          keepAlive: 0,
          on: {
            connected: () => {
              connected = true;
              resolve();
            },
            closed: (event: any) => {
              if (!connected) reject(new Error(`socket closed before ack: ${event?.code} ${event?.reason}`));
              else if (loading) {
                socketProblems += 1;
                if (problems.length < 5) problems.push(`socket closed during load: ${event?.code} ${event?.reason}`);
              }
            },
          },
        });
        const party: Party = { client, role, chat: index };
        parties.push(party);
        client.subscribe<any>(
          { query: CHAT_EVENTS, variables: { id: chat.sessionId } },
          {
            next: (value) => {
              if (value.errors) {
                socketProblems += 1;
                if (problems.length < 5) problems.push(`subscription error: ${JSON.stringify(value.errors).slice(0, 200)}`);
                return;
              }
              const message = value.data?.chatEvents?.message;
              if (typeof message?.body === 'string') {
                onEvent(party, message.body);
                options.onChatMessage?.(index, role, message);
              }
            },
            error: (error) => {
              socketProblems += 1;
              if (problems.length < 5) problems.push(`subscription failed: ${JSON.stringify(error).slice(0, 200)}`);
            },
            complete: () => {},
          },
        );
      }),
  );
  const socketsConnectMs = performance.now() - connectStarted;
  log(`  ${parties.length} sockets connected and subscribed in ${(socketsConnectMs / 1000).toFixed(1)} s`);

  const errorSamples: string[] = [];
  let errors = 0;
  const recordError = (message: string) => {
    errors += 1;
    if (errorSamples.length < 5 && !errorSamples.includes(message)) errorSamples.push(message);
  };

  // Warm-up failures are retried in the next round and reported, but are not part of the measurement.
  let warmupErrors = 0;
  const warmupErrorSamples: string[] = [];
  const warmupError = (message: string) => {
    warmupErrors += 1;
    if (warmupErrorSamples.length < 3 && !warmupErrorSamples.includes(message)) warmupErrorSamples.push(message);
  };

  // --- Warm-up: one message per chat; both sockets must see it. This proves every subscription is
  // live before measuring (graphql-ws does not acknowledge a subscribe, and a subscription without
  // `after` only gets events committed after it started) and warms up both JITs. Chats not yet
  // live get another warm-up message, for a bounded number of rounds.
  {
    const started = performance.now();
    for (let round = 1; ; round++) {
      const cold = chats.map((_, c) => c).filter((c) => warmSeen[c] !== 3);
      if (cold.length === 0) break;
      if (round > 6)
        throw new Error(
          `${options.label}: ${cold.length} chats never delivered a warm-up message to both sockets (${warmupErrors} failed sends: ${warmupErrorSamples.join('; ')})`,
        );
      const roundStarted = performance.now();
      let next = 0;
      const inflight: Promise<unknown>[] = [];
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const due = Math.min(cold.length, Math.floor(((performance.now() - roundStarted) * rate) / 1000) + 1);
          while (next < due) {
            const c = cold[next++]!;
            inflight.push(
              http
                .post(
                  SEND_MESSAGE,
                  { input: { sessionId: chats[c]!.sessionId, body: `warm:${c}`, clientMessageId: `warm-${runId}-${c}-${round}` } },
                  chats[c]!.visitorToken,
                )
                .then(
                  (r) =>
                    r.body.errors &&
                    warmupError(`${r.body.errors[0]!.message}${r.body.errors[0]!.extensions?.code ? ` (${r.body.errors[0]!.extensions.code})` : ''}`),
                  (e: Error) => warmupError(e.message),
                ),
            );
          }
          if (next >= cold.length) {
            clearInterval(timer);
            resolve();
          }
        }, 2);
      });
      await Promise.all(inflight);
      const deadline = performance.now() + 20_000;
      while (warmSeen.some((v) => v !== 3) && performance.now() < deadline) await sleep(50);
    }
    log(`  warm-up: every chat delivered a message to both sockets; took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (warmupErrors) log(`  warm-up had ${warmupErrors} failed sends (retried): ${warmupErrorSamples.join('; ')}`);
    await sleep(1000);
  }

  // --- Measured load: open loop at a fixed rate (a slow server does not slow the sender down).
  await options.gc?.();
  const rssConnectedKiB = options.rssKiB();
  await options.beforeMeasure?.();
  let rssPeakKiB = rssConnectedKiB;
  const rssTimer = setInterval(() => {
    const rss = options.rssKiB();
    if (rss !== null && (rssPeakKiB === null || rss > rssPeakKiB)) rssPeakKiB = rss;
  }, 100);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuStart = options.cpuMs();
  const machineStart = machineBusyMs();
  const ownCpuStart = process.cpuUsage();
  loading = true;
  let sentOk = 0;
  let attempted = 0;
  let firstSendAt = 0;
  let lastSendAt = 0;
  const inflight = new Set<Promise<void>>();
  const started = performance.now();
  log(`  sending ${total} messages at ${rate}/s over ${seconds} s…`);

  const fire = (i: number) => {
    const chat = chats[i % chats.length]!;
    const role = senderRole(i);
    const token = role === 'visitor' ? chat.visitorToken : chat.agentToken;
    const t0 = process.hrtime.bigint();
    const p = (role === 'agent' ? agentHttp : http)
      .post(SEND_MESSAGE, { input: { sessionId: chat.sessionId, body: `bench:${i}:${t0}`, clientMessageId: `bench-${runId}-${i}` } }, token)
      .then(
        (r) => {
          httpLat[i] = Number(process.hrtime.bigint() - t0) / 1e6;
          if (r.status !== 200 || r.body.errors || !r.body.data)
            recordError(
              `HTTP ${r.status}: ${r.body.errors?.[0]?.message ?? 'no data'}${r.body.errors?.[0]?.extensions?.code ? ` (${r.body.errors[0].extensions.code})` : ''}`,
            );
          else sentOk += 1;
        },
        (e: Error) => recordError(e.message),
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
    attempted += 1;
  };

  await new Promise<void>((resolve) => {
    let next = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
      if (next === 0 && due > 0) firstSendAt = now;
      while (next < due) fire(next++);
      lastSendAt = now;
      if (next >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const sendWindowS = (lastSendAt - firstSendAt) / 1000 + 1 / rate;
  const cpuEnd = options.cpuMs();
  const machineEnd = machineBusyMs();
  const ownCpu = process.cpuUsage(ownCpuStart);
  const wallMs = performance.now() - started;

  // --- Drain: every response, then late deliveries, each bounded.
  const responsesDeadline = performance.now() + 60_000;
  while (inflight.size && performance.now() < responsesDeadline) await Promise.race([...inflight, sleep(1000)]);
  // Requests still unanswered a minute after the last send count as errors (and are not waited for).
  const unanswered = inflight.size;
  const countDelivered = (arr: Float64Array) => arr.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);
  const drainDeadline = performance.now() + options.drainMs;
  while (performance.now() < drainDeadline && (countDelivered(otherLat) < sentOk || countDelivered(ownLat) < sentOk)) await sleep(50);
  await sleep(250); // anything still arriving shows up as a duplicate, not as a silent extra
  const cpuDrained = options.cpuMs();
  await options.afterMeasure?.();
  loading = false;
  clearInterval(rssTimer);
  loopDelay.disable();

  const deliveredOther = countDelivered(otherLat);
  const deliveredOwn = countDelivered(ownLat);
  const result: LoadResult = {
    label: options.label,
    chats: chats.length,
    sockets: parties.length,
    socketsConnectMs,
    attempted,
    sentOk,
    errors: errors + unanswered,
    unanswered,
    errorSamples: [...errorSamples, ...problems, ...(unanswered ? [`${unanswered} requests unanswered 60 s after the last send`] : [])],
    socketProblems,
    deliveredOther,
    deliveredOwn,
    duplicates,
    lost: Math.max(0, sentOk - deliveredOther) + Math.max(0, sentOk - deliveredOwn),
    targetRate: rate,
    achievedRate: attempted / sendWindowS,
    httpConnections: http.connectionsOpened() + (agentHttp === http ? 0 : agentHttp.connectionsOpened()),
    staleSocketRetries: http.staleSocketRetries() + (agentHttp === http ? 0 : agentHttp.staleSocketRetries()),
    serverCpuMsPerMessage: cpuStart !== null && cpuDrained !== null && attempted ? (cpuDrained - cpuStart) / attempted : null,
    latencyOther: percentiles(otherLat),
    latencyOwn: percentiles(ownLat),
    latencyHttp: percentiles(httpLat),
    rssIdleKiB,
    rssConnectedKiB,
    rssPeakKiB,
    serverCpuCores: cpuStart !== null && cpuEnd !== null ? (cpuEnd - cpuStart) / wallMs : null,
    loadgenCpuCores: (ownCpu.user + ownCpu.system) / 1000 / wallMs,
    machineBusyCores: machineStart !== null && machineEnd !== null ? (machineEnd - machineStart) / wallMs : null,
    machineCores: os.cpus().length,
    loadAverage1m: os.loadavg()[0]!,
    loadgenLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };

  // --- Close the sockets and connections of this run.
  await Promise.all(parties.map((p) => Promise.resolve(p.client.dispose()).catch(() => {})));
  http.close();
  if (agentHttp !== http) agentHttp.close();
  return result;
}

/** Busy (non-idle, non-iowait) CPU time of the whole machine so far, in ms, from /proc/stat. */
export function machineBusyMs(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = cpu;
    return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / 100;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
