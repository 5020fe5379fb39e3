// The bench's idle-socket phase (issue 13, "Connections"): BENCH_IDLE_SOCKETS graphql-ws sockets
// (default 10,000; 0 skips) on one server, each with one chatEvents subscription, spread evenly
// over the run's chats (a visitor with several tabs). The server's RSS is read after a gc before
// the sockets open and again once every one is subscribed; RSS per socket = delta / sockets. The
// same for ours (visitor tokens of real chats) and the bare relay, so the two can be compared.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { BenchChild } from './child';
import { CHAT_EVENTS, httpClient, pool, SEND_MESSAGE, sleep, type ChatPair } from './load';

export function idleSocketsFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 10_000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_IDLE_SOCKETS must be a whole number ≥ 0, got "${value}"`);
  return n;
}

export interface IdleSocketsResult {
  label: string;
  sockets: number;
  chats: number;
  connectS: number;
  /** Rounds of one message per chat it took until every socket had delivered one (proof of subscription). */
  subscribeRounds: number;
  rssBeforeKiB: number | null;
  rssAfterKiB: number | null;
  /** (RSS after − RSS before) / sockets, in KiB. */
  rssPerSocketKiB: number | null;
  /** After the idle wait: sockets closed since they opened, and a sample of chats each sent one message. */
  closed: number;
  sampleChats: number;
  sampleSockets: number;
  sampleDelivered: number;
  alive: boolean;
}

const gcSettled = async (server: BenchChild) => {
  await server.call('gc');
  await sleep(500);
  await server.call('gc');
  return server.rssKiB();
};

/** Sends one message to each chat of `chatIndexes` and waits until every socket of those chats saw it. */
async function sendAndAwait(
  send: (chat: number, body: string) => Promise<unknown>,
  chatIndexes: number[],
  socketsOf: number[][],
  seen: Uint8Array,
  tag: string,
  waitMs: number,
) {
  for (const k of chatIndexes.flatMap((c) => socketsOf[c]!)) seen[k] = 0;
  await pool(chatIndexes, 20, (c) => send(c, `idle:${tag}:${c}`));
  const deadline = performance.now() + waitMs;
  const missing = () => chatIndexes.filter((c) => socketsOf[c]!.some((k) => seen[k] === 0));
  while (missing().length && performance.now() < deadline) await sleep(50);
  return missing();
}

export async function idleSockets(options: {
  label: string;
  server: BenchChild;
  chats: ChatPair[];
  sockets: number;
  /** How many chats (spread over all) get a message at the end, to prove their sockets still deliver. */
  checkChats?: number;
  idleMs?: number;
  log: (line: string) => void;
}): Promise<IdleSocketsResult> {
  const { server, chats, sockets, log } = options;
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/graphql`;
  const http = httpClient(server.url, 32);
  const chatOf = (k: number) => k % chats.length;
  const socketsOf: number[][] = chats.map(() => []);
  for (let k = 0; k < sockets; k++) socketsOf[chatOf(k)]!.push(k);
  const seen = new Uint8Array(sockets);
  const clients: Client[] = [];
  let closed = 0;
  let disposing = false;
  let sendErrors = 0;
  const send = async (c: number, body: string) => {
    const r = await http.post(
      SEND_MESSAGE,
      { input: { sessionId: chats[c]!.sessionId, body, clientMessageId: `${body}-${crypto.randomUUID()}` } },
      chats[c]!.visitorToken,
    );
    if (r.status !== 200 || r.body.errors) {
      sendErrors += 1;
      throw new Error(`${options.label}: idle-socket send failed: HTTP ${r.status} ${r.body.errors?.[0]?.message ?? ''}`);
    }
  };

  log(`\n== Idle sockets, ${options.label}: ${sockets} graphql-ws sockets over ${chats.length} chats, one chatEvents subscription each`);
  const rssBeforeKiB = await gcSettled(server);
  const connectStarted = performance.now();
  try {
    await pool(
      Array.from({ length: sockets }, (_, k) => k),
      50,
      (k) =>
        new Promise<void>((resolve, reject) => {
          const chat = chats[chatOf(k)]!;
          let connected = false;
          const client = createClient({
            url: wsUrl,
            webSocketImpl: WebSocket,
            connectionParams: chat.visitorToken ? { authorization: `Bearer ${chat.visitorToken}` } : {},
            lazy: true,
            retryAttempts: 0,
            keepAlive: 0,
            on: {
              connected: () => {
                connected = true;
                resolve();
              },
              closed: (event: any) => {
                if (!connected) reject(new Error(`${options.label}: idle socket closed before ack: ${event?.code} ${event?.reason}`));
                else if (!disposing) closed += 1;
              },
            },
          });
          clients.push(client);
          client.subscribe<any>(
            { query: CHAT_EVENTS, variables: { id: chat.sessionId } },
            {
              next: (value) => {
                if (typeof value.data?.chatEvents?.message?.body === 'string' && value.data.chatEvents.message.body.startsWith('idle:')) seen[k] = 1;
              },
              error: () => {
                if (!disposing) closed += 1;
              },
              complete: () => {},
            },
          );
        }),
    );
    const connectS = (performance.now() - connectStarted) / 1000;
    // graphql-ws does not acknowledge a subscribe: a message per chat, seen by every socket, proves them all live.
    let cold = chats.map((_, c) => c);
    let subscribeRounds = 0;
    while (cold.length) {
      if (++subscribeRounds > 6) throw new Error(`${options.label}: ${cold.length} chats' idle sockets never delivered a message`);
      cold = await sendAndAwait(send, cold, socketsOf, seen, `subscribed-${subscribeRounds}`, 20_000);
    }
    log(`  ${sockets} sockets connected in ${connectS.toFixed(1)} s; every one delivered a message after ${subscribeRounds} round(s)`);
    await sleep(options.idleMs ?? 2000);
    const rssAfterKiB = await gcSettled(server);
    const step = Math.max(1, Math.floor(chats.length / Math.min(chats.length, options.checkChats ?? 100)));
    const sample = chats.map((_, c) => c).filter((c) => c % step === 0);
    const missing = await sendAndAwait(send, sample, socketsOf, seen, 'alive', 20_000);
    const sampleSockets = sample.reduce((n, c) => n + socketsOf[c]!.length, 0);
    const sampleDelivered = sample.reduce((n, c) => n + socketsOf[c]!.filter((k) => seen[k] === 1).length, 0);
    const rssPerSocketKiB = rssBeforeKiB !== null && rssAfterKiB !== null && sockets ? (rssAfterKiB - rssBeforeKiB) / sockets : null;
    const result: IdleSocketsResult = {
      label: options.label,
      sockets,
      chats: chats.length,
      connectS,
      subscribeRounds,
      rssBeforeKiB,
      rssAfterKiB,
      rssPerSocketKiB,
      closed,
      sampleChats: sample.length,
      sampleSockets,
      sampleDelivered,
      alive: closed === 0 && missing.length === 0 && sampleDelivered === sampleSockets && sendErrors === 0,
    };
    log(
      `  RSS ${Math.round((rssBeforeKiB ?? 0) / 1024)} MB → ${Math.round((rssAfterKiB ?? 0) / 1024)} MB: ${rssPerSocketKiB?.toFixed(1) ?? '–'} KiB per socket; ` +
        `at the end ${closed} closed, a message to ${sample.length} chats reached ${sampleDelivered} of their ${sampleSockets} sockets`,
    );
    return result;
  } finally {
    disposing = true;
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose()).catch(() => {})));
    http.close();
  }
}

/** Issue 13's target: ours ≤ 1.5× bare's RSS per idle subscribed socket. */
export const IDLE_TARGET_RATIO = 1.5;

export function idleReport(
  ours: IdleSocketsResult | null,
  bare: IdleSocketsResult | null,
  log: (line: string) => void,
): { name: string; pass: boolean; detail: string }[] {
  const kib = (r: IdleSocketsResult | null) => (r?.rssPerSocketKiB == null ? '–' : `${r.rssPerSocketKiB.toFixed(1)} KiB`);
  log(
    `\nIdle sockets (BENCH_IDLE_SOCKETS): RSS per subscribed socket: our API ${kib(ours)} (${ours?.sockets ?? 0} sockets), bare relay ${kib(bare)} (${bare?.sockets ?? 0})`,
  );
  const verdicts: { name: string; pass: boolean; detail: string }[] = [];
  for (const r of [ours, bare])
    if (r)
      verdicts.push({
        name: `idle sockets (${r.label}): all still alive`,
        pass: r.alive,
        detail: `${r.closed} closed; sample ${r.sampleDelivered}/${r.sampleSockets} sockets delivered`,
      });
  if (ours && bare) {
    const ratio = ours.rssPerSocketKiB !== null && bare.rssPerSocketKiB ? ours.rssPerSocketKiB / bare.rssPerSocketKiB : null;
    verdicts.push({
      name: `idle socket RSS ours/bare ≤ ${IDLE_TARGET_RATIO}×`,
      pass: ratio !== null && ratio <= IDLE_TARGET_RATIO,
      detail: `${ratio?.toFixed(2) ?? '–'}× (${kib(ours)} vs ${kib(bare)} per socket)`,
    });
  }
  return verdicts;
}
