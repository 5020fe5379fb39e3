// Creates requests (tickets) from a CSV file through the public GraphQL API, as any third-party
// script would: plain HTTP, an API token holding REQUESTS_WRITE, nothing from the server's code.
//
//   pnpm --filter api exec tsx scripts/import-requests.ts --file requests.csv --url http://localhost:4000 --token lct_…
//   (or API_TOKEN=lct_… instead of --token)
//
// The first line names the columns (any order, case-insensitive): externalId and title are
// required; description, priority (LOW, NORMAL, HIGH, URGENT), category, requesterEmail,
// requesterName and requesterPhone are optional. Fields follow RFC 4180: a field in double quotes
// may hold commas, line breaks and doubled quotes ("").
//
// Every row is sent as `createRequest` with its externalId, so running the script again creates
// nothing twice: rows already imported are reported as skipped duplicates. A bad row is reported
// with its row number and reason, and the other rows are still imported. The exit code is 0 when
// the file was processed (even with failed rows), 1 on a fatal error (unreadable file, missing
// column, bad token, server unreachable) and 2 on wrong arguments.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const COLUMNS = ['externalId', 'title', 'description', 'priority', 'category', 'requesterEmail', 'requesterName', 'requesterPhone'] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED_COLUMNS: Column[] = ['externalId', 'title'];
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

export interface CsvRecord {
  /** The record's fields, unquoted. */
  fields: string[];
  /** 1-based line of the file on which the record starts (a quoted field may span lines). */
  line: number;
}

/** RFC 4180 CSV: quoted fields may hold commas, CR/LF line breaks and "" for a quote. A leading BOM is ignored. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else if (c === '\r' && text[i + 1] === '\n') {
        // A CRLF inside a quoted field is kept as one line break.
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw new Error(`line ${recordLine}: a quoted field is not closed before the end of the file`);
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

export interface RowInput {
  externalId: string;
  title: string;
  description?: string;
  priority?: string;
  category?: string;
  requesterEmail?: string;
  requesterName?: string;
  requesterPhone?: string;
}

/**
 * Maps the header to column indexes. A missing required column or a repeated one is fatal (it
 * throws); other columns (e.g. notes kept in the spreadsheet) are returned as ignored.
 */
export function readHeader(header: string[]): { columns: Map<Column, number>; ignored: string[] } {
  const columns = new Map<Column, number>();
  const ignored: string[] = [];
  for (const [index, name] of header.entries()) {
    const column = COLUMNS.find((c) => c.toLowerCase() === name.trim().toLowerCase());
    if (!column) {
      ignored.push(name.trim());
      continue;
    }
    if (columns.has(column)) throw new Error(`column "${column}" appears twice in the header`);
    columns.set(column, index);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length) throw new Error(`the header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return { columns, ignored };
}

/** A row as createRequest input, or the reason it cannot be sent. */
export function rowInput(record: CsvRecord, columns: Map<Column, number>, width: number): { input: RowInput } | { error: string } {
  if (record.fields.length !== width) return { error: `has ${record.fields.length} fields, the header has ${width}` };
  const input: Record<string, string> = {};
  for (const [column, index] of columns) {
    const value = record.fields[index]!.trim();
    if (value !== '') input[column] = column === 'priority' ? value.toUpperCase() : value;
  }
  if (!input.externalId) return { error: 'externalId: is required, so that a second run does not import the row twice' };
  if (!input.title) return { error: 'title: must not be empty' };
  if (input.priority && !PRIORITIES.includes(input.priority)) return { error: `priority: must be one of ${PRIORITIES.join(', ')}` };
  return { input: input as unknown as RowInput };
}

class FatalError extends Error {}

interface GraphqlError {
  message: string;
  extensions?: { code?: string; field?: string; retryAfter?: number };
}

const CREATE_REQUEST = `mutation ImportRequest($input: CreateRequestInput!) {
  createRequest(input: $input) { created requestNumber }
}`;

function graphqlClient(url: string, token: string) {
  return async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: GraphqlError[] }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new FatalError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new FatalError(`${url} answered HTTP ${response.status} with no GraphQL response: ${text.slice(0, 200)}`);
    }
  };
}

function graphqlUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FatalError(`--url "${value}" is not a URL, e.g. http://localhost:4000`);
  }
  if (!url.pathname.endsWith('/graphql')) url.pathname = `${url.pathname.replace(/\/$/, '')}/graphql`;
  return url.toString();
}

export interface ImportSummary {
  created: number;
  skipped: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Imports the file; `out` receives the progress and summary lines. Throws FatalError when it cannot go on. */
export async function importRequests(opts: { file: string; url: string; token: string; out: (line: string) => void }): Promise<ImportSummary> {
  const { out } = opts;
  const url = graphqlUrl(opts.url);
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch (error) {
    throw new FatalError(`cannot read ${opts.file}: ${(error as Error).message}`);
  }
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    throw new FatalError(`${opts.file}: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new FatalError(`${opts.file} is empty: it needs a header line and rows`);
  let columns: Map<Column, number>;
  let ignored: string[];
  try {
    ({ columns, ignored } = readHeader(header.fields));
  } catch (error) {
    throw new FatalError(`${opts.file}: ${(error as Error).message}`);
  }

  const gql = graphqlClient(url, opts.token);
  // Fails fast on a wrong token or scope, instead of once per row.
  const who = await gql<{ viewer: { kind: string; scopes: string[] } }>(`{ viewer { kind scopes } }`);
  if (who.errors?.length) throw new FatalError(`the server refused the token: ${who.errors[0]!.message}`);
  if (who.data?.viewer.kind !== 'API_TOKEN')
    throw new FatalError(`the token is not an API token (it is ${who.data?.viewer.kind ?? 'unknown'}); create one with the REQUESTS_WRITE scope`);
  if (!who.data.viewer.scopes.includes('REQUESTS_WRITE'))
    throw new FatalError(`the API token lacks the REQUESTS_WRITE scope (it has ${who.data.viewer.scopes.join(', ') || 'none'})`);

  out(`Importing ${rows.length} row${rows.length === 1 ? '' : 's'} from ${opts.file} into ${url}`);
  if (ignored.length)
    out(`Ignoring column${ignored.length === 1 ? '' : 's'} ${ignored.map((c) => `"${c}"`).join(', ')}: the columns are ${COLUMNS.join(', ')}.`);
  const summary: ImportSummary = { created: 0, skipped: 0, failed: 0 };
  const failedRows: number[] = [];
  const pad = String(rows.length).length;
  for (const [index, record] of rows.entries()) {
    const rowNumber = index + 1;
    const prefix = `[${String(rowNumber).padStart(pad)}/${rows.length}] row ${rowNumber} (line ${record.line})`;
    const fail = (reason: string) => {
      summary.failed++;
      failedRows.push(rowNumber);
      out(`${prefix}: failed: ${reason}`);
    };
    const parsed = rowInput(record, columns, header.fields.length);
    if ('error' in parsed) {
      fail(parsed.error);
      continue;
    }
    let result = await gql<{ createRequest: { created: boolean; requestNumber: string } }>(CREATE_REQUEST, { input: parsed.input });
    for (let attempt = 0; attempt < 5 && result.errors?.[0]?.extensions?.code === 'RATE_LIMITED'; attempt++) {
      await sleep(Math.min(60, result.errors[0]!.extensions!.retryAfter ?? 1) * 1000);
      result = await gql(CREATE_REQUEST, { input: parsed.input });
    }
    const error = result.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') throw new FatalError(`row ${rowNumber}: the server refused the token: ${error.message}`);
      fail(code === 'VALIDATION' || code === 'NOT_FOUND' || code === 'CONFLICT' ? error.message : `${code ?? 'error'}: ${error.message}`);
      continue;
    }
    const { created, requestNumber } = result.data!.createRequest;
    if (created) {
      summary.created++;
      out(`${prefix}: created ${requestNumber} (externalId ${parsed.input.externalId})`);
    } else {
      summary.skipped++;
      out(`${prefix}: skipped: duplicate of ${requestNumber} (externalId ${parsed.input.externalId})`);
    }
  }
  out(`Done: ${summary.created} created, ${summary.skipped} skipped as duplicate${summary.skipped === 1 ? '' : 's'}, ${summary.failed} failed.`);
  if (failedRows.length) out(`Failed rows: ${failedRows.join(', ')}.`);
  return summary;
}

const USAGE = `Usage: tsx scripts/import-requests.ts --file <requests.csv> [--url http://localhost:4000] [--token <API token>]
The token may also come from API_TOKEN; it needs the REQUESTS_WRITE scope.
Columns: ${COLUMNS.join(', ')} (externalId and title required).`;

async function main(): Promise<number> {
  let values: { file?: string; url?: string; token?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { file: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const token = values.token ?? process.env.API_TOKEN;
  if (!values.file || !token) {
    console.error(`${!values.file ? 'Missing --file.' : 'Missing the token: pass --token or set API_TOKEN.'}\n${USAGE}`);
    return 2;
  }
  try {
    await importRequests({ file: values.file, url: values.url ?? 'http://localhost:4000', token, out: (line) => console.log(line) });
    return 0;
  } catch (error) {
    if (error instanceof FatalError) {
      console.error(`Import stopped: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
