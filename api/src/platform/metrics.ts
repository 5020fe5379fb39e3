import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A label whose values come from outside (operation names are chosen by clients, rate-limit keys
 * carry ids): values are cut to `maxLength`, and once `maxValues` distinct values were seen every
 * new one becomes `overflow`, so a client cannot grow the series without bound.
 */
export function createLabelCap({ maxLength = 64, maxValues = 100, overflow = 'other' } = {}): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    const cut = value.slice(0, maxLength);
    if (seen.has(cut)) return cut;
    if (seen.size >= maxValues) return overflow;
    seen.add(cut);
    return cut;
  };
}

/**
 * The limit a rate-limit key counts against, without the ids in it: `sendMessage:visitor:<uuid>`
 * is `sendMessage:visitor`. Leading word segments only, at most two.
 */
export function rateLimitName(key: string): string {
  const words: string[] = [];
  for (const segment of key.split(':')) {
    if (words.length === 2 || !/^[A-Za-z][A-Za-z-]*$/.test(segment)) break;
    words.push(segment);
  }
  return words.join(':') || 'unnamed';
}

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every metric one API instance exports, in a registry of its own (tests run many apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const operationName = createLabelCap({ maxLength: 64, maxValues: 100 });
  const errorCode = createLabelCap({ maxLength: 40, maxValues: 50 });
  const limitName = createLabelCap({ maxLength: 64, maxValues: 50 });
  const pools: PoolStats[] = [];
  const sumPools = (pick: (pool: PoolStats) => number) => pools.reduce((sum, pool) => sum + pick(pool), 0);

  const metrics = {
    registry,
    /** The operation label: anonymous operations are "anonymous", names past the cap "other". */
    operationLabel: (name: string | null | undefined) => (name ? operationName(name) : 'anonymous'),
    errorCodeLabel: (code: unknown) => (typeof code === 'string' && code ? errorCode(code) : 'UNKNOWN'),
    graphqlRequests: new Counter({
      name: 'livechat_graphql_requests_total',
      help: 'GraphQL operations (HTTP and WebSocket) by operation name, type and outcome (ok, error, invalid).',
      labelNames: ['operation', 'type', 'outcome'] as const,
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'livechat_graphql_request_duration_seconds',
      help: 'Time to execute a GraphQL operation (for subscriptions: to set up the stream), by operation name, type and outcome.',
      labelNames: ['operation', 'type', 'outcome'] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'livechat_graphql_errors_total',
      help: 'Errors in GraphQL results, by extensions.code.',
      labelNames: ['code'] as const,
      registers,
    }),
    openWebSockets: new Gauge({ name: 'livechat_websockets_open', help: 'Open WebSocket connections on /graphql.', registers }),
    openSseStreams: new Gauge({ name: 'livechat_sse_streams_open', help: 'Open Server-Sent Events streams on /graphql.', registers }),
    activeSubscriptions: new Gauge({
      name: 'livechat_graphql_subscriptions_active',
      help: 'GraphQL subscriptions currently streaming (WebSocket and SSE).',
      registers,
    }),
    eventsDelivered: new Counter({
      name: 'livechat_subscription_events_delivered_total',
      help: 'Events sent to subscribers, by subscription operation name.',
      labelNames: ['operation'] as const,
      registers,
    }),
    messagesStored: new Counter({
      name: 'livechat_messages_stored_total',
      help: 'Chat messages stored, by author kind.',
      labelNames: ['author'] as const,
      registers,
    }),
    pubsubLag: new Histogram({
      name: 'livechat_pubsub_delivery_lag_seconds',
      help: 'Time from publishing an event on the pub/sub bus to its delivery to this instance, by topic.',
      labelNames: ['topic'] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    dbQueryDuration: new Histogram({
      name: 'livechat_db_query_duration_seconds',
      help: 'Database statement durations on the pg pool (PostgreSQL, or PGlite through its pg socket), by outcome.',
      labelNames: ['outcome'] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'livechat_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit or socket limit, by limit.',
      labelNames: ['limit'] as const,
      registers,
    }),
    /** Counts a refusal; `limit` is a limit name or a rate-limit key (ids are dropped). */
    rateLimitRefused: (limit: string) => metrics.rateLimitRefusals.inc({ limit: limitName(rateLimitName(limit)) }),
    /** For createDatabase: the pool's connections on every scrape, and statement durations. */
    database: {
      watchPool: (pool: PoolStats) => void pools.push(pool),
      queryDone: (seconds: number, ok: boolean) => metrics.dbQueryDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds),
    },
  };

  new Gauge({
    name: 'livechat_db_pool_connections_in_use',
    help: 'Pool connections checked out.',
    registers,
    collect() {
      this.set(sumPools((pool) => pool.totalCount - pool.idleCount));
    },
  });
  new Gauge({
    name: 'livechat_db_pool_connections_idle',
    help: 'Pool connections open and idle.',
    registers,
    collect() {
      this.set(sumPools((pool) => pool.idleCount));
    },
  });
  new Gauge({
    name: 'livechat_db_pool_requests_waiting',
    help: 'Queries waiting for a pool connection.',
    registers,
    collect() {
      this.set(sumPools((pool) => pool.waitingCount));
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
