import { authorizationHeader, CSRF_HEADERS } from '@livechat/chat-client/request-headers';
import type { TypedText } from './graphql';
import type { GraphqlResult } from './graphql-client';

/**
 * A GraphQL multipart request (one file at `variables.file`) over XMLHttpRequest, the one browser
 * API that reports upload progress. Resolves with the GraphQL response. Without one (a proxy's 413
 * or 502 page, or no connection) it resolves with an error carrying the HTTP `status`: code HTTP
 * for a 4xx refusal, NETWORK for 5xx or no answer at all (status 0), which are worth retrying.
 */
export function uploadFile<Result, Variables extends { file: File }>(
  endpoint: string,
  token: string | null,
  query: TypedText<Result, Variables>,
  variables: Omit<Variables, 'file'>,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<GraphqlResult<Result>> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', file, file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const failed = () =>
      resolve({ errors: [{ message: `HTTP ${xhr.status}`, extensions: { code: xhr.status && xhr.status < 500 ? 'HTTP' : 'NETWORK', status: xhr.status } }] });
    xhr.open('POST', endpoint);
    // Multipart is a request any page can send without a preflight: the API wants proof it is not one (the CSRF header).
    for (const [name, value] of Object.entries({ ...CSRF_HEADERS, ...authorizationHeader(token) })) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      try {
        resolve(JSON.parse(xhr.responseText) as GraphqlResult<Result>);
      } catch {
        failed();
      }
    };
    xhr.onerror = xhr.onabort = failed;
    xhr.send(form);
  });
}
