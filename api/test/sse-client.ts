import { expect } from 'vitest';

export interface SseResult {
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A subscription over GraphQL-over-SSE (`Accept: text/event-stream`) to the server at `baseUrl`, read with fetch's streaming body. */
export function sseSubscribe(baseUrl: string, query: string, variables: Record<string, unknown>, token: string) {
  const results: SseResult[] = [];
  const waiters: { predicate: (r: SseResult) => boolean; resolve: () => void }[] = [];
  let completed = false;
  const abort = new AbortController();
  const ended = (async () => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let boundary = buffer.indexOf('\n\n'); boundary >= 0; boundary = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'complete') completed = true;
        if (event === 'next' && data) {
          const result = JSON.parse(data) as SseResult;
          results.push(result);
          for (const waiter of [...waiters]) if (waiter.predicate(result)) waiters.splice(waiters.indexOf(waiter), 1) && waiter.resolve();
        }
      }
    }
    return { completed };
  })().catch((error: unknown) => {
    if (abort.signal.aborted) return { completed };
    throw error;
  });
  return {
    results,
    /** Resolves when the server ends the stream. */
    ended,
    isOpen: () => !completed,
    waitFor(predicate: (r: SseResult) => boolean) {
      if (results.some(predicate)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ predicate, resolve });
        setTimeout(() => reject(new Error(`timed out; received ${JSON.stringify(results).slice(0, 1000)}`)), 10_000).unref();
      });
    },
    close: () => abort.abort(),
  };
}

export type Sse = ReturnType<typeof sseSubscribe>;
