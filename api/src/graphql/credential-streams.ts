import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context';
import { unauthenticated } from '../platform/errors';
import type { EventBus } from '../platform/pubsub';
import { createCredentialWatch } from '../platform/revocations';

/**
 * Ends every subscription stream, over SSE as over WebSocket, when the agent session or API token
 * that opened it is revoked (the bus notice reaches every instance) or expires: the client gets
 * one last result with an UNAUTHENTICATED error, then the stream completes.
 */
export function useCredentialStreams(bus: EventBus): Plugin<Context> {
  const credentials = createCredentialWatch(bus);
  return {
    onSubscribe({ args }) {
      const principal = (args.contextValue as Context | undefined)?.principal;
      if (!principal || principal.kind === 'visitor') return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          let revoke!: (message: string) => void;
          const revoked = new Promise<string>((resolve) => (revoke = resolve));
          const unwatch = credentials.watch(principal, revoke);
          setResult(endWhenRevoked(result[Symbol.asyncIterator](), revoked, unwatch));
        },
      };
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * The source's results until `revoked` settles; then one UNAUTHENTICATED result, and the end (releasing the source).
 * Not Promise.race(source.next(), revoked): each race adds a reaction to `revoked`, which stays
 * pending for the stream's life, so every event would leave one behind.
 */
function endWhenRevoked(source: AsyncIterator<ExecutionResult>, revoked: Promise<string>, unwatch: () => void): AsyncIterableIterator<ExecutionResult> {
  let done = false;
  let revokedMessage: string | null = null;
  // Settles the next() that is waiting when the revocation comes.
  let interrupt: (() => void) | null = null;
  // `revoked` only ever resolves.
  void revoked.then((message) => {
    revokedMessage = message;
    interrupt?.();
  });
  const finish = () => {
    done = true;
    unwatch();
  };
  const doneResult = { done: true, value: undefined } as IteratorReturnResult<undefined>;
  const endRevoked = (message: string): IteratorResult<ExecutionResult> => {
    finish();
    // The stream's own iterators abort a pending next() on return(), so nothing is left listening.
    Promise.resolve(source.return?.()).catch(() => {});
    return { done: false, value: { errors: [unauthenticated(message)] } };
  };
  return {
    async next() {
      if (done) return doneResult;
      if (revokedMessage !== null) return endRevoked(revokedMessage);
      const step = await new Promise<IteratorResult<ExecutionResult> | null>((resolve, reject) => {
        interrupt = () => resolve(null);
        source.next().then(resolve, reject);
      }).finally(() => {
        interrupt = null;
      });
      if (done) return doneResult;
      if (step === null) return endRevoked(revokedMessage!);
      if (step.done) finish();
      return step;
    },
    async return(value?: unknown) {
      finish();
      await source.return?.(value);
      return doneResult;
    },
    async throw(error?: unknown) {
      finish();
      if (source.throw) await source.throw(error);
      return doneResult;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
