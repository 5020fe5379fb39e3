import type { Agent, PrismaClient } from '../generated/prisma/client';
import type { AppServices } from '../app-services';
import type { Principal } from '../platform/principal';

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
