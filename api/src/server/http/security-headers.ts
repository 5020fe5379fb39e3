import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentSecurityPolicy, frameguard, noSniff, referrerPolicy } from 'helmet';
import { DEMO_PAGE_STYLE } from './demo-page';
import { FAQ_PAGE_STYLE } from './faq-page';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
type Directives = Record<string, Iterable<string | ((req: IncomingMessage, res: ServerResponse) => string)>>;

export interface SecurityHeadersOptions {
  /** PUBLIC_URL: pages may also talk to the API by this address. */
  publicUrl: string | null;
}

const hashSource = (inlineText: string) => `'sha256-${createHash('sha256').update(inlineText).digest('base64')}'`;

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The WebSocket origins of the API as the browser sees it: the request's Host with ws: and wss:
 * (not every browser counts them as 'self'), plus PUBLIC_URL's. An https page never uses ws:
 * (mixed content), so listing both costs nothing behind a TLS proxy.
 */
function apiSocketSources(publicUrl: string | null) {
  const configured = publicUrl ? new URL(publicUrl) : null;
  const extra = configured ? [configured.origin, `${configured.protocol === 'https:' ? 'wss' : 'ws'}://${configured.host}`] : [];
  return (req: IncomingMessage) => {
    const host = req.headers.host;
    return [...(host && HOST.test(host) ? [`ws://${host}`, `wss://${host}`] : []), ...extra].join(' ');
  };
}

// Agent photos and channel logos are any http(s) URL an admin entered; previews of files being uploaded are blob: URLs.
const IMAGE_SOURCES = ["'self'", 'blob:', 'https:', 'http:'];

function pageDirectives(socketSources: (req: IncomingMessage) => string, styleSources: string[]): Directives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': styleSources,
    'img-src': IMAGE_SOURCES,
    'connect-src': ["'self'", socketSources],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

const csp = (directives: Directives) => contentSecurityPolicy({ useDefaults: false, directives });

/**
 * Security headers for every HTTP response, from helmet's middlewares, chosen by path:
 * - the console (`/console/`): scripts and styles from this origin only, no framing;
 * - the widget demo (`/demo/`): the strict policy a customer's site can use with the widget; its
 *   only inline style is allowed by hash, the widget itself needs no style-src;
 * - FAQ pages (`/faq/`): no script at all, framing allowed (sites show them in their help pages);
 * - everything else (`/graphql`, `/health`, `widget.js`, attachments, 404s): no framing; routes
 *   with a policy of their own (attachments) replace the CSP when they write their head.
 * nosniff and `Referrer-Policy: no-referrer` everywhere. `/graphql` gets no CSP: GraphiQL, when
 * turned on, runs inline scripts.
 */
export function createSecurityHeaders({ publicUrl }: SecurityHeadersOptions) {
  const everywhere: Middleware[] = [noSniff(), referrerPolicy({ policy: 'no-referrer' })];
  const noFraming = frameguard({ action: 'deny' });
  const socketSources = apiSocketSources(publicUrl);
  const policies = {
    console: [...everywhere, noFraming, csp(pageDirectives(socketSources, ["'self'"]))],
    demo: [...everywhere, noFraming, csp({ ...pageDirectives(socketSources, [hashSource(DEMO_PAGE_STYLE)]), 'form-action': ["'none'"] })],
    faq: [
      ...everywhere,
      csp({
        'default-src': ["'none'"],
        'style-src': [hashSource(FAQ_PAGE_STYLE)],
        'img-src': ["'self'"],
        'base-uri': ["'none'"],
        'form-action': ["'none'"],
        'frame-ancestors': ['*'],
      }),
    ],
    graphql: [...everywhere, noFraming],
    other: [...everywhere, noFraming, csp({ 'default-src': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"], 'frame-ancestors': ["'none'"] })],
  } satisfies Record<string, Middleware[]>;

  const policyFor = (pathname: string): keyof typeof policies => {
    const [, first = ''] = pathname.split('/');
    if (first === '' || first === 'console') return 'console';
    if (first === 'demo') return 'demo';
    if (first === 'faq') return 'faq';
    if (first === 'graphql') return 'graphql';
    return 'other';
  };

  /** Sets the headers for this request; the route's own `writeHead` sends them. */
  return function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    // helmet's middlewares only set headers and call next synchronously; next(error) means a bad directive.
    for (const middleware of policies[policyFor(pathname)])
      middleware(req, res, (error) => {
        if (error) throw error;
      });
  };
}
