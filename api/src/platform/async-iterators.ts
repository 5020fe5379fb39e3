/** Filters an async iterator, passing return() through so the source is released when the consumer leaves. */
export function filterAsync<T>(source: AsyncIterableIterator<T>, keep: (value: T) => boolean): AsyncIterableIterator<T> {
  return {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined as never }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
