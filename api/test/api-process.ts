import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** stdout lines so far. */
  stdoutLines(): string[];
  /** Sends SIGTERM and resolves when the process exited, with its exit code and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** SIGKILL if still running (for afterAll). */
  kill(): Promise<void>;
}

/** Runs `src/main.ts` as its own process, as an operator would, on a port of its own. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    all += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => (all += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start within 90 s:\n${all}`)), 90_000);
    const check = () => {
      const match = /Live chat API on (http:\/\/[^\s"]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`API exited with ${code} before it started:\n${all}`));
    });
  });
  return {
    url,
    child,
    output: () => all,
    stdoutLines: () => stdout.split('\n').filter((line) => line.trim() !== ''),
    async terminate() {
      const started = performance.now();
      child.kill('SIGTERM');
      const result = await exited;
      return { ...result, ms: Math.round(performance.now() - started) };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
