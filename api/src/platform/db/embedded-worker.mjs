// Runs PGlite (synchronous WASM) and its wire-protocol server off the API's event loop.
// Plain JavaScript on purpose: raw worker_threads cannot load .ts under vitest or node.
// Messages: see WorkerMessage / MainMessage in embedded.ts.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
// Contrib extensions ship as separate bundles and must be loaded here for CREATE EXTENSION to work.
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const { dataDir, template, maxConnections, socketPath } = workerData;
const send = (message) => parentPort.postMessage(message);

// pglite-socket's unawaited handler cleanup can reject; a dead worker would take the database with it.
process.on('unhandledRejection', (reason) => send({ type: 'log', line: `unhandled rejection: ${describe(reason)}` }));

// PGlite swallows the backend's stderr; keep the last lines for startup errors and pass on
// the serious ones (client SQL errors would be noise).
const recentStderr = [];
const onStderr = (line) => {
  recentStderr.push(line);
  if (recentStderr.length > 10) recentStderr.shift();
  if (/\b(FATAL|PANIC):|not properly shut down|recovery/.test(line)) send({ type: 'log', line });
  return false;
};

let db;
let server;

try {
  const loadDataDir = template ? new Blob([await readFile(template)]) : undefined;
  db = await PGlite.create(dataDir ?? undefined, { onStderr, extensions: { pg_trgm }, loadDataDir }); // undefined: in memory
  // A Unix socket, not TCP: pglite-socket asks no password, so only file permissions keep others out.
  server = new PGLiteSocketServer({ db: keepExchangesTogether(db), path: socketPath, maxConnections });
  await server.start();
  await chmod(socketPath, 0o600);
  send({ type: 'ready' });
} catch (error) {
  const backendSaid = recentStderr.filter((line) => line.trim()).join('\n');
  const message = describe(error, { stack: false });
  send({ type: 'error', message: backendSaid ? `${message}\nPostgreSQL said:\n${backendSaid}` : message });
  await db?.close().catch(() => {});
  // The main thread terminates this worker once it has read the error.
}

parentPort.on('message', async (message) => {
  if (message?.type === 'dump') {
    try {
      const dump = await db.dumpDataDir('none');
      await writeFile(message.file, Buffer.from(await dump.arrayBuffer()));
      send({ type: 'dumped' });
    } catch (error) {
      send({ type: 'dumped', error: describe(error, { stack: false }) });
    }
    return;
  }
  if (message?.type !== 'stop') return;
  try {
    await server.stop();
    await db.close();
    send({ type: 'stopped' });
  } catch (error) {
    send({ type: 'error', message: `closing PGlite failed: ${describe(error, { stack: false })}` });
  }
});

/**
 * pglite-socket 0.2.17 keeps one connection on PGlite's single backend only while
 * `db.isInTransaction()` (an explicit BEGIN) holds. Between an extended-protocol Parse and its
 * Sync, another connection's messages can slip in whenever a client's batch
 * spans two socket reads (large parameters), so a Bind can hit the other client's unnamed
 * statement. Here a connection also keeps the backend until PGlite answers with ReadyForQuery.
 */
function keepExchangesTogether(db) {
  let midExchange = false;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => midExchange || target.isInTransaction();
      if (property === 'execProtocolRawStream') {
        return async (message, options) => {
          const tail = new Uint8Array(6);
          let tailLength = 0;
          const onRawData = (chunk) => {
            for (const byte of chunk.subarray(-6)) {
              if (tailLength === 6) tail.copyWithin(0, 1);
              else tailLength++;
              tail[tailLength - 1] = byte;
            }
            options.onRawData(chunk);
          };
          await target.execProtocolRawStream(message, { ...options, onRawData });
          const isTerminate = message[0] === 0x58; // 'X': PGlite ignores it and answers nothing
          midExchange = !isTerminate && !endsWithReadyForQuery(tail, tailLength);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// ReadyForQuery is 'Z', int32 length 5, status byte; it always ends the backend's reply.
function endsWithReadyForQuery(tail, length) {
  return length === 6 && tail[0] === 0x5a && tail[1] === 0 && tail[2] === 0 && tail[3] === 0 && tail[4] === 5;
}

function describe(error, { stack = true } = {}) {
  if (error instanceof Error) return (stack && error.stack) || error.message;
  if (error && typeof error === 'object' && 'status' in error) return `PGlite exited with status ${error.status}`;
  return String(error);
}
