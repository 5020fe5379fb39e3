import type { EventBus } from '../pubsub';

/** Credentials that stopped working: every API instance closes the WebSockets opened with them. */
export interface Revocation {
  agentAuthSessionIds?: string[];
  apiTokenIds?: string[];
}

export const REVOCATION_KEY = 'revoked';

/** Published after the revocation is committed, so a socket that reconnects is refused. */
export function announceRevocation(bus: EventBus, revocation: Revocation) {
  if (!revocation.agentAuthSessionIds?.length && !revocation.apiTokenIds?.length) return;
  bus.publish('credentials', REVOCATION_KEY, revocation);
}
