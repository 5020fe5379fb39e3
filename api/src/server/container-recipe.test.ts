// What can be checked of the container recipe without a Docker engine: the Dockerfile and
// compose.yaml parse, the image runs what `pnpm start` runs, and compose sets only variables the
// configuration schema knows, with values it accepts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DockerfileParser, type Instruction, JSONInstruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configVariableNames, parseConfigEnv } from '../platform/config';
import { findRepoRoot } from '../platform/repo-root';

const repoRoot = findRepoRoot(import.meta.url);
const read = (file: string) => readFile(path.join(repoRoot, file), 'utf8');

const dockerfileKeywords = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);

/** `NODE_ENV=${NODE_ENV:-production} exec node dist/main.js` → the environment defaults and ['node', 'dist/main.js']. */
function splitStartScript(script: string): { env: Record<string, string>; argv: string[] } {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, value] = words.shift()!.split(/=(.*)/s) as [string, string];
    env[name] = /^\$\{\w+:-(.*)\}$/.exec(value)?.[1] ?? value;
  }
  if (words[0] === 'exec') words.shift();
  return { env, argv: words };
}

/** compose's ${NAME:-default} and ${NAME:?message}: the default, or a stand-in value that satisfies the schema. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_all, _name: string, kind?: string, rest?: string) =>
    kind === '-' ? (rest ?? '') : 'a-value-long-enough-for-any-secret',
  );
}

describe('Dockerfile', async () => {
  const dockerfile = DockerfileParser.parse(await read('Dockerfile'));
  const instructions = dockerfile.getInstructions();
  const froms = instructions.filter((instruction) => instruction.getKeyword() === 'FROM');
  const lastFrom = froms.at(-1)!;
  const runtime = instructions.filter((instruction) => instruction.getRange().start.line > lastFrom.getRange().start.line);
  const runtimeOnes = (keyword: string): Instruction[] => runtime.filter((instruction) => instruction.getKeyword() === keyword);

  it('parses into known instructions and several stages', () => {
    expect(instructions.length).toBeGreaterThan(10);
    for (const instruction of instructions) expect(dockerfileKeywords, `line ${instruction.getRange().start.line + 1}`).toContain(instruction.getKeyword());
    expect(froms.length).toBeGreaterThanOrEqual(4);
    // The runtime starts from a slim Node image (an ARG default before the first FROM, or written out), not from a stage with the dev dependencies.
    const globalArgs = Object.fromEntries(
      dockerfile.getInitialARGs().flatMap((arg) => arg.getProperties().map((property) => [property.getName(), property.getValue() ?? ''])),
    );
    const runtimeImage = dockerfile
      .getFROMs()
      .at(-1)!
      .getImage()!
      .replace(/\$\{?(\w+)\}?/g, (_all, name: string) => globalArgs[name] ?? '');
    expect(runtimeImage).toMatch(/^node:[^\s]*slim/);
  });

  it('runs as the unprivileged node user, with a HEALTHCHECK on /health through node’s fetch', () => {
    expect(runtimeOnes('USER').map((instruction) => instruction.getArgumentsContent())).toEqual(['node']);
    const [healthcheck] = runtimeOnes('HEALTHCHECK');
    expect(healthcheck?.getArgumentsContent()).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/health/);
  });

  it('CMD is the production step of `pnpm start` (api/package.json "start"), run from api/ with the same NODE_ENV', async () => {
    const startScript: string = JSON.parse(await read('api/package.json')).scripts.start;
    const { env, argv } = splitStartScript(startScript);
    const [cmd] = runtimeOnes('CMD');
    expect(cmd).toBeInstanceOf(JSONInstruction);
    expect((cmd as JSONInstruction).getJSONStrings().map((argument) => argument.getJSONValue())).toEqual(argv);
    expect(runtimeOnes('WORKDIR').at(-1)?.getArgumentsContent()).toBe('/app/api');
    const imageEnv = Object.fromEntries(
      dockerfile
        .getENVs()
        .filter((instruction) => runtime.includes(instruction))
        .flatMap((instruction) => instruction.getProperties().map((property) => [property.getName(), property.getValue()])),
    );
    expect(env.NODE_ENV).toBe('production');
    expect(imageEnv.NODE_ENV).toBe(env.NODE_ENV);
  });
});

describe('compose.yaml', async () => {
  const compose = parseYaml(await read('compose.yaml')) as {
    services: Record<string, { environment?: Record<string, string | number | boolean>; depends_on?: Record<string, unknown> }>;
  };

  it('has the API with PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis']);
    expect(Object.keys(compose.services.api!.depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
  });

  it('sets only variables the configuration schema has, with values it accepts', () => {
    const environment = Object.fromEntries(Object.entries(compose.services.api!.environment ?? {}).map(([name, value]) => [name, interpolate(String(value))]));
    expect(Object.keys(environment).length).toBeGreaterThan(3);
    for (const name of Object.keys(environment)) expect(configVariableNames, name).toContain(name);
    const parsed = parseConfigEnv(environment);
    expect(new URL(parsed.DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(parsed.REDIS_URL!).hostname).toBe('redis');
  });
});
