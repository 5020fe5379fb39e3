import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// vite-plugin-solid adds the `browser` export condition, which Vitest also hands to Node
// (`--conditions browser`), so `ws` resolves to its throwing browser stub. Load its Node entry.
const requireFromHere = createRequire(import.meta.url);

/** The `ws` package's Node build: a real WebSocket client and server. */
export const nodeWs = requireFromHere(join(dirname(requireFromHere.resolve('ws/package.json')), 'index.js')) as typeof import('ws');

/**
 * jsdom's WebSocket cannot open a connection under Vitest: it wraps undici's WebSocket, whose
 * native EventTarget rejects the jsdom `Event` that Vitest installs globally ("The "event"
 * argument must be an instance of Event", nodejs/undici#2663), and Node 20 has no WebSocket of
 * its own. graphql-ws picks up the global at createClient time, so component tests that talk to
 * a real server make the global `ws`'s client: a real WebSocket, not a test double.
 * Returns a function that puts the original back.
 */
export function useNodeWebSocketAsGlobal(): () => void {
  const original = globalThis.WebSocket;
  globalThis.WebSocket = nodeWs.WebSocket as unknown as typeof WebSocket;
  return () => {
    globalThis.WebSocket = original;
  };
}
