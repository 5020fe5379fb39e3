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
  /** GraphiQL and friendlier logs. */
  development: boolean;
  agentSessionTtlHours: number;
  /** Login attempts allowed per window, per email and per IP. */
  loginRateLimit: { perEmail: number; perIp: number; windowSeconds: number };
  /** Folder holding the built console and widget (defaults to the workspace). */
  staticRoot: string;
  log: (line: string) => void;
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
    development: env.NODE_ENV !== 'production',
    agentSessionTtlHours: Number(env.AGENT_SESSION_TTL_HOURS ?? 12),
    loginRateLimit: {
      perEmail: Number(env.LOGIN_RATE_LIMIT_PER_EMAIL ?? 5),
      perIp: Number(env.LOGIN_RATE_LIMIT_PER_IP ?? 20),
      windowSeconds: Number(env.LOGIN_RATE_LIMIT_WINDOW_SECONDS ?? 300),
    },
    staticRoot: repoRoot,
    log: (line) => console.log(line),
  };
}
