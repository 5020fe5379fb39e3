import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppConfig {
  /** PostgreSQL URL; when absent the API runs embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** Embedded data folder; null keeps the embedded database in memory (tests). */
  dataDir: string | null;
  redisUrl?: string;
  port: number;
  host: string;
  /** Behind a load balancer: take the client address from X-Forwarded-For (its first entry). */
  trustProxy: boolean;
  /** Base URL visitors' browsers reach this server on (no trailing slash), for embed snippets and links; null: the request's origin. */
  publicUrl: string | null;
  /** NODE_ENV=development: friendlier logs and GraphQL's "Did you mean …" suggestions. */
  development: boolean;
  /** GraphiQL on GET /graphql: NODE_ENV=development or GRAPHIQL=true. */
  graphiql: boolean;
  graphql: GraphqlLimits;
  agentSessionTtlHours: number;
  /** Login attempts allowed per window, per email and per IP. */
  loginRateLimit: { perEmail: number; perIp: number; windowSeconds: number };
  chat: ChatLimits;
  attachments: AttachmentsConfig;
  mail: MailConfig;
  /** Folder holding the built console and widget (defaults to the workspace). */
  staticRoot: string;
  log: (line: string) => void;
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
}

export interface AttachmentsConfig {
  /** Where uploaded files are stored (created on first upload). */
  dir: string;
  /** Largest accepted upload, in bytes. */
  maxBytes: number;
  /** Key for signed download URLs; null: generated once and kept in `dir`/.url-signing-key. */
  urlSecret: string | null;
  /** How long a signed download URL works. */
  urlTtlSeconds: number;
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
    urlTtlSeconds: num(env.ATTACHMENT_URL_TTL_SECONDS, 3600),
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

const num = (value: string | undefined, fallback: number) => (value === undefined || value === '' ? fallback : Number(value));

function positiveLimit(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = num(env[name], fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number of calls, got "${env[name]}"`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, unit: string): number {
  const value = num(env[name], fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number of ${unit}, got "${env[name]}"`);
  return value;
}

export function graphqlLimitsFromEnv(env: NodeJS.ProcessEnv): GraphqlLimits {
  const introspection = env.GRAPHQL_INTROSPECTION || 'authenticated';
  if (introspection !== 'authenticated' && introspection !== 'public')
    throw new Error(`GRAPHQL_INTROSPECTION must be "authenticated" or "public", got "${introspection}"`);
  // Defaults sit well above what the console and the widget send (api/src/http/graphql-limits.test.ts checks every document they send).
  return {
    maxDepth: wholeNumber(env, 'GRAPHQL_MAX_DEPTH', 12, 'levels'),
    maxAliases: wholeNumber(env, 'GRAPHQL_MAX_ALIASES', 20, 'aliases'),
    maxTokens: wholeNumber(env, 'GRAPHQL_MAX_TOKENS', 3000, 'tokens'),
    maxDirectives: wholeNumber(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 'directives'),
    maxCost: wholeNumber(env, 'GRAPHQL_MAX_COST', 50_000, 'cost points'),
    maxListItems: wholeNumber(env, 'GRAPHQL_MAX_LIST_ITEMS', 50_000, 'list items'),
    maxBodyBytes: wholeNumber(env, 'GRAPHQL_MAX_BODY_BYTES', 1024 * 1024, 'bytes'),
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
    trustProxy: env.TRUST_PROXY === 'true',
    publicUrl: publicUrlFromEnv(env.PUBLIC_URL),
    development: env.NODE_ENV === 'development',
    graphiql: env.NODE_ENV === 'development' || env.GRAPHIQL === 'true',
    graphql: graphqlLimitsFromEnv(env),
    agentSessionTtlHours: Number(env.AGENT_SESSION_TTL_HOURS ?? 12),
    loginRateLimit: {
      perEmail: Number(env.LOGIN_RATE_LIMIT_PER_EMAIL ?? 5),
      perIp: Number(env.LOGIN_RATE_LIMIT_PER_IP ?? 20),
      windowSeconds: Number(env.LOGIN_RATE_LIMIT_WINDOW_SECONDS ?? 300),
    },
    chat: chatLimitsFromEnv(env),
    attachments: attachmentsConfigFromEnv(env, path.resolve(env.DATA_DIR ?? path.join(repoRoot, 'data'))),
    mail: mailConfigFromEnv(env),
    staticRoot: repoRoot,
    log: (line) => console.log(line),
  };
}
