import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, Prisma, PrismaClient, VisitorField } from '../src/generated/prisma/client';
import { configFromEnv } from '../src/platform/config';
import type { NewRequestInput } from '../src/modules/crm/requests.service';
import { startTestApp, type TestApp } from './harness';

const SUBMIT = `mutation($input: OfflineFormInput!) {
  submitOfflineForm(input: $input) { requestNumber visitorToken }
}`;
const SUBMIT_WITH_REQUEST = `mutation($input: OfflineFormInput!) {
  submitOfflineForm(input: $input) { requestNumber request { id displayNumber title } }
}`;
const REQUEST = `query($id: ID!) {
  request(id: $id) { id number displayNumber title description status priority category source requesterName requesterEmail requesterPhone createdAt }
}`;

let app: TestApp;
let prisma: PrismaClient;
let channel: Channel;
let ipCounter = 0;

beforeAll(async () => {
  // Trusting X-Forwarded-For lets each test submit from its own address, under its own rate limit.
  // OFFLINE_FORM_LIMIT_PER_IP is 5 by default; a deployment's own value is the one enforced.
  app = await startTestApp({ trustProxy: true, chat: configFromEnv({ OFFLINE_FORM_LIMIT_PER_IP: '3' }).chat });
  prisma = app.services.prisma;
  channel = await newChannel();
});
afterAll(() => app?.stop());

function newChannel(data: Partial<Prisma.ChannelCreateInput> = {}) {
  return prisma.channel.create({ data: { name: `Offline ${randomUUID()}`, ...data } });
}

/** A fresh client address, so tests do not share the per-IP limit. */
function freshIp() {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

async function submit(input: Record<string, unknown>, opts: { ip?: string; token?: string | null; query?: string } = {}) {
  return app.gql(opts.query ?? SUBMIT, { input: { channelId: channel.id, email: 'visitor@example.com', message: 'Hello', ...input } }, opts.token, {
    'x-forwarded-for': opts.ip ?? freshIp(),
  });
}

function errorOf(result: { errors?: { extensions?: Record<string, any> }[] }) {
  return result.errors?.[0]?.extensions;
}

async function nextNumber(): Promise<number> {
  const result = await submit({ message: 'Which number comes next?' });
  expect(result.errors).toBeUndefined();
  return Number(String(result.data.submitOfflineForm.requestNumber).replace('R-', ''));
}

describe('submitOfflineForm', () => {
  // First in the file: the database is new, so numbering starts at R-1.
  it('numbers requests R-1, R-2, R-3 with no gaps, even when a submission is rejected in between', async () => {
    const numbers: string[] = [];
    for (const input of [{ message: 'First' }, { message: 'Second' }, { email: 'not-an-email' }, { message: 'Third' }]) {
      const result = await submit(input);
      if (result.data) numbers.push(result.data.submitOfflineForm.requestNumber);
    }
    expect(numbers).toEqual(['R-1', 'R-2', 'R-3']);
    expect((await prisma.request.findMany({ orderBy: { number: 'asc' } })).map((r) => r.number)).toEqual([1, 2, 3]);
  });

  it('gives concurrent submissions distinct consecutive numbers', async () => {
    const start = (await prisma.request.aggregate({ _max: { number: true } }))._max.number ?? 0;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => submit({ message: `Concurrent ${i}` })));
    const numbers = results.map((r) => Number(r.data.submitOfflineForm.requestNumber.slice(2))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => start + i + 1));
  });

  it('records a missed OFFLINE session and a request filled from the form', async () => {
    const longFirstLine = 'My printer '.repeat(20).trim();
    const message = `${longFirstLine}\nSecond line with details.`;
    const result = await submit(
      { name: 'Ada Lovelace', email: ' Ada@Example.COM ', phone: '+47 12345678', company: 'Analytical Engines', country: 'UK', message },
      { query: SUBMIT },
    );
    expect(result.errors).toBeUndefined();
    const number = Number(result.data.submitOfflineForm.requestNumber.slice(2));
    const request = await prisma.request.findUniqueOrThrow({ where: { number }, include: { sourceSession: { include: { visitor: true } } } });
    expect(request).toMatchObject({
      source: 'OFFLINE_FORM',
      status: 'OPEN',
      priority: 'NORMAL',
      description: message,
      requesterName: 'Ada Lovelace',
      requesterEmail: 'ada@example.com',
      requesterPhone: '+47 12345678',
    });
    expect(Array.from(request.title)).toHaveLength(120);
    expect(request.title).toBe(`${longFirstLine.slice(0, 119).trimEnd()}…`);
    expect(request.sourceSession).toMatchObject({ channelId: channel.id, status: 'OFFLINE', missed: true, agentId: null });
    expect(request.sourceSession?.visitor).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+47 12345678',
      company: 'Analytical Engines',
      country: 'UK',
    });
  });

  it('gives an anonymous caller a visitor token for the visitor it created', async () => {
    const result = await submit({ name: 'New visitor' });
    const token = result.data.submitOfflineForm.visitorToken as string;
    expect(token).toMatch(/^lcv_/);
    const viewer = await app.gql(`{ viewer { kind id } }`, {}, token);
    expect(viewer.data.viewer.kind).toBe('VISITOR');
    const session = await prisma.chatSession.findFirstOrThrow({ where: { visitorId: viewer.data.viewer.id } });
    expect(session).toMatchObject({ status: 'OFFLINE', missed: true });
  });

  it('reuses the visitor of a valid visitor token instead of creating one', async () => {
    const { token, visitor } = await app.services.auth.createVisitor({ name: 'Returning' });
    const visitorsBefore = await prisma.visitor.count();
    const result = await submit({ name: 'Returning Visitor', company: 'Acme' }, { token });
    expect(result.errors).toBeUndefined();
    expect(result.data.submitOfflineForm.visitorToken).toBeNull();
    expect(await prisma.visitor.count()).toBe(visitorsBefore);
    const sessions = await prisma.chatSession.findMany({ where: { visitorId: visitor.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ status: 'OFFLINE', missed: true });
    expect(await prisma.visitor.findUniqueOrThrow({ where: { id: visitor.id } })).toMatchObject({ name: 'Returning Visitor', company: 'Acme' });
  });

  it('records the session but creates no request and uses no number when the channel is set not to', async () => {
    const noRequests = await newChannel({ offlineCreatesRequest: false });
    const before = await prisma.request.count();
    const result = await submit({ channelId: noRequests.id, message: 'Just a note' }, { query: SUBMIT_WITH_REQUEST });
    expect(result.errors).toBeUndefined();
    expect(result.data.submitOfflineForm).toEqual({ requestNumber: null, request: null });
    expect(await prisma.request.count()).toBe(before);
    expect(await prisma.chatSession.count({ where: { channelId: noRequests.id, status: 'OFFLINE', missed: true } })).toBe(1);
    // The message is kept with the session, so nothing the visitor wrote is lost.
    const stored = await prisma.message.findMany({ where: { session: { channelId: noRequests.id } } });
    expect(stored.map((m) => [m.authorKind, m.body])).toEqual([['VISITOR', 'Just a note']]);
    const next = await nextNumber();
    expect(next).toBe(await prisma.request.count());
  });

  describe('validation', () => {
    async function expectInvalid(input: Record<string, unknown>, field: string, channelId = channel.id) {
      const sessionsBefore = await prisma.chatSession.count();
      const result = await submit({ channelId, ...input });
      expect(errorOf(result)).toMatchObject({ code: 'VALIDATION', field });
      expect(result.data).toBeNull();
      expect(await prisma.chatSession.count()).toBe(sessionsBefore);
      return result.errors![0]!.message;
    }

    it('requires the fields the channel requires, naming the field', async () => {
      // The default channel requires EMAIL.
      expect(await expectInvalid({ email: null }, 'email')).toBe('email: is required');
      await expectInvalid({ email: '   ' }, 'email');

      const strict = await newChannel({ offlineRequiredFields: ['NAME', 'PHONE', 'COMPANY', 'COUNTRY'] satisfies VisitorField[] });
      const complete = { channelId: strict.id, email: null, name: 'N', phone: '1', company: 'C', country: 'NO' };
      for (const field of ['name', 'phone', 'company', 'country']) await expectInvalid({ ...complete, [field]: '' }, field, strict.id);
      expect((await submit(complete)).errors).toBeUndefined();

      const lenient = await newChannel({ offlineRequiredFields: [] });
      expect((await submit({ channelId: lenient.id, email: null })).errors).toBeUndefined();
    });

    it('checks email syntax', async () => {
      for (const email of ['not-an-email', 'a@b', 'two@@example.com', 'spaces in@example.com']) await expectInvalid({ email }, 'email');
      const lenient = await newChannel({ offlineRequiredFields: [] });
      await expectInvalid({ email: 'still-checked-when-optional' }, 'email', lenient.id);
    });

    it('enforces lengths: name, company, country ≤ 100, phone ≤ 50, message 1–4000', async () => {
      await expectInvalid({ name: 'n'.repeat(101) }, 'name');
      await expectInvalid({ company: 'c'.repeat(101) }, 'company');
      await expectInvalid({ country: 'c'.repeat(101) }, 'country');
      await expectInvalid({ phone: '1'.repeat(51) }, 'phone');
      await expectInvalid({ message: 'm'.repeat(4001) }, 'message');
      await expectInvalid({ message: '' }, 'message');
      await expectInvalid({ message: ' \n\t ' }, 'message');
      await expectInvalid({ message: '\u0000\u0007' }, 'message');
      const atLimits = await submit({
        name: 'n'.repeat(100),
        company: 'c'.repeat(100),
        country: 'c'.repeat(100),
        phone: '1'.repeat(50),
        message: 'm'.repeat(4000),
      });
      expect(atLimits.errors).toBeUndefined();
    });

    it('strips control characters from the message (a NUL is refused before, like any string with one)', async () => {
      expect(errorOf(await submit({ message: 'a\u0000 nul' }))).toMatchObject({ code: 'VALIDATION', field: 'message' });
      const result = await submit({ message: 'Bell\u0007 and\u0001 nul\nkept newline' });
      const number = Number(result.data.submitOfflineForm.requestNumber.slice(2));
      const request = await prisma.request.findUniqueOrThrow({ where: { number } });
      expect(request.description).toBe('Bell and nul\nkept newline');
      expect(request.title).toBe('Bell and nul');
    });

    it('answers NOT_FOUND for an unknown channel, VALIDATION for a malformed one (an id inside an input)', async () => {
      expect(errorOf(await submit({ channelId: randomUUID() }))?.code).toBe('NOT_FOUND');
      expect(errorOf(await submit({ channelId: 'nope' }))).toMatchObject({ code: 'VALIDATION', field: 'channelId' });
    });
  });

  it('allows OFFLINE_FORM_LIMIT_PER_IP (here 3) submissions per client address per 10 minutes, then RATE_LIMITED with retryAfter', async () => {
    const ip = freshIp();
    // Rejected submissions count too, so the limit cannot be probed for free.
    expect(errorOf(await submit({ email: 'bad' }, { ip }))?.code).toBe('VALIDATION');
    for (let i = 0; i < 2; i++) expect((await submit({ message: `ok ${i}` }, { ip })).errors).toBeUndefined();
    const before = await prisma.chatSession.count();
    const limited = await submit({ message: 'one too many' }, { ip });
    expect(errorOf(limited)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(errorOf(limited)?.retryAfter).toBeGreaterThan(0);
    expect(errorOf(limited)?.retryAfter).toBeLessThanOrEqual(600);
    expect(await prisma.chatSession.count()).toBe(before);
    expect((await submit({ message: 'another address' })).errors).toBeUndefined();
  });

  describe('reading the request', () => {
    it('an agent can read it, with its display number', async () => {
      const { token } = await app.agentWithToken();
      const submitted = await submit({ name: 'Reader test', message: 'Please call me\nabout invoices' }, { query: SUBMIT_WITH_REQUEST, token });
      expect(submitted.errors).toBeUndefined();
      const { requestNumber, request } = submitted.data.submitOfflineForm;
      expect(request.displayNumber).toBe(requestNumber);
      expect(request.title).toBe('Please call me');

      const read = await app.gql(REQUEST, { id: request.id }, token);
      expect(read.errors).toBeUndefined();
      expect(read.data.request).toMatchObject({
        id: request.id,
        displayNumber: requestNumber,
        number: Number(requestNumber.slice(2)),
        title: 'Please call me',
        description: 'Please call me\nabout invoices',
        status: 'OPEN',
        priority: 'NORMAL',
        category: null,
        source: 'OFFLINE_FORM',
        requesterName: 'Reader test',
        requesterEmail: 'visitor@example.com',
        requesterPhone: null,
      });
    });

    it('an API token needs REQUESTS_READ: FORBIDDEN on request fields without it', async () => {
      const without = await app.services.auth.createApiToken({ name: 'chats only', scopes: ['CHATS_READ', 'REQUESTS_WRITE'], createdById: null });
      const withRead = await app.services.auth.createApiToken({ name: 'requests', scopes: ['REQUESTS_READ'], createdById: null });

      const denied = await submit({ message: 'From a script' }, { query: SUBMIT_WITH_REQUEST, token: without.token });
      expect(errorOf(denied)?.code).toBe('FORBIDDEN');
      expect(denied.errors![0]!.message).toMatch(/REQUESTS_READ/);
      expect(denied.errors!.every((e) => e.path?.[1] === 'request')).toBe(true);
      // The form itself went through; only the request's fields were withheld.
      expect(denied.data.submitOfflineForm.requestNumber).toMatch(/^R-\d+$/);

      const number = Number(denied.data.submitOfflineForm.requestNumber.slice(2));
      const { id } = await prisma.request.findUniqueOrThrow({ where: { number } });
      expect(errorOf(await app.gql(REQUEST, { id }, without.token))?.code).toBe('FORBIDDEN');
      const allowed = await app.gql(REQUEST, { id }, withRead.token);
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data.request.displayNumber).toBe(`R-${number}`);
    });

    it('anonymous and visitor callers see the number but not the request', async () => {
      const anonymous = await submit({ message: 'Anonymous' }, { query: SUBMIT_WITH_REQUEST });
      expect(errorOf(anonymous)?.code).toBe('UNAUTHENTICATED');
      expect(anonymous.data.submitOfflineForm.requestNumber).toMatch(/^R-\d+$/);
      const { token } = await app.services.auth.createVisitor();
      const visitor = await submit({ message: 'Visitor' }, { query: SUBMIT_WITH_REQUEST, token });
      expect(errorOf(visitor)?.code).toBe('FORBIDDEN');
      const { id } = await prisma.request.findFirstOrThrow();
      expect(errorOf(await app.gql(REQUEST, { id }, token))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(REQUEST, { id }))?.code).toBe('UNAUTHENTICATED');
    });

    it('answers NOT_FOUND for an unknown or malformed request id', async () => {
      const { token } = await app.agentWithToken();
      for (const id of [randomUUID(), 'R-1']) expect(errorOf(await app.gql(REQUEST, { id }, token))?.code).toBe('NOT_FOUND');
    });
  });
});

describe('createRequest', () => {
  const base = { title: 'From a script', source: 'API' as const };

  it('gives the number back when the surrounding transaction rolls back', async () => {
    const before = await nextNumber();
    let allocated = 0;
    await expect(
      prisma.$transaction(async (tx) => {
        allocated = (await app.services.requests.createRequest(base, tx)).number;
        throw new Error('failure after the number was allocated');
      }),
    ).rejects.toThrow('failure after the number was allocated');
    expect(allocated).toBe(before + 1);
    expect(await prisma.request.findUnique({ where: { number: allocated } })).toBeNull();
    expect(await nextNumber()).toBe(before + 1);
  });

  it('runs in a transaction of its own when given none', async () => {
    const before = await nextNumber();
    expect((await app.services.requests.createRequest(base)).number).toBe(before + 1);
    expect(await nextNumber()).toBe(before + 2);
  });

  it('is idempotent on externalId, also under concurrent calls, and uses one number', async () => {
    const before = await nextNumber();
    const externalId = `script-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 6 }, () => app.services.requests.createRequest({ ...base, externalId })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results[0]!.number).toBe(before + 1);
    expect(await app.services.requests.createRequest({ ...base, title: 'Different title', externalId })).toMatchObject({
      id: results[0]!.id,
      title: base.title,
    });
    expect(await prisma.request.count({ where: { externalId } })).toBe(1);
    expect(await nextNumber()).toBe(before + 2);
  });

  it('returns the existing request for a duplicate externalId without aborting the caller’s transaction', async () => {
    const externalId = `script-${randomUUID()}`;
    const first = await app.services.requests.createRequest({ ...base, externalId });
    const before = await nextNumber();
    const [duplicate, other] = await prisma.$transaction(async (tx) => [
      await app.services.requests.createRequest({ ...base, externalId }, tx),
      await app.services.requests.createRequest({ ...base, title: 'Second in the same transaction' }, tx),
    ]);
    expect(duplicate.id).toBe(first.id);
    expect(other.number).toBe(before + 1);
  });

  it('returns the existing request when another writer inserts the same externalId concurrently', async () => {
    const externalId = `raw-${randomUUID()}`;
    let releaseWriter!: () => void;
    const writerMayCommit = new Promise<void>((resolve) => (releaseWriter = resolve));
    let writerInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (writerInserted = resolve));
    // A writer that bypasses the counter, holding its uncommitted row while createRequest runs.
    const writer = prisma.$transaction(async (tx) => {
      const row = await tx.request.create({ data: { number: 1_000_000, title: 'Raw insert', source: 'API', externalId } });
      writerInserted();
      await writerMayCommit;
      return row;
    });
    await inserted;
    const racing = app.services.requests.createRequest({ ...base, externalId });
    setTimeout(releaseWriter, 300);
    const [raw, result] = await Promise.all([writer, racing]);
    expect(result.id).toBe(raw.id);
    await prisma.request.delete({ where: { id: raw.id } });
  });

  it('validates its input, naming the field', async () => {
    const cases: [Partial<NewRequestInput>, string][] = [
      [{ title: ' ' }, 'title'],
      [{ title: 't'.repeat(201) }, 'title'],
      [{ requesterEmail: 'nope' }, 'requesterEmail'],
      [{ externalId: 'x'.repeat(201) }, 'externalId'],
      [{ contactId: 'not-a-uuid' }, 'contactId'],
    ];
    for (const [input, field] of cases) {
      await expect(app.services.requests.createRequest({ ...base, ...input })).rejects.toMatchObject({ extensions: { code: 'VALIDATION', field } });
    }
    await expect(app.services.requests.createRequest({ ...base, contactId: randomUUID() })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });
});
