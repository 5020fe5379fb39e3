import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from './config';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log call's object. Nothing here should ever be
 * logged in the first place (operations are logged by name only, never with variables or bodies);
 * this is the net under that rule.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'bearerToken',
  'visitorToken',
  'variables',
  'body',
  'query',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.bearerToken',
  '*.visitorToken',
  '*.variables',
  '*.body',
  '*.query',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'connectionParams',
  '*.connectionParams',
];

/** Pretty lines for a person at a terminal in development; JSON lines everywhere else. */
export function wantsPrettyLogs(config: Pick<AppConfig, 'development'>, env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): boolean {
  return (env.NODE_ENV === 'development' || (config.development && isTty)) && prettyPrinterInstalled();
}

// pino-pretty is a dev dependency: a production install without it logs JSON whatever NODE_ENV says.
function prettyPrinterInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * The process's logger: JSON lines on stdout (or `destination`), at `config.logLevel`.
 * With pretty output, pino-pretty (a dev dependency) runs in a transport worker.
 */
export function createLogger(
  config: Pick<AppConfig, 'logLevel' | 'development'>,
  destination?: DestinationStream,
  pretty = !destination && wantsPrettyLogs(config),
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'livechat-api' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (pretty)
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  // Asynchronous and buffered: lines go out together, one write(2) per 4 KB or per 250 ms (a write
  // per line was a visible share of each request's CPU), and pino flushes what is left
  // synchronously when the process exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }));
}

/** A logger whose lines go to `config.log`, for an app built without one (tests capture `config.log`). */
export function loggerIntoLines(config: Pick<AppConfig, 'logLevel' | 'development' | 'log'>): Logger {
  return createLogger(config, { write: (line: string) => config.log(line.trimEnd()) }, false);
}

const requestIds = new WeakMap<IncomingMessage, string>();
// An id another hop already gave the request is kept if it is short and plain (no spaces, quotes or control characters).
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The request's id: the incoming X-Request-Id when sane, otherwise a new UUID; the same for every call on one request. */
export function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (!id) {
    const incoming = req.headers['x-request-id'];
    id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    requestIds.set(req, id);
  }
  return id;
}

/** What kind of caller a principal is, for logs: never the token, never who exactly. */
export function principalKind(principal: { kind: string } | null | undefined): 'visitor' | 'agent' | 'token' | 'anonymous' {
  if (!principal) return 'anonymous';
  if (principal.kind === 'apiToken') return 'token';
  return principal.kind === 'visitor' ? 'visitor' : 'agent';
}
