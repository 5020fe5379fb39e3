import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

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
  const resolved = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : null;
}

/** Sends a file if it exists; returns false (sending nothing) when it does not. */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': cacheControl,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}

/**
 * Serves a built single-page app under `mountPath`: real files by path, and index.html for
 * client-side routes. Hashed assets are cached for a year; index.html never.
 */
export async function serveSinglePageApp(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  relativePath: string,
): Promise<boolean> {
  const file = relativePath === '' ? null : safeJoin(root, relativePath);
  if (file && (await sendFile(req, res, file, relativePath.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')))
    return true;
  if (path.extname(relativePath) !== '') return false;
  return sendFile(req, res, path.join(root, 'index.html'), 'no-cache');
}
