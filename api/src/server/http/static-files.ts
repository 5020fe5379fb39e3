import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import Negotiator from 'negotiator';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

/** Hashed build output: its name changes with its content, so browsers keep it for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Stable URLs (index.html, widget.js): cached, but revalidated by ETag on every use. */
export const REVALIDATE = 'no-cache';

/** The precompressed siblings the build writes (vite-plugin-compression2), best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Resolves `relative` inside `root`, or null when it would escape it. */
export function safeJoin(root: string, relative: string): string | null {
  const decoded = (() => {
    try {
      return decodeURIComponent(relative);
    } catch {
      return null;
    }
  })();
  if (decoded === null || decoded.includes('\0')) return null;
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : null;
}

const OFFERED = ['br', 'gzip', 'identity'];
// negotiator 1.x takes the server's preference for ties (Chrome sends `gzip, deflate, br`: br should win); its types predate it.
type EncodingsWithPreference = (available: string[], options: { preferred: string[] }) => string[];

/** The encodings the client accepts, best first: its q-values decide, ties go to br, `identity;q=0` is honoured. */
export function acceptedEncodings(req: IncomingMessage): string[] {
  const negotiator = new Negotiator(req);
  return (negotiator.encodings as unknown as EncodingsWithPreference).call(negotiator, OFFERED, { preferred: OFFERED });
}

/**
 * Sends a file if it exists; returns false (sending nothing) when it does not. A precompressed
 * `.br` or `.gz` beside it is sent instead when the client accepts that encoding; each encoding
 * has its own strong ETag, and a matching If-None-Match gets 304.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  let chosen: { file: string; size: number; mtimeMs: number; encoding: string | null } = { file, size: info.size, mtimeMs: info.mtimeMs, encoding: null };
  for (const accepted of acceptedEncodings(req)) {
    if (accepted === 'identity') break;
    const variant = ENCODINGS.find((encoding) => encoding.name === accepted);
    const variantInfo = variant ? await stat(file + variant.suffix).catch(() => null) : null;
    if (variant && variantInfo?.isFile()) {
      chosen = { file: file + variant.suffix, size: variantInfo.size, mtimeMs: variantInfo.mtimeMs, encoding: variant.name };
      break;
    }
  }
  const etag = `"${chosen.size.toString(36)}-${Math.floor(chosen.mtimeMs).toString(36)}${chosen.encoding ? `-${chosen.encoding}` : ''}"`;
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    etag,
    'last-modified': new Date(info.mtimeMs).toUTCString(),
    vary: 'Accept-Encoding',
  };
  if (chosen.encoding) headers['content-encoding'] = chosen.encoding;
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    res.writeHead(304, headers).end();
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': chosen.size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(chosen.file).pipe(res);
  return true;
}

/**
 * Serves a built single-page app under `mountPath`: real files by path, and index.html for
 * client-side routes. Hashed assets are cached for a year; index.html is revalidated.
 */
export async function serveSinglePageApp(req: IncomingMessage, res: ServerResponse, root: string, relativePath: string): Promise<boolean> {
  // The precompressed copies are served by negotiation, never by their own names.
  if (/\.(br|gz)$/.test(relativePath)) return false;
  const file = relativePath === '' ? null : safeJoin(root, relativePath);
  if (file && (await sendFile(req, res, file, relativePath.startsWith('assets/') ? IMMUTABLE : REVALIDATE))) return true;
  if (path.extname(relativePath) !== '') return false;
  return sendFile(req, res, path.join(root, 'index.html'), REVALIDATE);
}
