// Embedded PostgreSQL: PGlite in a worker thread, served over the wire protocol on a Unix socket,
// so the API connects with adapter-pg exactly as to a real server. See ENGINEERING.md.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  /**
   * `postgresql://postgres@localhost:5432/postgres?host=<socketDir>`, for pg.Pool or adapter-pg:
   * the Unix socket `<socketDir>/.s.PGSQL.5432`. pglite-socket asks no password, so the socket
   * (0600) and its folder (0700) let only this user in; nothing listens on TCP.
   */
  url: string;
  /** The owner-only folder holding the socket: `<dataDir>/.socket`, or a private temp folder (in memory, or a data path too long for a socket). */
  socketDir: string;
  /** The data folder, or null when the database lives in memory. */
  dataDir: string | null;
  /** Writes the whole database as an uncompressed tar, for `template`; best with no statement running. */
  dumpTo(file: string): Promise<void>;
  /** Closes connections and PGlite cleanly, ends the worker and releases the lock. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data folder (created if missing); null keeps the database in memory. */
  dataDir: string | null;
  /** Concurrent client connections the socket server accepts (pglite-socket's default is 1). */
  maxConnections?: number;
  log?: (line: string) => void;
  /** Initialising an empty folder takes a few seconds; a loaded machine needs more. */
  startupTimeoutMs?: number;
  /**
   * An in-memory database starts as a copy of this dump (`dumpTo`) instead of an empty cluster:
   * about 1 s instead of 3 to 5, since initdb does not run. Ignored with a data folder.
   */
  template?: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
    readonly lockFile: string,
  ) {
    super(
      pid === null
        ? `Data folder ${dataDir} is locked: another process is taking over its stale lock ${lockFile}. Try again; if it persists, delete that file.`
        : `Data folder ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this process)' : ''}. ` +
            `Stop that server first; if no such server runs, delete ${lockFile}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** Worker → main thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'stopped' }
  | { type: 'dumped'; error?: string }
  | { type: 'log'; line: string };

/** Main thread → worker. */
export type MainMessage = { type: 'stop' } | { type: 'dump'; file: string };

export interface EmbeddedWorkerData {
  dataDir: string | null;
  /** A dump to start an in-memory database from. */
  template: string | null;
  maxConnections: number;
  /** The Unix socket to serve on; its folder exists and is owner-only. */
  socketPath: string;
}

export const LOCK_FILE_NAME = 'embedded-postgres.lock';
/** pg finds a server's socket as `<host dir>/.s.PGSQL.<port>`. */
const SOCKET_PORT = 5432;
const SOCKET_FILE_NAME = `.s.PGSQL.${SOCKET_PORT}`;
/** sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

const DEFAULT_MAX_CONNECTIONS = 100;
const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const dataDir = opts.dataDir === null ? null : path.resolve(opts.dataDir);
  const lock = dataDir === null ? null : acquireDataDirLock(dataDir);
  let socket: SocketDir;
  try {
    socket = prepareSocketDir(dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const release = () => {
    socket.remove();
    lock?.release();
  };

  const workerData: EmbeddedWorkerData = {
    dataDir,
    template: dataDir === null ? (opts.template ?? null) : null,
    maxConnections: opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    socketPath: socket.path,
  };
  let worker: Worker;
  try {
    worker = new Worker(new URL('./embedded-worker.mjs', import.meta.url), {
      workerData,
      // The worker runs one plain .mjs file and needs none of the parent's flags. Inherited, they
      // break it: a Worker refuses V8 flags (the bench's --expose-gc), and `--input-type` (from
      // `node -e`) makes it fail to load its file. V8 flags still apply: they are process-wide.
      execArgv: [],
    });
  } catch (error) {
    release();
    throw error;
  }

  let serving = false;
  let stopping = false;
  let exited = false;
  const exitedPromise = new Promise<number>((resolve) => worker.once('exit', resolve));
  void exitedPromise.then((code) => {
    exited = true;
    if (serving && !stopping) log(`embedded postgres: worker exited unexpectedly (code ${code}); the database is unavailable`);
  });
  // Without a listener, a worker 'error' event would be thrown in the API's thread.
  worker.on('error', (error) => log(`embedded postgres: worker crashed: ${error.stack ?? error.message}`));
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'log') log(`embedded postgres: ${message.line}`);
  });

  try {
    await waitForReady(worker, opts.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS, dataDir);
  } catch (error) {
    stopping = true;
    await worker.terminate();
    release();
    throw error;
  }

  serving = true;
  const url = `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socket.dir)}`;
  log(`embedded postgres: ${dataDir ?? 'in memory'} on the Unix socket ${socket.path} (owner only)`);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      try {
        if (!exited) await requestStop(worker, exitedPromise);
      } finally {
        await worker.terminate();
        release();
        log(`embedded postgres: stopped ${dataDir ?? 'in-memory database'}`);
      }
    })();
    return stopped;
  };

  // One dump at a time, each answered by its own reply; a worker that stops or dies rejects it.
  let dumping: Promise<void> = Promise.resolve();
  const dumpOnce = (file: string) =>
    new Promise<void>((resolve, reject) => {
      if (stopping || exited) return reject(new Error('Embedded PostgreSQL is stopped: nothing to dump.'));
      const onMessage = (message: WorkerMessage) => {
        if (message.type !== 'dumped') return;
        worker.off('message', onMessage);
        if (message.error) reject(new Error(`Embedded PostgreSQL could not dump to ${file}: ${message.error}`));
        else resolve();
      };
      worker.on('message', onMessage);
      void exitedPromise.then(() => {
        worker.off('message', onMessage);
        reject(new Error(`Embedded PostgreSQL stopped before it dumped to ${file}.`));
      });
      worker.postMessage({ type: 'dump', file } satisfies MainMessage);
    });
  const dumpTo = (file: string) => {
    const next = dumping.then(() => dumpOnce(file));
    dumping = next.catch(() => {});
    return next;
  };

  return { url, socketDir: socket.dir, dataDir, dumpTo, stop };
}

interface SocketDir {
  dir: string;
  path: string;
  remove(): void;
}

/**
 * An owner-only (0700) folder for the socket: `<dataDir>/.socket`, kept between starts (a socket
 * left by a crash is removed; the data-folder lock says no one else uses it), or a private temp
 * folder that `remove` deletes.
 */
function prepareSocketDir(dataDir: string | null): SocketDir {
  if (dataDir !== null) {
    const dir = path.join(dataDir, '.socket');
    const socketPath = path.join(dir, SOCKET_FILE_NAME);
    if (Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing folder's mode as it was.
      fs.chmodSync(dir, 0o700);
      fs.rmSync(socketPath, { force: true });
      return { dir, path: socketPath, remove: () => fs.rmSync(socketPath, { force: true }) };
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livechat-pglite-')); // created 0700
  return { dir, path: path.join(dir, SOCKET_FILE_NAME), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function waitForReady(worker: Worker, timeoutMs: number, dataDir: string | null): Promise<void> {
  const what = dataDir ?? 'in-memory database';
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      settle();
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'ready') done(() => resolve());
      else if (message.type === 'error') done(() => reject(new Error(`Embedded PostgreSQL failed to open ${what}: ${message.message}`)));
    };
    const onError = (error: Error) =>
      done(() => reject(new Error(`Embedded PostgreSQL worker crashed while opening ${what}: ${error.message}`, { cause: error })));
    const onExit = (code: number) => done(() => reject(new Error(`Embedded PostgreSQL worker exited (code ${code}) while opening ${what}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`Embedded PostgreSQL did not start within ${timeoutMs} ms (${what})`))), timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

function requestStop(worker: Worker, exited: Promise<number>): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      settle();
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'stopped') done(resolve);
      else if (message.type === 'error') done(() => reject(new Error(`Embedded PostgreSQL did not stop cleanly: ${message.message}`)));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`Embedded PostgreSQL did not stop within ${STOP_TIMEOUT_MS} ms`))), STOP_TIMEOUT_MS);
    void exited.then((code) => done(() => reject(new Error(`Embedded PostgreSQL worker exited (code ${code}) while stopping`))));
    worker.on('message', onMessage);
    worker.postMessage({ type: 'stop' } satisfies MainMessage);
  });
}

// ───────────────────────────── Data-folder lock ─────────────────────────────
// PGlite writes a postmaster.pid (always PID -42) but never checks it: a second PGlite opens a
// folder in use without complaint, and two backends writing one folder corrupt it. Hence this lock.

interface DataDirLock {
  release(): void;
}

/** Takes `<dataDir>/embedded-postgres.lock` (PID, then a token), creating the folder if needed. */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, LOCK_FILE_NAME);
  const content = `${process.pid}\n${randomUUID()}\n`;

  for (let attempt = 0; ; attempt++) {
    if (tryCreateWithContent(lockFile, content)) break;
    if (attempt >= 2) throw new Error(`Could not take the lock ${lockFile}`);
    const holder = readLockPid(lockFile);
    if (holder !== null && isAlive(holder)) throw new DataDirLockedError(dataDir, holder, lockFile);
    removeStaleLock(dataDir, lockFile, holder);
  }

  const releaseOnExit = () => release();
  process.once('exit', releaseOnExit);
  let released = false;
  function release() {
    if (released) return;
    released = true;
    process.off('exit', releaseOnExit);
    try {
      if (fs.readFileSync(lockFile, 'utf8') === content) fs.unlinkSync(lockFile);
    } catch {
      // Left behind, it is stale once this process ends, and the next start takes it over.
    }
  }
  return { release };
}

// A guard file makes the takeover exclusive: without it, two starters could both see the same
// stale lock, and the second could delete the lock the first had just created.
function removeStaleLock(dataDir: string, lockFile: string, stalePid: number | null): void {
  const guard = `${lockFile}.takeover`;
  try {
    fs.writeFileSync(guard, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if (isErrno(error, 'EEXIST')) throw new DataDirLockedError(dataDir, null, guard);
    throw error;
  }
  try {
    // Only if it still is the lock we judged stale; otherwise the next attempt re-examines it.
    if (fs.existsSync(lockFile) && readLockPid(lockFile) === stalePid) fs.unlinkSync(lockFile);
  } finally {
    fs.unlinkSync(guard);
  }
}

/**
 * Creates `file` with its full content in one atomic step, so no reader ever sees it empty (a
 * hard link of a finished temp file); false if it exists. Without hard links, `wx` will do.
 */
function tryCreateWithContent(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  fs.writeFileSync(temp, content);
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP')) throw error;
  } finally {
    fs.unlinkSync(temp);
  }
  try {
    fs.writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

function readLockPid(lockFile: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM'); // exists, owned by another user
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
