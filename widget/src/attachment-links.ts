/** A signed attachment link (`?token=<expires>.<signature>`) past its expiry, or within 5 s of it; a link without a token never is. */
export function isLinkExpired(url: string, now = Date.now()): boolean {
  const expires = /[?&]token=(\d+)\./.exec(url)?.[1];
  return !!expires && Number(expires) * 1000 <= now + 5_000;
}
