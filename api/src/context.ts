import type { Agent, ApiToken, PrismaClient, Visitor } from './generated/prisma/client';
import type { AppServices } from './services/app-services';

/** Who is calling: resolved once per request (or per WebSocket connection) from the bearer token. */
export type Principal =
  | { kind: 'agent'; agent: Agent; authSessionId: string; sessionExpiresAt?: Date }
  | { kind: 'visitor'; visitor: Visitor }
  | { kind: 'apiToken'; apiToken: ApiToken };

export interface Context {
  prisma: PrismaClient;
  services: AppServices;
  principal: Principal | null;
  /** The raw bearer token of this request, for echoing a visitor's own token back; never logged or stored. */
  bearerToken: string | null;
  /** Client address, for rate limits. */
  ip: string;
  userAgent: string | null;
}

export function agentOf(ctx: Context): Agent | null {
  return ctx.principal?.kind === 'agent' ? ctx.principal.agent : null;
}
