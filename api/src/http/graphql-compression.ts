import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

const JSON_TYPES = /^application\/(graphql-response\+)?json\b/i;

/**
 * Compresses GraphQL JSON responses of at least `minBytes` (GRAPHQL_COMPRESS_MIN_BYTES) with brotli
 * or gzip, as the client's Accept-Encoding prefers, with `Vary: Accept-Encoding`. Event streams
 * (SSE subscriptions) and multipart results stay as they are: buffering them would delay events.
 */
export function createGraphqlCompression(minBytes: number) {
  const middleware = compression({
    threshold: minBytes,
    filter: (_req, res) => JSON_TYPES.test(String(res.getHeader('content-type') ?? '')),
  });
  return (req: IncomingMessage, res: ServerResponse, handle: () => Promise<void> | void): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      middleware(req as Parameters<typeof middleware>[0], res as Parameters<typeof middleware>[1], (error?: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else Promise.resolve(handle()).then(resolve, reject);
      });
    });
}
