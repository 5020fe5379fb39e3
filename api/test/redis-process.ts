import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One PING over raw RESP; resolves true on +PONG. */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

/**
 * A private redis-server child process for fault-injection tests (the shared Redis on 6379 is
 * never touched): no persistence, bound to 127.0.0.1, killable and restartable on the same port.
 */
export interface RedisProcess {
  port: number;
  url: string;
  /** Starts redis-server (again) on `port` and resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILLs it (an abrupt crash) and resolves once the process has exited. */
  kill(): Promise<void>;
  ping(): Promise<boolean>;
}

export async function startRedisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  async function start() {
    if (child) throw new Error('redis-server is already running');
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    // Never outlive the test process, even if afterAll does not run.
    const orphanGuard = () => proc.kill('SIGKILL');
    process.once('exit', orphanGuard);
    proc.once('exit', () => process.removeListener('exit', orphanGuard));
    proc.stdout!.on('data', (chunk) => (output = (output + chunk.toString()).slice(-4000)));
    proc.stderr!.on('data', (chunk) => (output = (output + chunk.toString()).slice(-4000)));
    exited = new Promise<void>((resolve) =>
      proc.once('exit', () => {
        if (child === proc) child = null;
        resolve();
      }),
    );
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child !== proc) throw new Error(`redis-server exited on start:\n${output}`);
      if (await ping(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await kill();
    throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
  }

  async function kill() {
    const proc = child;
    if (!proc) return;
    proc.kill('SIGKILL');
    await exited;
  }

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, kill, ping: () => ping(port) };
}
