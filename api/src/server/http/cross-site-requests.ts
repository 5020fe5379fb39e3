import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { CORSOptions, Plugin } from 'graphql-yoga';
import { AppError } from '../../platform/errors';

/** The header a request that a browser would send without a preflight must carry (any value). */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * CORS for `/graphql`: every origin may call the API (the widget runs on any website, and every
 * credential is a bearer token, never a cookie), but only the CORS_ORIGINS origins are told they
 * may send credentials. Any other origin, `null` included, gets no Access-Control-Allow-Credentials.
 */
export function graphqlCors(corsOrigins: readonly string[]) {
  return (request: Request): CORSOptions => {
    const origin = request.headers.get('origin');
    const credentials = origin !== null && corsOrigins.includes(origin);
    // Browsers cache a preflight for at most 2 hours (Chrome), so the widget's pages pay for one per visit at most.
    // '*' makes yoga echo the request's Origin with Vary: Origin.
    return { origin: '*', credentials, maxAge: 7200 };
  };
}

/**
 * yoga's CSRF prevention: a form-encoded, multipart, text/plain or GET request (which a foreign page
 * can make without a preflight) must carry CSRF_HEADER. The plugin's refusal has no code; this one
 * is a 403 with CSRF_HEADER_REQUIRED.
 */
export function useCsrfHeaderRequired(): Plugin {
  const prevention = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  return {
    onRequestParse(payload) {
      try {
        return prevention.onRequestParse?.(payload);
      } catch {
        throw new AppError(
          'CSRF_HEADER_REQUIRED',
          `Requests that are not application/json (GET, multipart uploads, forms) must send the "${CSRF_HEADER}" header (any value).`,
          { http: { status: 403 } },
        );
      }
    },
  };
}
