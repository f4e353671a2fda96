import type { Plugin } from 'graphql-yoga';

/*
 * Graceful end of live operations on shutdown. Every subscription's result stream is wrapped so
 * that, once `end()` is called, it finishes as if the source had run out: over SSE, Yoga then
 * sends the `complete` event and ends the response, so the client sees a clean end rather than a
 * cut connection, and the server's drain does not have to wait for its deadline.
 */
export function streamsEndOnShutdown(): { plugin: Plugin; end(): void } {
  let endAll!: () => void;
  const ended = new Promise<void>((resolve) => {
    endAll = resolve;
  });
  let shuttingDown = false;

  function untilShutdown<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
    const iterator = source[Symbol.asyncIterator]();
    const done = ended.then((): IteratorResult<T> => ({ done: true, value: undefined }));
    return {
      async next() {
        const result = await Promise.race([iterator.next(), done]);
        if (result.done && shuttingDown) await iterator.return?.();
        return result;
      },
      return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
      throw: async (error?: unknown) => {
        if (iterator.throw) return iterator.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncIterableIterator<T>;
  }

  return {
    plugin: {
      onSubscribe() {
        return {
          onSubscribeResult({ result, setResult }) {
            if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
              setResult(untilShutdown(result as AsyncIterable<never>) as never);
            }
          },
        };
      },
    },
    end() {
      shuttingDown = true;
      endAll();
    },
  };
}
