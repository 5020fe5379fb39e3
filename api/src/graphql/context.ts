import type { Agent, PrismaClient } from '../generated/prisma/client';
import type { Principal } from '../platform/principal';

/**
 * The domain services a resolver reaches. Declared empty here, below the modules, and filled in by
 * the composition root (app-services.ts) through declaration merging, so graphql/ imports no module.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging in app-services.ts
export interface ContextServices {}

export interface Context {
  prisma: PrismaClient;
  services: ContextServices;
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
