import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

const JSON_TYPES = /^application\/(graphql-response\+)?json\b/i;
/** The encodings `compression` can produce; a request accepting none of them cannot be compressed. */
const COMPRESSIBLE = /\b(br|gzip|deflate)\b/i;

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
  return (req: IncomingMessage, res: ServerResponse, handle: () => Promise<void> | void): Promise<void> => {
    // Scripts and API clients often ask for no encoding: skip the middleware's per-response wrapping.
    if (!COMPRESSIBLE.test(req.headers['accept-encoding'] ?? '')) {
      res.setHeader('vary', 'Accept-Encoding');
      return Promise.resolve(handle());
    }
    return new Promise<void>((resolve, reject) => {
      middleware(req as Parameters<typeof middleware>[0], res as Parameters<typeof middleware>[1], (error?: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else Promise.resolve(handle()).then(resolve, reject);
      });
    });
  };
}
