import { validation } from '../platform/errors';

// Shared guards of the schema: who may read what, and page sizes.

/** Agents, and API tokens with REQUESTS_READ. */
export const canReadRequests = { $any: { agent: true, apiScope: 'REQUESTS_READ' } } as const;
/** CRM records (contacts, companies, sales, follow-ups): agents, and API tokens with CONTACTS_READ. */
export const canReadCrm = { $any: { agent: true, apiScope: 'CONTACTS_READ' } } as const;
/** Writing them: agents, and API tokens with CONTACTS_WRITE. */
export const canWriteCrm = { $any: { agent: true, apiScope: 'CONTACTS_WRITE' } } as const;
/** Ids of CRM records: also for write-only tokens, so a script can refer to what it created. */
export const idField = {
  skipTypeScopes: true,
  authScopes: { $any: { agent: true, apiScope: 'CONTACTS_READ', $all: { apiScope: 'CONTACTS_WRITE' } } },
} as const;
/** Chat sessions hanging off CRM records: agents (only their channels' sessions), and API tokens with CHATS_READ. */
export const canReadChats = { $any: { agent: true, apiScope: 'CHATS_READ' } } as const;

export const MAX_PAGE_SIZE = 100;

/**
 * A connection's page size: `first`/`last` above MAX_PAGE_SIZE is a VALIDATION error naming the
 * argument rather than a silently shorter page. Used as the connections' `maxSize`.
 */
export function checkedPageSize(args: { first?: number | null; last?: number | null }): number {
  for (const [name, value] of [
    ['first', args.first],
    ['last', args.last],
  ] as const)
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) throw validation(name, `must be between 0 and ${MAX_PAGE_SIZE}`);
  return MAX_PAGE_SIZE;
}

/** Options for a named connection type with a described totalCount. */
export function namedConnection(name: string, description: string) {
  return {
    name,
    description,
    // Replaces the plugin's undescribed totalCount with the same field, described.
    fields: (t: { int: (options: object) => unknown }) => ({
      totalCount: t.int({
        nullable: false,
        description: 'How many there are in all, across every page.',
        extensions: { pothosPrismaTotalCount: true },
        resolve: (connection: { totalCount: number }) => connection.totalCount,
      }),
    }),
  } as { name: string; description: string };
}
