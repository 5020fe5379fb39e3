// The compiled API (api/dist/main.js) as `pnpm start` runs it: plain node, production mode unless
// NODE_ENV says otherwise. Only on the pglite project: it starts its own embedded database either way.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiDir = path.resolve(import.meta.dirname, '..');

interface StartedApi {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs `command` with sh in api/ (as pnpm runs a script) and waits for the "Live chat API on …" line. */
async function startCompiledApi(command: string, env: Record<string, string | undefined>): Promise<StartedApi> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    ADMIN_EMAIL: 'admin@production.test',
    ADMIN_PASSWORD: 'production-mode-password',
  };
  for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'GRAPHIQL', 'DATABASE_URL', 'REDIS_URL', 'VITEST', 'TEST_DB_ENGINE']) delete childEnv[name];
  Object.assign(childEnv, env);
  const child: ChildProcess = spawn('sh', ['-c', command], { cwd: apiDir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /Live chat API on (http:\/\/\S+)/.exec(log);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the API exited (code ${code}) before it started:\n${log}`)));
  });
  return {
    url,
    output: () => log,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function graphiqlPage(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
  return { status: response.status, body: await response.text() };
}

/** A misspelled field: development suggests the right name, production says nothing about the schema. */
async function misspelledFieldError(url: string): Promise<{ message: string; extensions?: Record<string, unknown> }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ agentz { id } }' }),
  });
  const result = (await response.json()) as { errors: { message: string; extensions?: Record<string, unknown> }[] };
  expect(result.errors).toHaveLength(1);
  return result.errors[0]!;
}

// Node loads this before the bundle and prints the NODE_ENV the process really got.
// biome-ignore lint/suspicious/noTemplateCurlyInString: the child's node evaluates it, not this file
const printNodeEnv = '--import=data:text/javascript,console.log(`NODE_ENV=${process.env.NODE_ENV}`)';

let startScript: string;
// One folder for both starts: the second finds its migrations applied, as a restart does.
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lc-production-mode-'));
  // What `pnpm build` does for the API, so the test runs the code as it is now.
  execFileSync(path.join(apiDir, 'node_modules/.bin/tsup'), { cwd: apiDir, stdio: 'pipe' });
  startScript = JSON.parse(await readFile(path.join(apiDir, 'package.json'), 'utf8')).scripts.start;
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('the start script (NODE_ENV unset)', () => {
  let api: StartedApi;
  beforeAll(async () => {
    expect(startScript).toMatch(/\bnode .*dist\/main\.js/);
    api = await startCompiledApi(startScript, { NODE_OPTIONS: printNodeEnv });
  });
  afterAll(() => api?.stop());

  it('runs the compiled bundle in production mode: no GraphiQL', async () => {
    expect(api.output()).toContain('NODE_ENV=production');
    const page = await graphiqlPage(api.url);
    expect(page.body).not.toMatch(/graphiql/i);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  it('masks errors: no schema suggestions, no stack traces', async () => {
    const error = await misspelledFieldError(api.url);
    expect(error.message).toContain('agentz');
    expect(error.message).not.toMatch(/did you mean/i);
    expect(JSON.stringify(error)).not.toMatch(/stack|originalError/i);
  });
});

describe('NODE_ENV=development', () => {
  let api: StartedApi;
  beforeAll(async () => {
    api = await startCompiledApi(startScript, { NODE_ENV: 'development', NODE_OPTIONS: printNodeEnv });
  });
  afterAll(() => api?.stop());

  it('serves GraphiQL and suggests field names', async () => {
    expect(api.output()).toContain('NODE_ENV=development');
    const page = await graphiqlPage(api.url);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/graphiql/i);
    expect((await misspelledFieldError(api.url)).message).toMatch(/did you mean "agents"/i);
  });
});
