import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { fromTrustedProxy } from '../platform/client-address';
import type { Context } from './context';

/**
 * The origin clients reached this server on, for absolute links: Host (or, behind a trusted
 * proxy, X-Forwarded-Host/-Proto), over HTTP and over WebSocket alike.
 */
export function requestOrigin(ctx: Context): string {
  const req = (ctx as Context & { req?: IncomingMessage }).req;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  const trusted = fromTrustedProxy(req, ctx.services.config.trustProxy);
  const forwardedProto = trusted ? first(req?.headers['x-forwarded-proto']) : undefined;
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : (req?.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
  const host = (trusted ? first(req?.headers['x-forwarded-host']) : undefined) || req?.headers.host;
  return `${proto}://${host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : 'localhost'}`;
}

/** Where visitors' browsers reach this server: PUBLIC_URL when configured, else the request's origin. */
export function publicBaseUrl(ctx: Context): string {
  return ctx.services.config.publicUrl ?? requestOrigin(ctx);
}
