import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const apiDir = path.resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'livechat-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Starts the real entry point as an operator would, and waits for it to exit. */
function startServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(apiDir, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: apiDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A server that started would never exit on its own: stop it after a while so the test fails instead of hanging.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('a bad configuration at start', () => {
  it('exits 1 before anything listens or is created, naming every bad variable, its value and what is expected', async () => {
    const dataDir = path.join(scratch, 'data');
    const result = await startServer({ DATA_DIR: dataDir, IDLE_TIMEOUT_SECONDS: 'ten', SEND_MESSAGE_LIMIT_PER_VISITOR: '-3', METRICS_TOKEN: 'leaky' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (3 variables)');
    expect(result.stderr).toContain('IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 604800, got "ten"');
    expect(result.stderr).toContain('SEND_MESSAGE_LIMIT_PER_VISITOR must be a positive whole number of messages, got "-3"');
    expect(result.stderr).toContain('METRICS_TOKEN must be at least 16 characters');
    // The secret's value is not shown, nor a stack trace.
    expect(result.stderr + result.stdout).not.toContain('leaky');
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(result.stdout).not.toContain('Live chat API on');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('starts with the same variables once they are right (the check is not what stops it)', async () => {
    const child = spawn(path.join(apiDir, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: apiDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: path.join(scratch, 'ok'),
        IDLE_TIMEOUT_SECONDS: '600',
        SEND_MESSAGE_LIMIT_PER_VISITOR: '3',
        SEED_DEMO: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        const match = /Live chat API on (http:\/\/[^\s]+)/.exec(output);
        if (match) resolve(match[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
});
