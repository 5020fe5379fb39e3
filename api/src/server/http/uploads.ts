import { createFetch } from '@whatwg-node/fetch';
import type { Plugin } from 'graphql-yoga';
import type { AttachmentsConfig } from '../../platform/config';
import { AppError } from '../../platform/errors';
import { formatBytes } from '../../modules/chats/attachments.service';

/** Room for the multipart framing and the `operations` and `map` fields around one file. */
const MULTIPART_OVERHEAD = 1024 * 1024;

/**
 * yoga options for GraphQL multipart requests (file uploads):
 * - the multipart parser stops reading a file one chunk past ATTACHMENT_MAX_BYTES (it holds at
 *   most that much in memory), and takes one file per request;
 * - the whole request body is capped at the file limit plus 1 MB, checked against Content-Length
 *   before anything is read and again while streaming;
 * - either refusal is a VALIDATION error naming `file` (HTTP 413), like the resolver's own checks.
 */
export function uploadOptions(config: AttachmentsConfig) {
  const bodyLimit = config.maxBytes + MULTIPART_OVERHEAD;
  const tooLarge = () => new AppError('VALIDATION', `file: is larger than the ${formatBytes(config.maxBytes)} limit`, { field: 'file', http: { status: 413 } });
  const isMultipart = (request: Request) => request.method === 'POST' && /^multipart\/form-data/i.test(request.headers.get('content-type') ?? '');
  const isSizeError = (error: unknown) => error instanceof Error && /File size limit exceeded|Request body too large/.test(error.message);

  const plugin: Plugin = {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!isMultipart(request)) return;
      const length = request.headers.get('content-length');
      if (length && /^\d+$/.test(length) && Number(length) > bodyLimit) throw tooLarge();
      if (!requestParser) return;
      setRequestParser(async (req) => {
        try {
          return await requestParser(req);
        } catch (error) {
          throw isSizeError(error) ? tooLarge() : error;
        }
      });
    },
  };

  return {
    fetchAPI: createFetch({ formDataLimits: { fileSize: config.maxBytes, files: 1, fieldSize: MULTIPART_OVERHEAD } }),
    maxRequestBodySize: bodyLimit,
    plugins: [plugin],
  };
}
