import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/platform/config';
import { startTestApp, type TestApp } from './harness';

// These read the real builds in console/dist and widget/dist: `pnpm test` builds them first.
const widgetBudget = JSON.parse(readFileSync(path.join(repoRoot, 'widget/size-budget.json'), 'utf8')) as { brotliBytes: number; gzipBytes: number };
const widgetFile = readFileSync(path.join(repoRoot, 'widget/dist/widget.js'));
const consoleIndex = readFileSync(path.join(repoRoot, 'console/dist/index.html'), 'utf8');
const hashedScript = /src="\/console\/(assets\/[^"]+\.js)"/.exec(consoleIndex)?.[1];

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they crossed the wire, not decoded. */
  body: Buffer;
}

/** A plain node:http request: unlike fetch, it neither asks for nor decodes any encoding by itself. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const decoded = (response: RawResponse) =>
  response.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(response.body)
    : response.headers['content-encoding'] === 'gzip'
      ? gunzipSync(response.body)
      : response.body;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ staticRoot: repoRoot, compressMinBytes: 1024 });
});
afterAll(() => app?.stop());

describe('widget.js on the wire', () => {
  it(`is brotli and at most ${widgetBudget.brotliBytes} bytes as a browser fetches it, the same script once decoded`, async () => {
    const response = await raw(`${app.url}/widget.js`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.body.length, `widget.js crossed the wire as ${response.body.length} bytes`).toBeLessThanOrEqual(widgetBudget.brotliBytes);
    expect(decoded(response).equals(widgetFile)).toBe(true);
  });

  it(`is gzip (at most ${widgetBudget.gzipBytes} bytes) for a client without brotli, and plain for one that asks for neither`, async () => {
    const gzip = await raw(`${app.url}/widget.js`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThanOrEqual(widgetBudget.gzipBytes);
    expect(decoded(gzip).equals(widgetFile)).toBe(true);
    for (const acceptEncoding of [undefined, 'identity', 'gzip;q=0, br;q=0']) {
      const plain = await raw(`${app.url}/widget.js`, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      expect(plain.headers['content-encoding'], acceptEncoding).toBeUndefined();
      expect(plain.body.equals(widgetFile), acceptEncoding).toBe(true);
      expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    }
  });

  it('is revalidated: no-cache with a strong ETag per encoding, 304 when it matches, HEAD without a body', async () => {
    const br = await raw(`${app.url}/widget.js`, { 'accept-encoding': 'br' });
    const gzip = await raw(`${app.url}/widget.js`, { 'accept-encoding': 'gzip' });
    expect(br.headers['cache-control']).toBe('no-cache');
    const etag = String(br.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(gzip.headers.etag).not.toBe(etag);
    const again = await raw(`${app.url}/widget.js`, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    // The brotli ETag does not validate the gzip copy.
    expect((await raw(`${app.url}/widget.js`, { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200);
    const head = await raw(`${app.url}/widget.js`, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(br.headers['content-length']);
  });
});

describe('the console', () => {
  it('serves hashed assets precompressed and immutable, index.html revalidated', async () => {
    expect(hashedScript).toBeTruthy();
    const script = await raw(`${app.url}/console/${hashedScript}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(script.status).toBe(200);
    expect(script.headers['content-encoding']).toBe('br');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decoded(script).equals(readFileSync(path.join(repoRoot, 'console/dist', hashedScript!)))).toBe(true);
    for (const route of ['/console/', '/console/chats/some-chat']) {
      const index = await raw(`${app.url}${route}`, { 'accept-encoding': 'gzip' });
      expect(index.headers['content-encoding'], route).toBe('gzip');
      expect(index.headers['cache-control'], route).toBe('no-cache');
      expect(index.headers.etag, route).toBeTruthy();
      expect(decoded(index).toString('utf8'), route).toBe(consoleIndex);
    }
  });

  it('does not serve the precompressed copies by their own names', async () => {
    expect((await raw(`${app.url}/console/${hashedScript}.br`)).status).toBe(404);
    expect((await raw(`${app.url}/console/index.html.gz`)).status).toBe(404);
  });
});

describe('GraphQL responses', () => {
  const post = (body: object, headers: Record<string, string>) =>
    raw(`${app.url}/graphql`, { 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1', ...headers }, 'POST', JSON.stringify(body));

  it('are compressed from GRAPHQL_COMPRESS_MIN_BYTES on, by the encoding the client prefers', async () => {
    const { token } = await app.agentWithToken();
    const big = { query: '{ __schema { types { name description fields { name description } } } }' };
    const br = await post(big, { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    const answer = JSON.parse(decoded(br).toString('utf8'));
    expect(answer.data.__schema.types.length).toBeGreaterThan(50);
    expect(br.body.length).toBeLessThan(decoded(br).length / 3);
    const gzip = await post(big, { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decoded(gzip).toString('utf8'))).toEqual(answer);
    for (const acceptEncoding of [undefined, 'identity', 'zstd']) {
      const plain = await post(big, { authorization: `Bearer ${token}`, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) });
      expect(plain.headers['content-encoding'], acceptEncoding).toBeUndefined();
      expect(plain.headers.vary, acceptEncoding).toMatch(/Accept-Encoding/i);
      expect(JSON.parse(plain.body.toString('utf8'))).toEqual(answer);
    }
  });

  it('stay plain below the threshold', async () => {
    const small = await post({ query: '{ __typename }' }, { 'accept-encoding': 'gzip, br' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
  });

  it('never compress an event stream (SSE subscriptions), whatever its size', async () => {
    const stream = await raw(`${app.url}/graphql?query=${encodeURIComponent('subscription { agentEvents { __typename } }')}`, {
      accept: 'text/event-stream',
      'accept-encoding': 'gzip, br',
      'x-graphql-yoga-csrf': '1',
    });
    expect(String(stream.headers['content-type'])).toMatch(/^text\/event-stream/);
    // yoga marks its streams `Content-Encoding: none` for proxies; neither br nor gzip is applied.
    expect(['br', 'gzip']).not.toContain(stream.headers['content-encoding']);
    expect(stream.body.toString('utf8')).toContain('UNAUTHENTICATED');
  });

  it('honour a lower threshold from the configuration', async () => {
    const eager = await startTestApp({ compressMinBytes: 1 });
    try {
      const small = await raw(
        `${eager.url}/graphql`,
        { 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1', 'accept-encoding': 'gzip' },
        'POST',
        JSON.stringify({ query: '{ __typename }' }),
      );
      expect(small.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(decoded(small).toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await eager.stop();
    }
  });
});
