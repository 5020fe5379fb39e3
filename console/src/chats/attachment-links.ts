import { getAuthToken } from '../auth-token';

/**
 * Signed attachment links expire (ATTACHMENT_URL_TTL_SECONDS, 5 minutes by default). A link
 * handed out long ago (a conversation left open) is replaced by the file fetched with the agent's
 * token, which the download endpoint accepts as well.
 */

/** When a signed link stops working (ms), from its `token=<expires>.<signature>`; null without one. */
export function linkExpiresAt(url: string): number | null {
  const token = new URL(url, window.location.href).searchParams.get('token');
  const expires = token ? Number(token.split('.')[0]) : Number.NaN;
  return Number.isFinite(expires) ? expires * 1000 : null;
}

/** Expired, or about to: a few seconds' margin for the request on its way. */
export function isLinkExpired(url: string, now = Date.now()): boolean {
  const at = linkExpiresAt(url);
  return at !== null && at <= now + 5_000;
}

/** The file behind `url`, fetched with the agent's token, as an object URL (revoke it when done). */
export async function fetchWithToken(url: string): Promise<string> {
  const bare = new URL(url, window.location.href);
  bare.searchParams.delete('token');
  const token = getAuthToken();
  const response = await fetch(bare, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`The file could not be loaded (${response.status}).`);
  return URL.createObjectURL(await response.blob());
}

/**
 * Click handler for an attachment link: a fresh link opens as usual; an expired one is fetched
 * with the token and then opened (images) or saved (other files).
 */
export function openAttachment(event: MouseEvent, url: string, fileName: string, save: boolean) {
  if (!isLinkExpired(url)) return;
  event.preventDefault();
  void fetchWithToken(url)
    .then((objectUrl) => {
      const link = document.createElement('a');
      link.href = objectUrl;
      if (save) link.download = fileName;
      else link.target = '_blank';
      link.rel = 'noopener';
      link.click();
      setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
    })
    .catch(() => {});
}
