export interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * A GraphQL multipart request (one file at `variables.file`) over XMLHttpRequest, the one browser
 * API that reports upload progress. Resolves with the GraphQL response, rejects on network failure.
 */
export function uploadFile<T>(
  endpoint: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown>,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<GraphqlResponse<T>> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', endpoint);
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      try {
        resolve(JSON.parse(xhr.responseText) as GraphqlResponse<T>);
      } catch {
        reject(new Error(`Upload failed with HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = xhr.onabort = () => reject(new Error('Upload failed: network error'));
    xhr.send(form);
  });
}
