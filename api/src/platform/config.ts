import os from 'node:os';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { findRepoRoot } from './repo-root';

export const repoRoot = findRepoRoot(import.meta.url);

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
   * takes them). `true` is one hop. See `api/src/server/http/client-address.ts`.
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
  /** WORKERS: API processes behind the one port (node:cluster); 1 runs a single process, `auto` one per core. */
  workers: number;
  /** SHUTDOWN_GRACE_SECONDS: how long SIGTERM waits for in-flight requests before the process exits anyway. */
  shutdownGraceSeconds: number;
  /** GRAPHQL_COMPRESS_MIN_BYTES: GraphQL JSON responses at least this large are compressed (br/gzip by Accept-Encoding). */
  compressMinBytes: number;
  seed: SeedConfig;
  log: (line: string) => void;
}

/** What the first start creates (see `api/src/server/seed.ts`). */
export interface SeedConfig {
  /** ADMIN_EMAIL and ADMIN_PASSWORD: the first admin, when no agent exists yet. */
  adminEmail: string | null;
  adminPassword: string | null;
  /** SEED_DEMO: demo channels, templates and FAQ on a new embedded database. */
  demoContent: boolean;
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

/** Caps on graphql-ws sockets (see `api/src/server/http/socket-limits.ts`). */
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
    if (
      !url ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.pathname !== '/' ||
      url.search ||
      url.hash ||
      url.username ||
      url.password ||
      trimmed.endsWith('?') ||
      trimmed.endsWith('#')
    )
      throw new Error(`CORS_ORIGINS must be a comma-separated list of origins such as https://crm.example.com (scheme, host and port only), got "${trimmed}"`);
    return url.origin;
  });
}

/** TRUST_PROXY: unset/false, a hop count (`true` is 1), or a comma-separated list for proxy-addr. */
export function trustProxyFromEnv(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  // Express's `true` trusts every hop, so the client's own leftmost entry would win: here it is the one proxy in front.
  if (text === 'true') return 1;
  if (/^\d+$/.test(text)) return Number(text);
  const list = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new Error(
      `TRUST_PROXY must be false, a hop count, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal; got "${value}" (${error instanceof Error ? error.message : error})`,
    );
  }
  return list;
}

/** WORKERS: `auto` is one process per core the process may use; otherwise a positive whole number. */
function workersFromEnv(value: string | undefined): number {
  if (value === undefined) return 1;
  const text = value.trim().toLowerCase();
  if (text === 'auto') return os.availableParallelism();
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 1024) return Number(text);
  throw new Error(`WORKERS must be "auto" or a whole number of processes from 1 to 1024, got "${value.length > 200 ? `${value.slice(0, 200)}…` : value}"`);
}

// ---------------------------------------------------------------------------------------------
// The schema: every environment variable the server reads, with its type, default and range.
// A value that is set but empty counts as unset, as shells and compose files often pass "".

const unsetIfBlank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** A whole number from `min` to `max`; the message says what is expected, in the variable's unit. */
function wholeNumber(fallback: number, min: number, max: number, unit: string) {
  const expected = max >= 1_000_000_000 && min === 1 ? `must be a positive whole number of ${unit}` : `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.preprocess(
    unsetIfBlank,
    z.coerce.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected }).default(fallback),
  );
}

/** A positive limit (a rate-limit count, a size): at least 1, no practical ceiling. */
const positive = (fallback: number, unit = 'calls') => wholeNumber(fallback, 1, 1_000_000_000, unit);

const optionalPort = z.preprocess(
  unsetIfBlank,
  z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int({ error: 'must be a port number from 0 to 65535' })
    .min(0, { error: 'must be a port number from 0 to 65535' })
    .max(65535, { error: 'must be a port number from 0 to 65535' })
    .optional(),
);

function flag(fallback: boolean) {
  return z
    .preprocess(unsetIfBlank, z.enum(['true', 'false'], { error: 'must be true or false' }).optional())
    .transform((value) => (value === undefined ? fallback : value === 'true'));
}

/** A URL whose scheme is one of `schemes` (e.g. postgres:// or postgresql://). */
function url(schemes: string[], example: string) {
  const expected = `must be a ${schemes.map((scheme) => `${scheme}://`).join(' or ')} URL such as ${example}`;
  return z.preprocess(unsetIfBlank, z.url({ protocol: new RegExp(`^(${schemes.join('|')})$`), error: expected }).optional());
}

const text = () => z.preprocess(unsetIfBlank, z.string().optional());
const textOr = (fallback: string) => text().transform((value) => value ?? fallback);

/** One of the hand-written parsers above, its error becoming the variable's issue. */
function parsedBy<T>(parse: (value: string | undefined) => T) {
  return z.preprocess(unsetIfBlank, z.string().optional()).transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

const secret = (minLength: number, what: string) =>
  z.preprocess(
    unsetIfBlank,
    z
      .string()
      .min(minLength, { error: `must be at least ${minLength} characters (${what})` })
      .optional(),
  );

export const configSchema = z
  .object({
    NODE_ENV: z.preprocess(unsetIfBlank, z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).optional()),
    PORT: wholeNumber(4000, 0, 65535, 'port (0 picks a free one)'),
    HOST: textOr('0.0.0.0'),
    TRUST_PROXY: parsedBy(trustProxyFromEnv),
    PUBLIC_URL: parsedBy(publicUrlFromEnv),
    CORS_ORIGINS: parsedBy(corsOriginsFromEnv),
    DATABASE_URL: url(['postgres', 'postgresql'], 'postgresql://user:password@db:5432/livechat'),
    DATA_DIR: text(),
    REDIS_URL: url(['redis', 'rediss'], 'redis://redis:6379'),
    ADMIN_EMAIL: z.preprocess(unsetIfBlank, z.email({ error: 'must be an email address' }).optional()),
    // The agents' minimum, MIN_PASSWORD_LENGTH in services/passwords.ts (config.test.ts keeps them equal).
    ADMIN_PASSWORD: secret(10, 'the first admin’s password'),
    SEED_DEMO: flag(true),
    GRAPHIQL: flag(false),
    LOG_LEVEL: z.preprocess(
      unsetIfBlank,
      z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
        .default('info'),
    ),
    AGENT_SESSION_TTL_HOURS: wholeNumber(12, 1, 8760, 'hours'),
    IDLE_TIMEOUT_SECONDS: wholeNumber(600, 1, 604_800, 'seconds'),
    IDLE_SWEEP_INTERVAL_SECONDS: wholeNumber(30, 1, 3600, 'seconds'),
    REOPEN_WINDOW_MINUTES: wholeNumber(30, 0, 10_080, 'minutes'),
    START_CHAT_LIMIT_PER_IP: positive(10),
    START_CHAT_LIMIT_PER_VISITOR: positive(5),
    SEND_MESSAGE_LIMIT_PER_VISITOR: positive(20, 'messages'),
    SEND_MESSAGE_LIMIT_PER_IP: positive(200, 'messages'),
    WIDGET_CHANNEL_LIMIT_PER_IP: positive(300),
    FAQ_SUGGESTIONS_LIMIT_PER_IP: positive(60),
    SET_TYPING_LIMIT_PER_CHAT: positive(30),
    OFFLINE_FORM_LIMIT_PER_IP: positive(5, 'forms'),
    IDENTIFY_LIMIT_PER_VISITOR: positive(10),
    ATTACHMENTS_DIR: text(),
    ATTACHMENT_MAX_BYTES: positive(10 * 1024 * 1024, 'bytes'),
    ATTACHMENT_URL_SECRET: secret(16, 'the key that signs download URLs'),
    ATTACHMENT_URL_TTL_SECONDS: wholeNumber(300, 10, 86_400, 'seconds'),
    ATTACHMENT_MAX_IMAGE_SIDE: wholeNumber(16_384, 1, 1_000_000, 'pixels'),
    SMTP_URL: url(['smtp', 'smtps'], 'smtp://user:password@mail.example.com:587'),
    MAIL_FROM: textOr('Live chat <no-reply@localhost>'),
    TRANSCRIPT_LIMIT_PER_SESSION: positive(3, 'emails'),
    TRANSCRIPT_LIMIT_PER_IP: positive(20, 'emails'),
    GRAPHQL_MAX_DEPTH: positive(12, 'levels'),
    GRAPHQL_MAX_ALIASES: positive(20, 'aliases'),
    GRAPHQL_MAX_TOKENS: positive(3000, 'tokens'),
    GRAPHQL_MAX_DIRECTIVES: positive(20, 'directives'),
    GRAPHQL_MAX_COST: positive(50_000, 'cost points'),
    GRAPHQL_MAX_LIST_ITEMS: positive(50_000, 'list items'),
    GRAPHQL_MAX_BODY_BYTES: positive(1024 * 1024, 'bytes'),
    GRAPHQL_INTROSPECTION: z.preprocess(
      unsetIfBlank,
      z.enum(['authenticated', 'public'], { error: 'must be "authenticated" or "public"' }).default('authenticated'),
    ),
    GRAPHQL_COMPRESS_MIN_BYTES: wholeNumber(1024, 0, 1_000_000_000, 'bytes'),
    LOGIN_FAILS_BEFORE_LOCKOUT: positive(5, 'failed logins'),
    LOGIN_LOCKOUT_SECONDS: positive(60, 'seconds'),
    LOGIN_LOCKOUT_MAX_SECONDS: positive(3600, 'seconds'),
    LOGIN_FAILS_PER_IP: positive(100, 'failed logins'),
    LOGIN_FAILS_PER_EMAIL: positive(1000, 'failed logins'),
    LOGIN_FAIL_WINDOW_SECONDS: positive(3600, 'seconds'),
    // The console runs a handful of subscriptions on its socket, the widget two.
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positive(100, 'subscriptions'),
    // Offices and mobile carriers put many people behind one address.
    WS_MAX_CONNECTIONS_PER_IP: positive(200, 'connections'),
    WS_OPERATIONS_PER_SOCKET_PER_MINUTE: positive(300, 'operations'),
    METRICS_TOKEN: secret(16, 'the bearer token scrapers send to /metrics'),
    METRICS_PORT: optionalPort,
    METRICS_HOST: textOr('127.0.0.1'),
    SHUTDOWN_GRACE_SECONDS: wholeNumber(10, 1, 600, 'seconds'),
    WORKERS: parsedBy(workersFromEnv),
  })
  .superRefine((env, ctx) => {
    if (env.LOGIN_LOCKOUT_MAX_SECONDS < env.LOGIN_LOCKOUT_SECONDS)
      ctx.addIssue({
        code: 'custom',
        path: ['LOGIN_LOCKOUT_MAX_SECONDS'],
        message: `LOGIN_LOCKOUT_MAX_SECONDS (${env.LOGIN_LOCKOUT_MAX_SECONDS}) must be at least LOGIN_LOCKOUT_SECONDS (${env.LOGIN_LOCKOUT_SECONDS})`,
      });
  });

export type ConfigEnv = z.output<typeof configSchema>;

/** Every variable the server reads: the compose file, the README table and tests check against it. */
export const configVariableNames: readonly string[] = Object.keys(configSchema.shape);

/** Variables whose values are never printed: not in configuration errors, not in logs. URLs count, as they carry passwords. */
export const secretConfigVariables: readonly string[] = ['ADMIN_PASSWORD', 'ATTACHMENT_URL_SECRET', 'METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL'];

/** Variables an earlier version read: set, they stop the start, so a deployment does not silently lose its settings. */
const retiredVariables: Record<string, string> = Object.fromEntries(
  ['LOGIN_RATE_LIMIT_PER_EMAIL', 'LOGIN_RATE_LIMIT_PER_IP', 'LOGIN_RATE_LIMIT_WINDOW_SECONDS'].map((name) => [
    name,
    `${name} is no longer read: login protection counts failed logins (LOGIN_FAILS_BEFORE_LOCKOUT, LOGIN_LOCKOUT_SECONDS, LOGIN_LOCKOUT_MAX_SECONDS, LOGIN_FAILS_PER_IP, LOGIN_FAILS_PER_EMAIL, LOGIN_FAIL_WINDOW_SECONDS; see the README)`,
  ]),
);

export interface ConfigProblem {
  variable: string;
  /** The whole sentence: the variable, what it must be, and the value (hidden for secrets). */
  message: string;
}

/** Thrown by `configFromEnv` with every bad variable at once; main prints `message` and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} ${problems.length === 1 ? 'variable' : 'variables'}):\n${problems.map((problem) => `  - ${problem.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

function shownValue(variable: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  if (secretConfigVariables.includes(variable)) return `a hidden value of ${value.length} characters`;
  return `"${value.length > 200 ? `${value.slice(0, 200)}…` : value}"`;
}

/** Validates every variable of `env`; throws one ConfigError naming each bad one. */
export function parseConfigEnv(env: NodeJS.ProcessEnv): ConfigEnv {
  const problems: ConfigProblem[] = Object.entries(retiredVariables)
    .filter(([name]) => env[name])
    .map(([variable, message]) => ({ variable, message }));
  const result = configSchema.safeParse(env);
  if (!result.success)
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      // The hand-written parsers and cross-field checks already name the variable and the value.
      const message = issue.message.startsWith(variable) ? issue.message : `${variable} ${issue.message}, got ${shownValue(variable, env[variable])}`;
      problems.push({ variable, message });
    }
  if (problems.length || !result.success) throw new ConfigError(problems);
  return result.data;
}

const perMinute = (limit: number) => ({ limit, windowSeconds: 60 });

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = parseConfigEnv(env);
  const dataDir = path.resolve(e.DATA_DIR ?? path.join(repoRoot, 'data'));
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL,
    corsOrigins: e.CORS_ORIGINS,
    development: e.NODE_ENV === 'development',
    graphiql: e.NODE_ENV === 'development' || e.GRAPHIQL,
    // Defaults sit well above what the console and the widget send (api/src/graphql/limits.test.ts checks every document they send).
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxListItems: e.GRAPHQL_MAX_LIST_ITEMS,
      maxBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
      introspection: e.GRAPHQL_INTROSPECTION,
    },
    agentSessionTtlHours: e.AGENT_SESSION_TTL_HOURS,
    loginProtection: {
      failsBeforeLockout: e.LOGIN_FAILS_BEFORE_LOCKOUT,
      lockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
      maxLockoutSeconds: e.LOGIN_LOCKOUT_MAX_SECONDS,
      failsPerIp: e.LOGIN_FAILS_PER_IP,
      failsPerEmail: e.LOGIN_FAILS_PER_EMAIL,
      failWindowSeconds: e.LOGIN_FAIL_WINDOW_SECONDS,
    },
    chat: {
      idleTimeoutSeconds: e.IDLE_TIMEOUT_SECONDS,
      idleSweepIntervalSeconds: e.IDLE_SWEEP_INTERVAL_SECONDS,
      reopenWindowMinutes: e.REOPEN_WINDOW_MINUTES,
      startChatPerIp: perMinute(e.START_CHAT_LIMIT_PER_IP),
      startChatPerVisitor: perMinute(e.START_CHAT_LIMIT_PER_VISITOR),
      sendMessagePerVisitor: { limit: e.SEND_MESSAGE_LIMIT_PER_VISITOR, windowSeconds: 10 },
      sendMessagePerIp: { limit: e.SEND_MESSAGE_LIMIT_PER_IP, windowSeconds: 10 },
      // Generous: every page view of a site asks for its channel, and offices share one address.
      widgetChannelPerIp: perMinute(e.WIDGET_CHANNEL_LIMIT_PER_IP),
      faqSuggestionsPerIp: perMinute(e.FAQ_SUGGESTIONS_LIMIT_PER_IP),
      // The console sends one call when typing starts and one when it stops.
      setTypingPerChat: { limit: e.SET_TYPING_LIMIT_PER_CHAT, windowSeconds: 10 },
      offlineFormPerIp: { limit: e.OFFLINE_FORM_LIMIT_PER_IP, windowSeconds: 600 },
      identifyPerVisitor: perMinute(e.IDENTIFY_LIMIT_PER_VISITOR),
    },
    sockets: {
      subscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      connectionsPerIp: e.WS_MAX_CONNECTIONS_PER_IP,
      operationsPerSocket: perMinute(e.WS_OPERATIONS_PER_SOCKET_PER_MINUTE),
    },
    attachments: {
      dir: path.resolve(e.ATTACHMENTS_DIR ?? path.join(dataDir, 'attachments')),
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      urlSecret: e.ATTACHMENT_URL_SECRET ?? null,
      urlTtlSeconds: e.ATTACHMENT_URL_TTL_SECONDS,
      maxImageSide: e.ATTACHMENT_MAX_IMAGE_SIDE,
    },
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.MAIL_FROM,
      transcriptPerSession: { limit: e.TRANSCRIPT_LIMIT_PER_SESSION, windowSeconds: 3600 },
      transcriptPerIp: { limit: e.TRANSCRIPT_LIMIT_PER_IP, windowSeconds: 3600 },
    },
    staticRoot: repoRoot,
    logLevel: e.LOG_LEVEL,
    metrics: { token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT ?? null, host: e.METRICS_HOST },
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    workers: e.WORKERS,
    compressMinBytes: e.GRAPHQL_COMPRESS_MIN_BYTES,
    seed: { adminEmail: e.ADMIN_EMAIL ?? null, adminPassword: e.ADMIN_PASSWORD ?? null, demoContent: e.SEED_DEMO },
    log: (line) => console.log(line),
  };
}

// Parts of the configuration, for tests and scripts that need one part with its defaults.
export const chatLimitsFromEnv = (env: NodeJS.ProcessEnv): ChatLimits => configFromEnv(env).chat;
export const loginProtectionFromEnv = (env: NodeJS.ProcessEnv): LoginProtection => configFromEnv(env).loginProtection;
export const socketLimitsFromEnv = (env: NodeJS.ProcessEnv): SocketLimits => configFromEnv(env).sockets;
export const graphqlLimitsFromEnv = (env: NodeJS.ProcessEnv): GraphqlLimits => configFromEnv(env).graphql;
export const mailConfigFromEnv = (env: NodeJS.ProcessEnv): MailConfig => configFromEnv(env).mail;
