import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../platform/errors';
import type { AppServices } from '../../app-services';
import { isImageType } from '../../platform/file-types';
import { bearerFrom } from '../../platform/tokens';

/**
 * GET /attachments/:id/:fileName? — the bytes of a chat attachment.
 *
 * Access: `Authorization: Bearer <token>` of anyone who may read the chat (the visitor, its agents,
 * listeners with can-listen-in, API tokens with CHATS_READ), or `?token=` from the signed `url`
 * the GraphQL API hands those same readers (for `<img src>` and links, which send no header).
 * The file name in the path is cosmetic; the id decides.
 *
 * Served with the sniffed Content-Type and `nosniff`; images inline (add `?download=1` to save
 * instead), everything else as `Content-Disposition: attachment`, so no upload ever renders as a
 * page of this origin. A restrictive CSP and sandbox back that up.
 */

const STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function sendError(res: ServerResponse, error: AppError) {
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  res.writeHead(STATUS[error.code] ?? 400, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(error.code === 'UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer' } : {}),
  });
  res.end(body);
}

export async function serveAttachment(services: AppServices, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const [, , id = ''] = url.pathname.split('/');
  try {
    const header = req.headers.authorization;
    const bearer = header ? bearerFrom(header) : null;
    const principal = bearer ? await services.auth.authenticate(bearer) : null;
    const { attachment, file } = await services.attachments.openForDownload(id, { principal, token: url.searchParams.get('token') });

    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      services.config.log(`Attachment ${attachment.id} is missing from storage (${attachment.storageKey}).`);
      throw new AppError('NOT_FOUND', `Attachment ${attachment.id} is no longer stored.`, { entity: 'Attachment' });
    }
    const inline = isImageType(attachment.contentType) && url.searchParams.get('download') !== '1';
    const etag = `"${attachment.sha256}"`;
    const headers = {
      'content-type': attachment.contentType,
      'x-content-type-options': 'nosniff',
      'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', attachment.fileName),
      // Immutable bytes, but only for this reader: never in a shared cache.
      'cache-control': 'private, max-age=3600',
      etag,
      'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      // The widget shows images on the host site's pages.
      'cross-origin-resource-policy': 'cross-origin',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': info.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(file);
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  } catch (error) {
    if (error instanceof AppError && !res.headersSent) return sendError(res, error);
    throw error;
  }
}
