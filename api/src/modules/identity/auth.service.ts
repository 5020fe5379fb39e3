// Module identity: who is calling. Owns agent sign-in and sessions, API tokens and their scopes,
// and turning a bearer token into a Principal (one statement on the hot path); revoking any of
// them is announced so every stream of the credential ends. Imports agents.
import type { RawSql } from '../../platform/db/client';
import type { Agent, ApiScope, ApiToken, Prisma, PrismaClient, Visitor } from '../../generated/prisma/client';
import type { Principal } from '../../platform/principal';
import type { EventBus } from '../../platform/pubsub';
import { notFound, rateLimited, unauthenticated, validation } from '../../platform/errors';
import { MAX_PASSWORD_LENGTH, decoyPasswordHash, verifyPassword } from '../../platform/passwords';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginProtection } from '../../platform/config';
import { retryAfterSeconds, type RateLimiter } from '../../platform/rate-limiter';
import { announceRevocation } from '../../platform/revocations';
import { generateToken, hashToken, parseToken } from '../../platform/tokens';
import { text } from '../../platform/validation';

/** An API token's name: what it is for. */
export const apiTokenName = text('name', { max: 100 });

export interface AuthOptions {
  agentSessionTtlHours: number;
  /** How stale a visitor's lastSeenAt may get before a request refreshes it. */
  visitorLastSeenPrecisionMs: number;
  loginProtection: LoginProtection;
}

const INVALID_LOGIN = 'Invalid email or password.';
/** How long lock-outs are remembered for the backoff; a successful login forgets them at once. */
const LOCKOUT_MEMORY_SECONDS = 24 * 3600;
// Writing lastUsedAt on every request would turn reads into writes; a minute's precision is enough.
const LAST_USED_PRECISION_MS = 60_000;

type AgentWithAuthSession = Agent & { _authSessionId: string; _expiresAt: Date; _revokedAt: Date | null; _lastUsedAt: Date };

/**
 * Every request authenticates, so the two common token kinds are read with one plain statement
 * each (Prisma's include would cost two queries and most of the CPU of a small request).
 */
const AGENT_BY_SESSION_TOKEN = {
  text: `
  SELECT a.*, s.id AS "_authSessionId", s."expiresAt" AS "_expiresAt", s."revokedAt" AS "_revokedAt", s."lastUsedAt" AS "_lastUsedAt"
  FROM "AgentAuthSession" s JOIN "Agent" a ON a.id = s."agentId"
  WHERE s."tokenHash" = $1`,
};
const VISITOR_BY_TOKEN = { text: `SELECT * FROM "Visitor" WHERE "tokenHash" = $1` };

export interface AuthServiceDeps {
  prisma: PrismaClient;
  sql: RawSql;
  rateLimiter: RateLimiter;
  /** Revocations are announced on it, so every stream of the credential ends. */
  bus: EventBus;
  options: AuthOptions;
}

export function createAuthService({ prisma, sql, rateLimiter, bus, options }: AuthServiceDeps) {
  const protection = options.loginProtection;
  const failWindow = protection.failWindowSeconds;
  const failsByPair = rateLimiter.limiter({ name: 'login-fails:email-ip', points: protection.failsBeforeLockout, durationSeconds: failWindow });
  const failsByIp = rateLimiter.limiter({ name: 'login-fails:ip', points: protection.failsPerIp, durationSeconds: failWindow });
  const failsByEmail = rateLimiter.limiter({ name: 'login-fails:email', points: protection.failsPerEmail, durationSeconds: failWindow });
  const lockouts = rateLimiter.limiter({ name: 'login-lockouts:email-ip', points: 1_000_000, durationSeconds: LOCKOUT_MEMORY_SECONDS });

  /**
   * Takes one attempt from each counter before the password is checked (so parallel guesses
   * cannot all slip past), or refuses with RATE_LIMITED. A refused attempt gives back what it took:
   * it tested no password. The pair's counter goes first, so a locked-out attacker's retries do
   * not use up the agent's per-email ceiling.
   */
  async function takeAttempt(keys: { pair: string; ip: string; email: string }) {
    const counters = [
      [failsByPair, keys.pair],
      [failsByIp, keys.ip],
      [failsByEmail, keys.email],
    ] as const;
    let pairAttempt: RateLimiterRes | null = null;
    for (let i = 0; i < counters.length; i++) {
      const [limiter, key] = counters[i]!;
      try {
        const res = await limiter.consume(key);
        if (i === 0) pairAttempt = res;
      } catch (refusal) {
        await Promise.all(counters.slice(0, i).map(([taken, takenKey]) => taken.reward(takenKey).catch(() => {})));
        if (refusal instanceof RateLimiterRes) throw rateLimited(retryAfterSeconds(refusal));
        throw refusal;
      }
    }
    return pairAttempt!;
  }

  /** The last failure allowed for the pair: lock it out, for twice as long as the lock-out before. */
  async function lockOut(pair: string): Promise<void> {
    const count = (await lockouts.consume(pair)).consumedPoints;
    const seconds = Math.min(protection.maxLockoutSeconds, protection.lockoutSeconds * 2 ** Math.min(count - 1, 30));
    await failsByPair.block(pair, seconds);
  }

  async function login(input: { email: string; password: string; ip: string; userAgent?: string | null }) {
    const email = input.email.trim().toLowerCase();
    const emailKey = email.slice(0, 320);
    const keys = { pair: `${input.ip}|${emailKey}`, ip: input.ip, email: emailKey };
    const pairAttempt = await takeAttempt(keys);

    const agent = email.length <= 254 ? await prisma.agent.findUnique({ where: { email } }) : null;
    const passwordOk = input.password.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(input.password, agent?.passwordHash ?? (await decoyPasswordHash)));
    if (!agent || !passwordOk || !agent.active) {
      if (pairAttempt.remainingPoints === 0) await lockOut(keys.pair);
      throw unauthenticated(INVALID_LOGIN);
    }

    await Promise.all([failsByPair.delete(keys.pair), lockouts.delete(keys.pair), failsByIp.reward(keys.ip), failsByEmail.reward(keys.email)]);
    const token = generateToken('agent');
    const expiresAt = new Date(Date.now() + options.agentSessionTtlHours * 3_600_000);
    const session = await prisma.agentAuthSession.create({
      data: {
        agentId: agent.id,
        tokenHash: hashToken(token),
        expiresAt,
        ip: input.ip,
        userAgent: input.userAgent ?? null,
      },
    });
    return { token, agent, expiresAt, authSessionId: session.id };
  }

  /** Resolves a bearer token to its principal, or throws UNAUTHENTICATED saying why. */
  async function authenticate(token: string): Promise<Principal> {
    const parsed = parseToken(token);
    if (!parsed) throw unauthenticated('Malformed token.');
    const tokenHash = hashToken(token);
    const now = new Date();

    if (parsed.kind === 'agent') {
      const [row] = await sql.rows<AgentWithAuthSession>(AGENT_BY_SESSION_TOKEN, [tokenHash]);
      if (!row) throw unauthenticated('Unknown token.');
      const { _authSessionId: authSessionId, _expiresAt: expiresAt, _revokedAt: revokedAt, _lastUsedAt: lastUsedAt, ...agent } = row;
      if (revokedAt) throw unauthenticated('This session has been revoked. Log in again.');
      if (expiresAt <= now) throw unauthenticated('This session has expired. Log in again.');
      if (!agent.active) throw unauthenticated('This agent account is deactivated.');
      if (now.getTime() - lastUsedAt.getTime() > LAST_USED_PRECISION_MS)
        await prisma.agentAuthSession.update({ where: { id: authSessionId }, data: { lastUsedAt: now } });
      return { kind: 'agent', agent, authSessionId, sessionExpiresAt: expiresAt };
    }

    if (parsed.kind === 'visitor') {
      let [visitor] = await sql.rows<Visitor>(VISITOR_BY_TOKEN, [tokenHash]);
      if (!visitor) throw unauthenticated('Unknown token.');
      if (now.getTime() - visitor.lastSeenAt.getTime() > options.visitorLastSeenPrecisionMs)
        visitor = await prisma.visitor.update({ where: { id: visitor.id }, data: { lastSeenAt: now } });
      return { kind: 'visitor', visitor };
    }

    const apiToken = await prisma.apiToken.findUnique({ where: { tokenHash } });
    if (!apiToken) throw unauthenticated('Unknown token.');
    if (apiToken.revokedAt) throw unauthenticated('This API token has been revoked.');
    if (apiToken.expiresAt && apiToken.expiresAt <= now) throw unauthenticated('This API token has expired.');
    if (!apiToken.lastUsedAt || now.getTime() - apiToken.lastUsedAt.getTime() > LAST_USED_PRECISION_MS)
      await prisma.apiToken.update({ where: { id: apiToken.id }, data: { lastUsedAt: now } });
    return { kind: 'apiToken', apiToken };
  }

  async function logout(authSessionId: string) {
    await prisma.agentAuthSession.update({ where: { id: authSessionId }, data: { revokedAt: new Date() } });
    announceRevocation(bus, { agentAuthSessionIds: [authSessionId] });
  }

  async function revokeAgentSessions(agentId: string): Promise<number> {
    const revoked = await prisma.agentAuthSession.updateManyAndReturn({
      where: { agentId, revokedAt: null },
      data: { revokedAt: new Date() },
      select: { id: true },
    });
    announceRevocation(bus, { agentAuthSessionIds: revoked.map((s) => s.id) });
    return revoked.length;
  }

  /** The name's check is declared on the GraphQL input (apiTokenName): it arrives cleaned. */
  async function createApiToken(input: {
    name: string;
    scopes: ApiScope[];
    expiresAt?: Date | null;
    createdById: string | null;
  }): Promise<{ token: string; apiToken: ApiToken }> {
    const { name } = input;
    if (input.scopes.length === 0) throw validation('scopes', 'must name at least one scope');
    if (input.expiresAt && input.expiresAt <= new Date()) throw validation('expiresAt', 'must be in the future');
    const token = generateToken('api');
    const apiToken = await prisma.apiToken.create({
      data: {
        name,
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresAt ?? null,
        prefix: token.slice(0, 10),
        tokenHash: hashToken(token),
        createdById: input.createdById,
      },
    });
    return { token, apiToken };
  }

  /** Every API token, newest first: the `apiTokens` list. */
  function apiTokenListArgs() {
    return { orderBy: { createdAt: 'desc' } } satisfies Prisma.ApiTokenFindManyArgs;
  }

  async function revokeApiToken(id: string): Promise<ApiToken> {
    const existing = await prisma.apiToken.findUnique({ where: { id } });
    if (!existing) throw notFound('ApiToken', id);
    if (existing.revokedAt) return existing;
    const revoked = await prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    announceRevocation(bus, { apiTokenIds: [id] });
    return revoked;
  }

  /** A new visitor with a token scoped to that visitor's own sessions. */
  async function createVisitor(data: Partial<Pick<Visitor, 'name' | 'email' | 'phone' | 'company' | 'country' | 'ip' | 'userAgent'>> = {}) {
    const token = generateToken('visitor');
    const visitor = await prisma.visitor.create({ data: { ...data, tokenHash: hashToken(token) } });
    return { token, visitor };
  }

  return {
    login,
    authenticate,
    logout,
    revokeAgentSessions,
    createApiToken,
    apiTokenListArgs,
    revokeApiToken,
    createVisitor,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
