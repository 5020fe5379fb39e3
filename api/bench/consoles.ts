// The bench's console load (issue 13, "Console load"): one agent console per bench agent, alongside
// the chat sockets of the common-rate run. Each console holds one graphql-ws socket with the two
// subscriptions the real console keeps (agentEvents, dashboardEvents for its channels) and sends
// the console's queries and mutations over keep-alive HTTP. Its open chat is its agent's own chat:
// the load's agent socket (load.ts) is that conversation's chatEvents stream, so a message event
// there reaches the console through runLoad's onChatMessage.
//
// BENCH_CONSOLES=delta (default) | refetch | 0 (skip). See docs/benchmarks.md.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { BenchChild } from './child';
import { httpClient, pool, runLoad, type ChatPair, type HttpClient, type LoadOptions, type LoadResult, type Role } from './load';

export type ConsoleMode = 'refetch' | 'delta';

export function consoleModeFromEnv(value: string | undefined): ConsoleMode | null {
  if (value === undefined || value === '' || value === 'delta') return 'delta';
  if (value === 'refetch') return 'refetch';
  if (value === '0') return null;
  throw new Error(`BENCH_CONSOLES must be delta, refetch or 0, got "${value}"`);
}

// ============================================================================================
// THE CONSOLE MODEL: its documents and its reaction to each event, in this one place.
// "refetch" is today's console (console/src, copied verbatim; the file is named beside each).
// "delta" keeps the same subscriptions but merges events instead of refetching its list; update
// DELTA_DOCUMENTS and REACTIONS.delta to the delta-based console's final documents when it lands.
// ============================================================================================

/** console/src/chats/chat-fragments.ts */
const TRANSFER_FIELDS = `fragment TransferFields on Transfer { id status note createdAt fromAgent { id name nickname } toAgent { id name nickname } }`;
/** console/src/chats/chat-fragments.ts: one row of the Chats tab's list. */
const CHAT_LIST_ITEM_FIELDS = `fragment ChatListItemFields on ChatSession {
  id status requestedAt startedAt endedAt lastActivityAt lastMessageAt lastMessageAuthor unreadCount
  channel { id name } visitor { id name email } agent { id displayName }
  pendingTransfer { ...TransferFields }
  messages(last: 1) { messages { body authorKind systemType attachments { fileName } } }
}`;

export const CONSOLE_DOCUMENTS = {
  /** console/src/workspace-operations.ts */
  me: `query Me { me { id name nickname email role presence notifyBrowser notifySound notifyManagerWarnings
    memberships { canRespond getsNotifications canListenIn isManager channel { id name warnAgentsAfterMinutes warnManagersAfterMinutes } } } }`,
  /** console/src/workspace-operations.ts */
  myChats: `query MyChats { myChats { ...ChatListItemFields } }\n${CHAT_LIST_ITEM_FIELDS}\n${TRANSFER_FIELDS}`,
  /** console/src/workspace-operations.ts */
  agentEvents: `subscription AgentEvents { agentEvents { reasons sessionIds transferIds badges { incoming myChats unread transfersToMe } } }`,
  /** console/src/dashboard/operations.ts */
  channels: `query Channels { channels { id name } }`,
  /** console/src/dashboard/operations.ts */
  dashboard: `subscription Dashboard($channelIds: [ID!], $timeZone: String) { dashboardEvents(channelIds: $channelIds, timeZone: $timeZone) {
    stats { waiting longestWaitSeconds agentsPresent activeSessions chatsToday averageWaitSeconds averageTimeToAcceptSeconds missedToday averageRating ratingsToday }
    incoming { position waitSeconds session { id requestedAt channel { id name } visitor { id name email company } messages(last: 1) { messages { body } } } }
    ongoing { id startedAt lastMessageAt lastMessageAuthor channel { id name } visitor { id name email } agent { id displayName } } } }`,
  /** console/src/shell/operations.ts (NotificationCenter) */
  queue: `query NotificationQueue { queue { waitSeconds session { id channel { id name } visitor { id name email } messages(last: 1) { messages { body } } } } }`,
  /** console/src/chats/operations.ts */
  markRead: `mutation MarkRead($sessionId: ID!, $upToCursor: Int!) { markRead(sessionId: $sessionId, upToCursor: $upToCursor) { id agentReadCursor } }`,
};
/** The delta console's documents (console/src/workspace-operations.ts): agentEvents brings the changed rows. */
export const DELTA_DOCUMENTS: typeof CONSOLE_DOCUMENTS = {
  ...CONSOLE_DOCUMENTS,
  agentEvents: `subscription AgentEvents { agentEvents { reasons sessionIds transferIds badges { incoming myChats unread transfersToMe }
    chats { sessionId lastEventCursor lastActivityAt lastMessageAt lastMessageAuthor unreadCount agentReadCursor
      lastMessage { id body authorKind systemType attachments { fileName } } } } }`,
};

export interface AgentEvent {
  reasons: string[];
  sessionIds: string[];
  /** The delta console's rows (absent from the refetch console's selection). */
  chats?: { sessionId: string; lastMessage: { attachments: unknown[] } | null }[];
}

interface Reaction {
  documents: typeof CONSOLE_DOCUMENTS;
  /** The console has started: its first loads (the Chats tab open on its chat, the dashboard). */
  start(c: BenchConsole): Promise<unknown>;
  onAgentEvent(c: BenchConsole, event: AgentEvent): void;
  /** A message event of the open chat (any author: the conversation reads up to its newest message). */
  onChatMessage(c: BenchConsole, message: { cursor: number; authorKind: string }): void;
  /** dashboardEvents pushes the whole snapshot; neither console fetches anything on it. */
  onDashboard?(c: BenchConsole): void;
}

export const REACTIONS: Record<ConsoleMode, Reaction> = {
  refetch: {
    documents: CONSOLE_DOCUMENTS,
    // App start (workspace.tsx, NotificationCenter, DashboardPage): Me, then MyChats on the initial
    // agentEvents, the queue on "initial", the channels for the dashboard filter.
    start: (c) => Promise.all([c.query('me'), c.query('channels')]),
    // workspace.tsx's followAgentEvents handler and NotificationCenter's onAgentEvent.
    onAgentEvent(c, event) {
      if (event.reasons.some((r) => r === 'channels' || r === 'settings')) void c.query('me');
      const needsList = event.reasons.some((r) => r !== 'queue' && r !== 'presence' && r !== 'members');
      if (needsList || !c.myChatsLoaded) void c.refreshMyChats();
      if (event.reasons.some((r) => r === 'queue' || r === 'initial' || r === 'resync' || r === 'channels')) void c.query('queue');
    },
    // typing-and-read.ts markReadWhileShown: the newest message, whoever wrote it, then the list
    // again (ConversationView's onRead → refreshMyChats).
    onChatMessage(c, message) {
      c.markReadUpTo(message.cursor, () => void c.refreshMyChats());
    },
  },
  delta: {
    documents: DELTA_DOCUMENTS,
    start: (c) => Promise.all([c.query('me'), c.query('channels')]),
    // workspace.tsx: an event of only mergeable rows (reasons exactly "chats", a row for every chat
    // it names, no files in the newest message) changes the cache; anything else refetches as before.
    onAgentEvent(c, event) {
      if (event.reasons.some((r) => r === 'channels' || r === 'settings')) void c.query('me');
      const rows = event.chats ?? [];
      const mergeable =
        c.myChatsLoaded &&
        event.reasons.length === 1 &&
        event.reasons[0] === 'chats' &&
        rows.length > 0 &&
        event.sessionIds.every((id) => id === c.sessionId && rows.some((r) => r.sessionId === id)) &&
        rows.every((r) => !r.lastMessage?.attachments.length);
      const needsList = event.reasons.some((r) => r !== 'queue' && r !== 'presence' && r !== 'members');
      if (!c.myChatsLoaded || (needsList && !mergeable)) void c.refreshMyChats();
      if (event.reasons.some((r) => r === 'queue' || r === 'initial' || r === 'resync' || r === 'channels')) void c.query('queue');
    },
    // Only a visitor's message is unread for the agent: mark it read, no refresh after.
    onChatMessage(c, message) {
      if (message.authorKind === 'VISITOR') c.markReadUpTo(message.cursor, () => {});
    },
  },
};
// ============================================================================================

/** Counters shared by all consoles of a run. */
export interface ConsoleCounters {
  requests: number;
  byDocument: Record<string, number>;
  errors: number;
  errorSamples: string[];
  agentEvents: number;
  dashboardEvents: number;
}

/** One agent's console: its socket, its HTTP requests, and the state its reaction reads. */
export class BenchConsole {
  myChatsLoaded = false;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private readCursor = 0;
  private readInFlight = 0;
  socket: Client | null = null;
  private closing = false;

  constructor(
    readonly sessionId: string,
    private readonly token: string,
    private readonly http: HttpClient,
    private readonly reaction: Reaction,
    private readonly counters: ConsoleCounters,
  ) {}

  private fail(message: string) {
    this.counters.errors += 1;
    if (this.counters.errorSamples.length < 5 && !this.counters.errorSamples.includes(message)) this.counters.errorSamples.push(message);
  }

  async query(name: keyof typeof CONSOLE_DOCUMENTS, variables: Record<string, unknown> = {}): Promise<unknown> {
    this.counters.requests += 1;
    this.counters.byDocument[name] = (this.counters.byDocument[name] ?? 0) + 1;
    try {
      const r = await this.http.post(this.reaction.documents[name], variables, this.token);
      if (r.status !== 200 || r.body.errors) throw new Error(`${name}: HTTP ${r.status} ${r.body.errors?.[0]?.message ?? ''}`);
      return r.body.data;
    } catch (error) {
      this.fail((error as Error).message);
      throw error;
    }
  }

  /** workspace.tsx refreshMyChats: one in flight; asked again meanwhile, it runs once more after. */
  refreshMyChats(): Promise<void> {
    if (this.refreshing !== null) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.query('myChats').catch(() => {});
      } while (this.refreshAgain);
      this.myChatsLoaded = true;
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** typing-and-read.ts: markRead of the newest cursor unless it is read or being marked already. */
  markReadUpTo(cursor: number, onRead: () => void) {
    if (cursor <= this.readCursor || cursor <= this.readInFlight) return;
    this.readInFlight = cursor;
    this.query('markRead', { sessionId: this.sessionId, upToCursor: cursor }).then(
      () => {
        this.readCursor = Math.max(this.readCursor, cursor);
        onRead();
      },
      () => {
        this.readInFlight = 0;
      },
    );
  }

  onChatMessage(message: { cursor: number; authorKind: string }) {
    this.reaction.onChatMessage(this, message);
  }

  /** Opens the socket with both subscriptions; resolves once each has delivered its first payload. */
  open(wsUrl: string): Promise<void> {
    let gotAgentEvent = false;
    let gotDashboard = false;
    return new Promise<void>((resolve, reject) => {
      const ready = () => gotAgentEvent && gotDashboard && resolve();
      const socket = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${this.token}` },
        lazy: true,
        retryAttempts: 0,
        keepAlive: 0,
        on: {
          closed: (event: any) => {
            if (this.closing) return;
            if (gotAgentEvent && gotDashboard) this.fail(`console socket closed: ${event?.code} ${event?.reason}`);
            else reject(new Error(`console socket closed before it subscribed: ${event?.code} ${event?.reason}`));
          },
        },
      });
      this.socket = socket;
      const sink = (onData: (data: any) => void) => ({
        next: (value: any) => {
          if (value.errors) this.fail(`console subscription error: ${JSON.stringify(value.errors).slice(0, 200)}`);
          else onData(value.data);
        },
        error: (error: unknown) => {
          this.fail(`console subscription failed: ${JSON.stringify(error).slice(0, 200)}`);
          reject(new Error('console subscription failed'));
        },
        complete: () => {},
      });
      socket.subscribe(
        { query: this.reaction.documents.agentEvents },
        sink((data) => {
          this.counters.agentEvents += 1;
          this.reaction.onAgentEvent(this, data.agentEvents);
          gotAgentEvent = true;
          ready();
        }),
      );
      socket.subscribe(
        { query: this.reaction.documents.dashboard, variables: { channelIds: null, timeZone: 'UTC' } },
        sink(() => {
          this.counters.dashboardEvents += 1;
          this.reaction.onDashboard?.(this);
          gotDashboard = true;
          ready();
        }),
      );
    });
  }

  async close() {
    this.closing = true;
    await Promise.resolve(this.socket?.dispose()).catch(() => {});
  }
}

export interface ConsoleRunResult {
  mode: ConsoleMode;
  consoles: number;
  load: LoadResult;
  /** Every database statement in the measured window, per message sent; same counting without consoles. */
  statementsPerMessage: number | null;
  statementsPerMessageWithout: number | null;
  cpuMsPerMessage: number | null;
  cpuMsPerMessageWithout: number | null;
  cpuRatio: number | null;
  /** Console HTTP requests in the measured window, per message sent, and by document. */
  requestsPerMessage: number;
  requestsByDocument: Record<string, number>;
  agentEventsPerMessage: number;
  dashboardEventsPerMessage: number;
  errors: number;
  errorSamples: string[];
  setupS: number;
}

/**
 * Starts one console per chat (its agent's), runs the common-rate load with them on, and counts
 * statements, console requests and server CPU in the measured window. `without` is the same
 * server's run without consoles (its statements counted the same way).
 */
export async function runWithConsoles(options: {
  mode: ConsoleMode;
  server: BenchChild;
  chats: ChatPair[];
  without: { load: LoadResult; statements: number | null };
  load: Omit<LoadOptions, 'url' | 'chats' | 'rssKiB' | 'cpuMs' | 'onChatMessage' | 'afterMeasure'>;
  log: (line: string) => void;
}): Promise<ConsoleRunResult> {
  const { server, chats, mode, log } = options;
  const reaction = REACTIONS[mode];
  const counters: ConsoleCounters = { requests: 0, byDocument: {}, errors: 0, errorSamples: [], agentEvents: 0, dashboardEvents: 0 };
  const http = httpClient(server.url, 128);
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/graphql`;
  const consoles = chats.map((chat) => {
    if (!chat.agentToken) throw new Error('consoles need agent tokens');
    return new BenchConsole(chat.sessionId, chat.agentToken, http, reaction, counters);
  });
  const started = performance.now();
  try {
    await pool(consoles, 50, async (c) => {
      await c.open(wsUrl);
      await reaction.start(c);
    });
    // Let the start-up's refreshes settle before the load's own set-up begins.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const setupS = (performance.now() - started) / 1000;
    log(`  ${consoles.length} consoles (${mode}) subscribed and loaded in ${setupS.toFixed(1)} s`);
    let before = { ...counters, byDocument: { ...counters.byDocument } };
    let statements: number | null = null;
    let after = before;
    const load = await runLoad({
      ...options.load,
      url: server.url,
      chats,
      rssKiB: server.rssKiB,
      cpuMs: server.cpuMs,
      onChatMessage: (chat: number, role: Role, message) => role === 'agent' && consoles[chat]!.onChatMessage(message),
      beforeMeasure: async () => {
        await options.load.beforeMeasure?.();
        await server.call('statementsStart');
        before = { ...counters, byDocument: { ...counters.byDocument } };
      },
      afterMeasure: async () => {
        after = { ...counters, byDocument: { ...counters.byDocument } };
        statements = await server.call<number>('statementsStop');
      },
    });
    const messages = load.attempted || 1;
    const perMessage = (n: number | null) => (n === null ? null : n / messages);
    const cpu = load.serverCpuMsPerMessage;
    const cpuWithout = options.without.load.serverCpuMsPerMessage;
    return {
      mode,
      consoles: consoles.length,
      load,
      statementsPerMessage: perMessage(statements),
      statementsPerMessageWithout: options.without.statements === null ? null : options.without.statements / (options.without.load.attempted || 1),
      cpuMsPerMessage: cpu,
      cpuMsPerMessageWithout: cpuWithout,
      cpuRatio: cpu !== null && cpuWithout ? cpu / cpuWithout : null,
      requestsPerMessage: (after.requests - before.requests) / messages,
      requestsByDocument: Object.fromEntries(
        Object.entries(after.byDocument).map(([name, n]) => [name, Math.round(((n - (before.byDocument[name] ?? 0)) / messages) * 1000) / 1000]),
      ),
      agentEventsPerMessage: (after.agentEvents - before.agentEvents) / messages,
      dashboardEventsPerMessage: (after.dashboardEvents - before.dashboardEvents) / messages,
      errors: counters.errors,
      errorSamples: counters.errorSamples,
      setupS,
    };
  } finally {
    await Promise.all(consoles.map((c) => c.close()));
    http.close();
  }
}

/** Target of issue 13 with consoles on. */
export const CONSOLE_TARGETS = { statementsPerMessage: 1.2, cpuRatio: 1.25 };

/** The printed figures and the verdicts of the console phase. */
export function consoleReport(r: ConsoleRunResult, log: (line: string) => void): { name: string; pass: boolean; detail: string }[] {
  const f = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));
  log(
    `\nConsole load (${r.mode}, BENCH_CONSOLES): ${r.consoles} consoles at ${r.load.targetRate} msg/s, ${r.load.attempted} messages, same server after the run without consoles`,
  );
  log(`  database statements per message: ${f(r.statementsPerMessage)} with consoles, ${f(r.statementsPerMessageWithout)} without`);
  log(`  server CPU per message: ${f(r.cpuMsPerMessage)} ms with consoles, ${f(r.cpuMsPerMessageWithout)} ms without (${f(r.cpuRatio)}×)`);
  log(`  console requests per message: ${f(r.requestsPerMessage)} ${JSON.stringify(r.requestsByDocument)}`);
  log(`  agentEvents / dashboardEvents payloads per message: ${f(r.agentEventsPerMessage)} / ${f(r.dashboardEventsPerMessage)}`);
  log(
    `  other party p50 / p99: ${f(r.load.latencyOther.p50)} / ${f(r.load.latencyOther.p99)} ms; lost ${r.load.lost}, send errors ${r.load.errors}, console errors ${r.errors}`,
  );
  for (const sample of r.errorSamples) log(`  console error sample: ${sample}`);
  return [
    {
      name: `consoles (${r.mode}): statements/msg ≤ ${CONSOLE_TARGETS.statementsPerMessage}`,
      pass: r.statementsPerMessage !== null && r.statementsPerMessage <= CONSOLE_TARGETS.statementsPerMessage,
      detail: `${f(r.statementsPerMessage)} with consoles (${f(r.statementsPerMessageWithout)} without)`,
    },
    {
      name: `consoles (${r.mode}): CPU/msg ≤ ${CONSOLE_TARGETS.cpuRatio}× without`,
      pass: r.cpuRatio !== null && r.cpuRatio <= CONSOLE_TARGETS.cpuRatio,
      detail: `${f(r.cpuRatio)}× (${f(r.cpuMsPerMessage)} vs ${f(r.cpuMsPerMessageWithout)} ms)`,
    },
    {
      name: `consoles (${r.mode}): nothing lost, no errors`,
      pass: r.load.lost === 0 && r.load.errors === 0 && r.load.socketProblems === 0 && r.errors === 0 && r.load.sentOk === r.load.attempted,
      detail: `lost ${r.load.lost}, send errors ${r.load.errors}, socket problems ${r.load.socketProblems}, console errors ${r.errors}`,
    },
  ];
}
