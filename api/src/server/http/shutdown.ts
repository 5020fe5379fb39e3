import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const SHUTTING_DOWN_BODY = JSON.stringify({
  errors: [{ message: 'The server is shutting down; retry on another instance.', extensions: { code: 'SHUTTING_DOWN' } }],
});

/**
 * Graceful shutdown of the HTTP side: once draining, new GraphQL work is refused with 503
 * (SHUTTING_DOWN) so load balancers and clients go elsewhere, responses ask for the connection to
 * close, and requests already running are waited for, up to a deadline.
 */
export function createHttpDrain() {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let idle: (() => void) | null = null;

  return {
    get draining() {
      return draining;
    },

    /** Counts the request until its response is finished or its connection gone. */
    track(res: ServerResponse) {
      inFlight.add(res);
      if (draining) res.setHeader('connection', 'close');
      res.once('close', () => {
        inFlight.delete(res);
        if (inFlight.size === 0) idle?.();
      });
    },

    /** While draining, answers new GraphQL work with 503 and returns true. */
    refuse(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
      if (!draining || !(pathname === '/graphql' || pathname.startsWith('/graphql/'))) return false;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', connection: 'close', 'cache-control': 'no-store' });
      res.end(SHUTTING_DOWN_BODY);
      return true;
    },

    /**
     * Starts draining, cuts streams that never finish on their own (SSE subscriptions: their clients
     * reconnect elsewhere), waits for the other requests until `deadline` (performance.now() time),
     * then closes the listener and every connection left.
     */
    async drain(server: Server | null, deadline: number): Promise<{ unfinished: number }> {
      draining = true;
      for (const res of inFlight) {
        if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.destroy();
      }
      server?.closeIdleConnections();
      if (inFlight.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const unfinished = inFlight.size;
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      }
      return { unfinished };
    },
  };
}

export type HttpDrain = ReturnType<typeof createHttpDrain>;
