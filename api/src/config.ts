import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proxyaddr from 'proxy-addr';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppConfig {
  /** PostgreSQL URL; when absent the API runs embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** Embedded data folder; null keeps the embedded database in memory (tests). */
  dataDir: string | null;
  redisUrl?: string;
  port: number;
  host: string;
  /**
   * Which hops in front of the server are proxies whose X-Forwarded-For/-Host/-Proto count: false
   * (none), a hop count, or addresses/CIDR ranges/`loopback`/`linklocal`/`uniquelocal` (as Express
   * takes them). `true` is one hop. See `api/src/http/client-address.ts`.
   */
  trustProxy: TrustProxy;
  /** Base URL visitors' browsers reach this server on (no trailing slash), for embed snippets and links; null: the request's origin. */
  publicUrl: string | null;
  /** Browser origins (CORS_ORIGINS) whose cross-origin requests may carry credentials; every other origin gets CORS without them. */
  corsOrigins: string[];
  /** NODE_ENV=development: friendlier logs and GraphQL's "Did you mean …" suggestions. */
  development: boolean;
  /** GraphiQL on GET /graphql: NODE_ENV=development or GRAPHIQL=true. */
  graphiql: boolean;
  graphql: GraphqlLimits;
  agentSessionTtlHours: number;
  loginProtection: LoginProtection;
  chat: ChatLimits;
  sockets: SocketLimits;
  attachments: AttachmentsConfig;
  mail: MailConfig;
  /** Folder holding the built console and widget (defaults to the workspace). */
  staticRoot: string;
  /** LOG_LEVEL: pino's level for the JSON logs (pretty-printed when NODE_ENV=development). */
  logLevel: LogLevel;
  metrics: MetricsConfig;
  /** SHUTDOWN_GRACE_SECONDS: how long SIGTERM waits for in-flight requests before the process exits anyway. */
  shutdownGraceSeconds: number;
  /** GRAPHQL_COMPRESS_MIN_BYTES: GraphQL JSON responses at least this large are compressed (br/gzip by Accept-Encoding). */
  compressMinBytes: number;
  log: (line: string) => void;
}

export type TrustProxy = boolean | number | readonly string[];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** GET /metrics (Prometheus): with a token on the main port, or without one on a separate loopback port; otherwise off. */
export interface MetricsConfig {
  /** METRICS_TOKEN: the bearer token /metrics requires on the main port; null: not served there. */
  token: string | null;
  /** METRICS_PORT: a second listener on METRICS_HOST serving /metrics without a token; null: none. */
  port: number | null;
  /** METRICS_HOST: where METRICS_PORT listens (loopback unless set). */
  host: string;
}

/**
 * Failed logins are counted, not logins: consecutive failures per (email, client address) lock that
 * pair out for a while that doubles with each further lock-out, so a brute force from one address
 * cannot lock the agent out elsewhere. A slow brute force across many emails meets the per-address
 * limit; one spread over many addresses meets the per-email ceiling. A successful login resets the
 * pair and gives its attempt back to the other two counters.
 */
export interface LoginProtection {
  failsBeforeLockout: number;
  lockoutSeconds: number;
  maxLockoutSeconds: number;
  failsPerIp: number;
  failsPerEmail: number;
  /** How long a failure is counted, by all three counters. */
  failWindowSeconds: number;
}

/** Caps on graphql-ws sockets (see `api/src/http/socket-limits.ts`). */
export interface SocketLimits {
  /** Running operations (subscriptions, and queries or mutations in flight) on one socket. */
  subscriptionsPerSocket: number;
  /** Open sockets from one client address, counted per API instance. */
  connectionsPerIp: number;
  /** Operations one socket may start per window; past it the socket is closed with 4290. */
  operationsPerSocket: { limit: number; windowSeconds: number };
}

/** What one GraphQL request may ask for; past a limit the request is refused before it runs. */
export interface GraphqlLimits {
  /** Nesting of selections (fragments count their own levels). */
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens of the document; the parser stops at the first one past it. */
  maxTokens: number;
  maxDirectives: number;
  /** graphql-armor's cost: a field costs 1 (scalar) or 2 (object) plus 1.5 × its children, times a literal first/last. */
  maxCost: number;
  /** List items a query may make the server load: the product of page sizes (first/last, or 20 for an unpaged list) along each path, summed. */
  maxListItems: number;
  /** Bytes of a JSON or form-encoded POST body (multipart uploads have ATTACHMENT_MAX_BYTES). */
  maxBodyBytes: number;
  /** Who may query __schema and __type: agents and API tokens only, or anyone. */
  introspection: 'authenticated' | 'public';
}

export interface ChatLimits {
  /** A visitor with no open socket and no activity for this long has their chat ended as idle. */
  idleTimeoutSeconds: number;
  idleSweepIntervalSeconds: number;
  /** How long after the end a visitor's message reopens the chat ("return to chat"). */
  reopenWindowMinutes: number;
  startChatPerIp: { limit: number; windowSeconds: number };
  startChatPerVisitor: { limit: number; windowSeconds: number };
  sendMessagePerVisitor: { limit: number; windowSeconds: number };
  sendMessagePerIp: { limit: number; windowSeconds: number };
  /** The public lookups the widget makes: its channel on every page load, FAQ suggestions before the queue. */
  widgetChannelPerIp: { limit: number; windowSeconds: number };
  faqSuggestionsPerIp: { limit: number; windowSeconds: number };
  /** setTyping calls per caller and chat. */
  setTypingPerChat: { limit: number; windowSeconds: number };
  /** The offline form (leave a message while no agent is online), per client address. */
  offlineFormPerIp: { limit: number; windowSeconds: number };
  /** identifyVisitor calls per visitor. */
  identifyPerVisitor: { limit: number; windowSeconds: number };
}

export interface AttachmentsConfig {
  /** Where uploaded files are stored (created on first upload). */
  dir: string;
  /** Largest accepted upload, in bytes. */
  maxBytes: number;
  /** Key for signed download URLs; null: generated once and kept in `dir`/.url-signing-key. */
  urlSecret: string | null;
  /** How long a signed download URL works (it is handed out again for a quarter of that, at least 60 s). */
  urlTtlSeconds: number;
  /** Widest and highest image accepted, in pixels: past what browsers can show, an upload is refused. */
  maxImageSide: number;
}

export interface MailConfig {
  /** smtp:// or smtps:// URL of the outgoing mail server; null: sending mail is not configured. */
  smtpUrl: string | null;
  /** The From address of mail the product sends (transcripts). */
  from: string;
  transcriptPerSession: { limit: number; windowSeconds: number };
  transcriptPerIp: { limit: number; windowSeconds: number };
}

export function attachmentsConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string): AttachmentsConfig {
  const maxBytes = num(env.ATTACHMENT_MAX_BYTES, 10 * 1024 * 1024);
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new Error(`ATTACHMENT_MAX_BYTES must be a positive whole number of bytes, got "${env.ATTACHMENT_MAX_BYTES}"`);
  return {
    dir: path.resolve(env.ATTACHMENTS_DIR || path.join(dataDir, 'attachments')),
    maxBytes,
    urlSecret: env.ATTACHMENT_URL_SECRET || null,
    urlTtlSeconds: wholeNumber(env, 'ATTACHMENT_URL_TTL_SECONDS', 300, { min: 10, max: 86_400, unit: 'seconds' }),
    maxImageSide: wholeNumber(env, 'ATTACHMENT_MAX_IMAGE_SIDE', 16_384, { min: 1, max: 1_000_000, unit: 'pixels' }),
  };
}

export function mailConfigFromEnv(env: NodeJS.ProcessEnv): MailConfig {
  return {
    smtpUrl: env.SMTP_URL || null,
    from: env.MAIL_FROM || 'Live chat <no-reply@localhost>',
    transcriptPerSession: { limit: num(env.TRANSCRIPT_LIMIT_PER_SESSION, 3), windowSeconds: 3600 },
    transcriptPerIp: { limit: num(env.TRANSCRIPT_LIMIT_PER_IP, 20), windowSeconds: 3600 },
  };
}

/** PUBLIC_URL as an http(s) base URL without a trailing slash; unset is null. */
export function publicUrlFromEnv(value: string | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PUBLIC_URL must be an absolute http(s) URL such as https://chat.example.com, got "${value}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash)
    throw new Error(`PUBLIC_URL must be an http(s) URL without query or fragment, got "${value}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** CORS_ORIGINS: comma-separated http(s) origins such as https://crm.example.com; unset is none. */
export function corsOriginsFromEnv(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  return value.split(',').map((entry) => {
    const trimmed = entry.trim();
    let url: URL | null = null;
    try {
      url = new URL(trimmed);
    } catch {}
    // An origin only: no path, query, fragment or user; `null` and `*` are not origins.
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password || trimmed.endsWith('?') || trimmed.endsWith('#'))
      throw new Error(`CORS_ORIGINS must be a comma-separated list of origins such as https://crm.example.com (scheme, host and port only), got "${trimmed}"`);
    return url.origin;
  });
}

const num = (value: string | undefined, fallback: number) => (value === undefined || value === '' ? fallback : Number(value));

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, range: { min: number; max: number; unit: string }): number {
  const value = num(env[name], fallback);
  if (!Number.isInteger(value) || value < range.min || value > range.max)
    throw new Error(`${name} must be a whole number of ${range.unit} from ${range.min} to ${range.max}, got "${env[name]}"`);
  return value;
}

function positiveLimit(env: NodeJS.ProcessEnv, name: string, fallback: number, unit = 'calls'): number {
  const value = num(env[name], fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number of ${unit}, got "${env[name]}"`);
  return value;
}

/** TRUST_PROXY: unset/false, a hop count (`true` is 1), or a comma-separated list for proxy-addr. */
export function trustProxyFromEnv(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  // Express's `true` trusts every hop, so the client's own leftmost entry would win: here it is the one proxy in front.
  if (text === 'true') return 1;
  if (/^\d+$/.test(text)) return Number(text);
  const list = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new Error(
      `TRUST_PROXY must be false, a hop count, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal; got "${value}" (${error instanceof Error ? error.message : error})`,
    );
  }
  return list;
}

const REPLACED_LOGIN_VARIABLES = ['LOGIN_RATE_LIMIT_PER_EMAIL', 'LOGIN_RATE_LIMIT_PER_IP', 'LOGIN_RATE_LIMIT_WINDOW_SECONDS'];

export function loginProtectionFromEnv(env: NodeJS.ProcessEnv): LoginProtection {
  const replaced = REPLACED_LOGIN_VARIABLES.find((name) => env[name]);
  if (replaced)
    throw new Error(
      `${replaced} is no longer read: login protection counts failed logins (LOGIN_FAILS_BEFORE_LOCKOUT, LOGIN_LOCKOUT_SECONDS, LOGIN_LOCKOUT_MAX_SECONDS, LOGIN_FAILS_PER_IP, LOGIN_FAILS_PER_EMAIL, LOGIN_FAIL_WINDOW_SECONDS; see the README)`,
    );
  const protection: LoginProtection = {
    failsBeforeLockout: positiveLimit(env, 'LOGIN_FAILS_BEFORE_LOCKOUT', 5, 'failed logins'),
    lockoutSeconds: positiveLimit(env, 'LOGIN_LOCKOUT_SECONDS', 60, 'seconds'),
    maxLockoutSeconds: positiveLimit(env, 'LOGIN_LOCKOUT_MAX_SECONDS', 3600, 'seconds'),
    failsPerIp: positiveLimit(env, 'LOGIN_FAILS_PER_IP', 100, 'failed logins'),
    failsPerEmail: positiveLimit(env, 'LOGIN_FAILS_PER_EMAIL', 1000, 'failed logins'),
    failWindowSeconds: positiveLimit(env, 'LOGIN_FAIL_WINDOW_SECONDS', 3600, 'seconds'),
  };
  if (protection.maxLockoutSeconds < protection.lockoutSeconds)
    throw new Error(`LOGIN_LOCKOUT_MAX_SECONDS (${protection.maxLockoutSeconds}) must be at least LOGIN_LOCKOUT_SECONDS (${protection.lockoutSeconds})`);
  return protection;
}

export function socketLimitsFromEnv(env: NodeJS.ProcessEnv): SocketLimits {
  return {
    // The console runs a handful of subscriptions on its socket, the widget two.
    subscriptionsPerSocket: positiveLimit(env, 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 100, 'subscriptions'),
    // Offices and mobile carriers put many people behind one address.
    connectionsPerIp: positiveLimit(env, 'WS_MAX_CONNECTIONS_PER_IP', 200, 'connections'),
    operationsPerSocket: { limit: positiveLimit(env, 'WS_OPERATIONS_PER_SOCKET_PER_MINUTE', 300, 'operations'), windowSeconds: 60 },
  };
}

export function graphqlLimitsFromEnv(env: NodeJS.ProcessEnv): GraphqlLimits {
  const introspection = env.GRAPHQL_INTROSPECTION || 'authenticated';
  if (introspection !== 'authenticated' && introspection !== 'public')
    throw new Error(`GRAPHQL_INTROSPECTION must be "authenticated" or "public", got "${introspection}"`);
  // Defaults sit well above what the console and the widget send (api/src/http/graphql-limits.test.ts checks every document they send).
  return {
    maxDepth: positiveLimit(env, 'GRAPHQL_MAX_DEPTH', 12, 'levels'),
    maxAliases: positiveLimit(env, 'GRAPHQL_MAX_ALIASES', 20, 'aliases'),
    maxTokens: positiveLimit(env, 'GRAPHQL_MAX_TOKENS', 3000, 'tokens'),
    maxDirectives: positiveLimit(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 'directives'),
    maxCost: positiveLimit(env, 'GRAPHQL_MAX_COST', 50_000, 'cost points'),
    maxListItems: positiveLimit(env, 'GRAPHQL_MAX_LIST_ITEMS', 50_000, 'list items'),
    maxBodyBytes: positiveLimit(env, 'GRAPHQL_MAX_BODY_BYTES', 1024 * 1024, 'bytes'),
    introspection,
  };
}

export function chatLimitsFromEnv(env: NodeJS.ProcessEnv): ChatLimits {
  return {
    idleTimeoutSeconds: num(env.IDLE_TIMEOUT_SECONDS, 600),
    idleSweepIntervalSeconds: num(env.IDLE_SWEEP_INTERVAL_SECONDS, 30),
    reopenWindowMinutes: num(env.REOPEN_WINDOW_MINUTES, 30),
    startChatPerIp: { limit: num(env.START_CHAT_LIMIT_PER_IP, 10), windowSeconds: 60 },
    startChatPerVisitor: { limit: num(env.START_CHAT_LIMIT_PER_VISITOR, 5), windowSeconds: 60 },
    sendMessagePerVisitor: { limit: num(env.SEND_MESSAGE_LIMIT_PER_VISITOR, 20), windowSeconds: 10 },
    sendMessagePerIp: { limit: num(env.SEND_MESSAGE_LIMIT_PER_IP, 200), windowSeconds: 10 },
    // Generous: every page view of a site asks for its channel, and offices share one address.
    widgetChannelPerIp: { limit: positiveLimit(env, 'WIDGET_CHANNEL_LIMIT_PER_IP', 300), windowSeconds: 60 },
    faqSuggestionsPerIp: { limit: positiveLimit(env, 'FAQ_SUGGESTIONS_LIMIT_PER_IP', 60), windowSeconds: 60 },
    // The console sends one call when typing starts and one when it stops.
    setTypingPerChat: { limit: positiveLimit(env, 'SET_TYPING_LIMIT_PER_CHAT', 30), windowSeconds: 10 },
    offlineFormPerIp: { limit: positiveLimit(env, 'OFFLINE_FORM_LIMIT_PER_IP', 5), windowSeconds: 600 },
    identifyPerVisitor: { limit: positiveLimit(env, 'IDENTIFY_LIMIT_PER_VISITOR', 10), windowSeconds: 60 },
  };
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? path.join(repoRoot, 'data')),
    redisUrl: env.REDIS_URL || undefined,
    port,
    host: env.HOST ?? '0.0.0.0',
    trustProxy: trustProxyFromEnv(env.TRUST_PROXY),
    publicUrl: publicUrlFromEnv(env.PUBLIC_URL),
    corsOrigins: corsOriginsFromEnv(env.CORS_ORIGINS),
    development: env.NODE_ENV === 'development',
    graphiql: env.NODE_ENV === 'development' || env.GRAPHIQL === 'true',
    graphql: graphqlLimitsFromEnv(env),
    agentSessionTtlHours: Number(env.AGENT_SESSION_TTL_HOURS ?? 12),
    loginProtection: loginProtectionFromEnv(env),
    chat: chatLimitsFromEnv(env),
    sockets: socketLimitsFromEnv(env),
    attachments: attachmentsConfigFromEnv(env, path.resolve(env.DATA_DIR ?? path.join(repoRoot, 'data'))),
    mail: mailConfigFromEnv(env),
    staticRoot: repoRoot,
    logLevel: (env.LOG_LEVEL as LogLevel | undefined) || 'info',
    metrics: {
      token: env.METRICS_TOKEN || null,
      port: env.METRICS_PORT ? Number(env.METRICS_PORT) : null,
      host: env.METRICS_HOST || '127.0.0.1',
    },
    shutdownGraceSeconds: num(env.SHUTDOWN_GRACE_SECONDS, 10),
    compressMinBytes: num(env.GRAPHQL_COMPRESS_MIN_BYTES, 1024),
    log: (line) => console.log(line),
  };
}
