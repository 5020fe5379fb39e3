import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from './config';

type Trust = (address: string, hop: number) => boolean;

const compiled = new Map<string, Trust>();

/** TRUST_PROXY as proxy-addr's trust function: hop `i` (0 is the socket's peer) is a proxy we trust. */
function trustOf(trustProxy: TrustProxy): Trust {
  const id = JSON.stringify(trustProxy);
  let trust = compiled.get(id);
  if (!trust) {
    if (trustProxy === false) trust = () => false;
    else if (trustProxy === true || typeof trustProxy === 'number') {
      const hops = trustProxy === true ? 1 : trustProxy;
      trust = (_address, hop) => hop < hops;
    } else trust = proxyaddr.compile([...trustProxy]);
    compiled.set(id, trust);
  }
  return trust;
}

/**
 * The client's address: the socket's peer, or, behind trusted proxies, the nearest X-Forwarded-For
 * entry that a trusted proxy did not write. Entries further left come from the client and are
 * never believed, so inventing addresses does not dodge a per-address limit.
 */
export function clientAddress(req: IncomingMessage, trustProxy: TrustProxy): string {
  if (!req.socket?.remoteAddress) return 'unknown';
  return proxyaddr(req, trustOf(trustProxy)) || 'unknown';
}

/** Whether the socket's peer is a trusted proxy, whose X-Forwarded-Host and -Proto may be believed. */
export function fromTrustedProxy(req: IncomingMessage | undefined, trustProxy: TrustProxy): boolean {
  const peer = req?.socket?.remoteAddress;
  return !!peer && trustOf(trustProxy)(peer, 0);
}
