import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url));
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const proc of running) proc.kill();
  running.clear();
});
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Runs `body` in a child process with `logger` = createLogger on stdout; resolves with the first stdout line, or everything at exit. */
function child(body: string, until: 'first line' | 'exit'): Promise<string> {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)};
const logger = createLogger({ logLevel: 'info', development: false });
${body}`;
  const proc = spawn(tsx, ['--eval', script], { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (until === 'first line' && out.includes('\n')) {
        proc.kill();
        resolve(out);
      }
    });
    proc.on('error', reject);
    proc.on('exit', () => resolve(out));
  });
}

// Stdout lines are buffered to save a write(2) each; none may be held back for good.
describe('the stdout logger', () => {
  it('writes a lone line while the process goes on running', async () => {
    const out = await child(`logger.info('lone line'); setTimeout(() => {}, 60_000);`, 'first line');
    expect(JSON.parse(out.split('\n')[0]!)).toMatchObject({ msg: 'lone line', service: 'livechat-api' });
  });

  it('writes every line before process.exit', async () => {
    const out = await child(`for (let i = 0; i < 3; i++) logger.info('line ' + i); process.exit(0);`, 'exit');
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).msg),
    ).toEqual(['line 0', 'line 1', 'line 2']);
  });
});
