/** The API refuses GET queries and multipart uploads (requests a foreign page can send without a CORS preflight) without this header. */
export const CSRF_HEADERS: Readonly<Record<string, string>> = { 'x-graphql-yoga-csrf': '1' };

/** `{ authorization: 'Bearer …' }` with a token, `{}` without: for HTTP headers and a socket's connectionParams alike. */
export function authorizationHeader(token: string | null | undefined): { authorization?: string } {
  return token ? { authorization: `Bearer ${token}` } : {};
}
