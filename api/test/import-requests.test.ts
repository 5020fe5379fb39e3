import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../scripts/import-requests';
import type { PrismaClient } from '../src/generated/prisma/client';
import { apiToken, startCrmTestApp } from './crm-fixtures';
import { tempDir, type TestApp } from './harness';

const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(apiDir, 'node_modules', '.bin', 'tsx');
const script = path.join(apiDir, 'scripts', 'import-requests.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs the script as its own process, exactly as a person would from a shell. */
function runImport(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const { API_TOKEN: _drop, ...inherited } = process.env;
    execFile(tsx, [script, ...args], { cwd: apiDir, env: { ...inherited, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, lines: stdout.trim().split('\n') });
    });
  });
}

let app: TestApp;
let prisma: PrismaClient;
let dir: { dir: string; remove(): Promise<void> };
let token: string;

beforeAll(async () => {
  [app, dir] = await Promise.all([startCrmTestApp(), tempDir('import-requests-')]);
  prisma = app.services.prisma;
  token = await apiToken(app, 'REQUESTS_WRITE');
});
afterAll(async () => {
  await app?.stop();
  await dir?.remove();
});

async function csvFile(name: string, content: string): Promise<string> {
  const file = path.join(dir.dir, name);
  await writeFile(file, content);
  return file;
}

// Row numbers count data rows (the header is line 1). Row 2 spans lines 3–5.
const CSV = [
  'externalId,title,description,priority,category,requesterEmail,requesterName,notes',
  'imp-1,Printer jams,"Jams on page 2, every time",high,Hardware,ola@example.com,Ola Nordmann,x',
  'imp-2,"Quote ""urgent"" please","First line',
  'second line, with a comma',
  'third line",URGENT,,kari@example.com,"Nordmann, Kari",',
  'imp-3,Bad email,,low,,not-an-email,,',
  'imp-4,Bad priority,,SOMEDAY,,,,',
  ',No external id,,,,,,',
  'imp-6,,Title missing,,,,,',
  'imp-7,Too few fields',
  '',
  'imp-8,Last one,"",normal,Billing,,,',
].join('\r\n');

describe('import-requests script', () => {
  it('imports good rows, reports each bad row by number with its reason, and summarises', async () => {
    const file = await csvFile('requests.csv', CSV);
    const before = (await prisma.request.aggregate({ _max: { number: true } }))._max.number ?? 0;
    const run = await runImport(['--file', file, '--url', app.url, '--token', token]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe(`Importing 8 rows from ${file} into ${app.url}/graphql`);
    expect(run.lines[1]).toContain('Ignoring column "notes"');
    expect(run.lines.slice(2, 10)).toEqual([
      `[1/8] row 1 (line 2): created R-${before + 1} (externalId imp-1)`,
      `[2/8] row 2 (line 3): created R-${before + 2} (externalId imp-2)`,
      '[3/8] row 3 (line 6): failed: requesterEmail: is not a valid email address',
      '[4/8] row 4 (line 7): failed: priority: must be one of LOW, NORMAL, HIGH, URGENT',
      '[5/8] row 5 (line 8): failed: externalId: is required, so that a second run does not import the row twice',
      '[6/8] row 6 (line 9): failed: title: must not be empty',
      '[7/8] row 7 (line 10): failed: has 2 fields, the header has 8',
      `[8/8] row 8 (line 12): created R-${before + 3} (externalId imp-8)`,
    ]);
    expect(run.lines.slice(10)).toEqual(['Done: 3 created, 0 skipped as duplicates, 5 failed.', 'Failed rows: 3, 4, 5, 6, 7.']);

    const imported = await prisma.request.findMany({ where: { externalId: { startsWith: 'imp-' } }, orderBy: { number: 'asc' } });
    expect(imported.map((r) => r.externalId)).toEqual(['imp-1', 'imp-2', 'imp-8']);
    expect(imported[0]).toMatchObject({
      title: 'Printer jams',
      description: 'Jams on page 2, every time',
      priority: 'HIGH',
      category: 'Hardware',
      requesterEmail: 'ola@example.com',
      requesterName: 'Ola Nordmann',
      source: 'API',
    });
    expect(imported[1]).toMatchObject({
      title: 'Quote "urgent" please',
      description: 'First line\nsecond line, with a comma\nthird line',
      priority: 'URGENT',
      category: null,
      requesterName: 'Nordmann, Kari',
    });
    expect(imported[2]).toMatchObject({ title: 'Last one', description: '', priority: 'NORMAL', category: 'Billing' });
  });

  it('a second run creates nothing: every imported row is skipped as a duplicate', async () => {
    const file = await csvFile('requests.csv', CSV);
    const count = await prisma.request.count();
    const run = await runImport(['--file', file, '--url', `${app.url}/graphql`], { API_TOKEN: token });
    expect(run.code).toBe(0);
    const imp1 = await prisma.request.findUniqueOrThrow({ where: { externalId: 'imp-1' } });
    expect(run.lines).toContain(`[1/8] row 1 (line 2): skipped: duplicate of R-${imp1.number} (externalId imp-1)`);
    expect(run.lines.filter((l) => l.includes(': skipped: duplicate of R-'))).toHaveLength(3);
    expect(run.lines.filter((l) => l.includes(': created '))).toHaveLength(0);
    expect(run.lines.at(-2)).toBe('Done: 0 created, 3 skipped as duplicates, 5 failed.');
    expect(await prisma.request.count()).toBe(count);
  });

  it('stops with exit code 1 on fatal errors: bad token, missing scope, unreachable server, unreadable file, bad header', async () => {
    const file = await csvFile('ok.csv', 'externalId,title\nfatal-1,Never imported\n');
    const badToken = await runImport(['--file', file, '--url', app.url, '--token', 'lct_not_a_real_token']);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^Import stopped: the server refused the token: /);

    const readOnly = await runImport(['--file', file, '--url', app.url, '--token', await apiToken(app, 'REQUESTS_READ')]);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain('the API token lacks the REQUESTS_WRITE scope (it has REQUESTS_READ)');

    const agent = await app.agentWithToken();
    const agentToken = await runImport(['--file', file, '--url', app.url, '--token', agent.token]);
    expect(agentToken.code).toBe(1);
    expect(agentToken.stderr).toContain('the token is not an API token (it is AGENT)');

    const unreachable = await runImport(['--file', file, '--url', 'http://127.0.0.1:9', '--token', token]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach http://127.0.0.1:9/graphql');

    const missing = await runImport(['--file', path.join(dir.dir, 'nope.csv'), '--url', app.url, '--token', token]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');

    const noTitle = await runImport(['--file', await csvFile('no-title.csv', 'externalId,description\nx,y\n'), '--url', app.url, '--token', token]);
    expect(noTitle.code).toBe(1);
    expect(noTitle.stderr).toContain('the header lacks the required column title');

    const unclosed = await runImport(['--file', await csvFile('unclosed.csv', 'externalId,title\nu-1,"never closed\n'), '--url', app.url, '--token', token]);
    expect(unclosed.code).toBe(1);
    expect(unclosed.stderr).toContain('line 2: a quoted field is not closed before the end of the file');

    expect(await prisma.request.count({ where: { externalId: { in: ['fatal-1', 'x', 'u-1'] } } })).toBe(0);
  });

  it('exits with 2 and the usage on wrong arguments', async () => {
    const noFile = await runImport(['--url', app.url, '--token', token]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Missing --file.');
    const noToken = await runImport(['--file', 'x.csv']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('Missing the token: pass --token or set API_TOKEN.');
    const unknown = await runImport(['--file', 'x.csv', '--token', token, '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage:');
  });
});

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and line breaks in quotes, CRLF, a BOM, blank lines and a missing final newline', () => {
    const records = parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","multi\r\nline"\n\n1,,3');
    expect(records).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', 'multi\nline'], line: 2 },
      { fields: ['1', '', '3'], line: 5 },
    ]);
  });

  it('keeps empty trailing fields and quoted empty fields', () => {
    expect(parseCsv('a,,\n"",b\n').map((r) => r.fields)).toEqual([
      ['a', '', ''],
      ['', 'b'],
    ]);
  });

  it('rejects an unclosed quote, naming the line', () => {
    expect(() => parseCsv('a\n"open')).toThrow('line 2: a quoted field is not closed');
  });
});
