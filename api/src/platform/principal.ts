import type { Agent, ApiToken, Visitor } from '../generated/prisma/client';

/** Who is calling: resolved once per request (or per WebSocket connection) from the bearer token. */
export type Principal =
  | { kind: 'agent'; agent: Agent; authSessionId: string; sessionExpiresAt?: Date }
  | { kind: 'visitor'; visitor: Visitor }
  | { kind: 'apiToken'; apiToken: ApiToken };
