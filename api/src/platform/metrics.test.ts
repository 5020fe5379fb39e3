import { describe, expect, it } from 'vitest';
import { createLabelCap, createMetrics, rateLimitName } from './metrics';

describe('createLabelCap', () => {
  it('keeps values up to the count, then maps every new one to the overflow label', () => {
    const cap = createLabelCap({ maxValues: 3, overflow: 'other' });
    expect(['A', 'B', 'C'].map(cap)).toEqual(['A', 'B', 'C']);
    expect(cap('D')).toBe('other');
    expect(cap('E')).toBe('other');
    // Values seen before the cap keep their own label.
    expect(cap('B')).toBe('B');
  });

  it('cuts values to the length cap, so names sharing the first characters share a label', () => {
    const cap = createLabelCap({ maxLength: 5, maxValues: 2 });
    expect(cap('abcdefgh')).toBe('abcde');
    expect(cap('abcdeXYZ')).toBe('abcde');
    expect(cap('short')).toBe('short');
    expect(cap('third')).toBe('other');
  });
});

describe('rateLimitName', () => {
  it('keeps the leading words of a key and drops ids and addresses', () => {
    expect(rateLimitName('sendMessage:visitor:5f0c7e36-3a44-4b38-9a41-0c6f2e1d4b2a')).toBe('sendMessage:visitor');
    expect(rateLimitName('startChat:ip:198.51.100.7')).toBe('startChat:ip');
    expect(rateLimitName('typing:5f0c7e36-3a44:abc')).toBe('typing');
    expect(rateLimitName('login-fails:email-ip')).toBe('login-fails:email-ip');
    expect(rateLimitName('ws:subscriptionsPerSocket')).toBe('ws:subscriptionsPerSocket');
    expect(rateLimitName('::1')).toBe('unnamed');
  });
});

describe('createMetrics', () => {
  it('gives every instance its own registry, so two apps in one process do not share counts', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.messagesStored.inc({ author: 'VISITOR' });
    expect(await first.registry.getSingleMetricAsString('livechat_messages_stored_total')).toContain('livechat_messages_stored_total{author="VISITOR"} 1');
    expect(await second.registry.getSingleMetricAsString('livechat_messages_stored_total')).not.toContain('author="VISITOR"');
  });

  it('caps client-chosen operation names in the label: a flood of names ends in "other"', async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 500; i++) metrics.graphqlRequests.inc({ operation: metrics.operationLabel(`Op${i}`), type: 'query', outcome: 'ok' });
    const text = await metrics.registry.getSingleMetricAsString('livechat_graphql_requests_total');
    const series = text.split('\n').filter((line) => line.startsWith('livechat_graphql_requests_total{'));
    expect(series.length).toBe(101);
    expect(text).toContain('operation="other",type="query",outcome="ok"} 400');
    expect(metrics.operationLabel(null)).toBe('anonymous');
  });

  it('caps rate-limit labels, so keys with ids cannot grow the series either', async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 200; i++) metrics.rateLimitRefused(`limit${String.fromCharCode(97 + (i % 26))}${i}x:id`);
    const text = await metrics.registry.getSingleMetricAsString('livechat_rate_limit_refusals_total');
    expect(text.split('\n').filter((line) => line.startsWith('livechat_rate_limit_refusals_total{')).length).toBeLessThanOrEqual(51);
  });

  it('sums the watched pools on every scrape', async () => {
    const metrics = createMetrics();
    const pool = { totalCount: 4, idleCount: 1, waitingCount: 2 };
    metrics.database.watchPool(pool);
    const read = async (name: string) => (await metrics.registry.getSingleMetricAsString(name)).split('\n').find((line) => line.startsWith(`${name} `));
    expect(await read('livechat_db_pool_connections_in_use')).toBe('livechat_db_pool_connections_in_use 3');
    pool.idleCount = 4;
    pool.waitingCount = 0;
    expect(await read('livechat_db_pool_connections_in_use')).toBe('livechat_db_pool_connections_in_use 0');
    expect(await read('livechat_db_pool_requests_waiting')).toBe('livechat_db_pool_requests_waiting 0');
  });
});
