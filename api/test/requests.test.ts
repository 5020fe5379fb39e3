import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../src/generated/prisma/client';
import { REQUEST_LIMITS, buildChatLog, type ChatLogMessage } from '../src/modules/crm/requests.service';
import { CHAT_EVENTS, NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { apiToken, dataOf, errorOf, startCrmTestApp } from './crm-fixtures';
import { subscribe, type TestApp } from './harness';

const CREATE = `mutation($input: CreateRequestInput!) {
  createRequest(input: $input) { created requestId requestNumber request { id number displayNumber title source status priority category externalId requesterEmail createdByAgent { id } contact { id } } }
}`;
const CREATE_BARE = `mutation($input: CreateRequestInput!) { createRequest(input: $input) { created requestId requestNumber } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateRequestInput!) {
  updateRequest(id: $id, input: $input) { id title description status priority category contact { id } company { id } }
}`;
const REQUESTS = `query($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) { edges { node { displayNumber title } } pageInfo { hasNextPage endCursor } }
}`;
const FROM_CHAT = `mutation($sessionId: ID!, $input: CreateRequestFromChatInput) {
  createRequestFromChat(sessionId: $sessionId, input: $input) {
    readyMessage
    request { id number displayNumber title description source priority category requesterName requesterEmail requesterPhone chatLog sourceSessionId contact { id } company { id } createdByAgent { id } }
  }
}`;

let app: TestApp;
let prisma: PrismaClient;
let agent: { token: string; agent: { id: string } };

beforeAll(async () => {
  app = await startCrmTestApp();
  prisma = app.services.prisma;
  agent = await app.agentWithToken();
});
afterAll(() => app?.stop());

const maxNumber = async () => (await prisma.request.aggregate({ _max: { number: true } }))._max.number ?? 0;

describe('createRequest', () => {
  it('agents create CONSOLE requests, scripts with REQUESTS_WRITE create API requests, numbered R-n', async () => {
    const before = await maxNumber();
    const byAgent = dataOf(await app.gql(CREATE, { input: { title: 'Printer on fire', priority: 'URGENT', category: 'Hardware' } }, agent.token)).createRequest;
    expect(byAgent).toMatchObject({
      created: true,
      requestNumber: `R-${before + 1}`,
      request: {
        number: before + 1,
        displayNumber: `R-${before + 1}`,
        source: 'CONSOLE',
        status: 'OPEN',
        priority: 'URGENT',
        category: 'Hardware',
        createdByAgent: { id: agent.agent.id },
      },
    });

    const script = await apiToken(app, 'REQUESTS_WRITE', 'REQUESTS_READ');
    const byScript = dataOf(await app.gql(CREATE, { input: { title: 'From a script', requesterEmail: 'Someone@Example.com' } }, script)).createRequest;
    expect(byScript).toMatchObject({
      created: true,
      requestNumber: `R-${before + 2}`,
      request: { source: 'API', priority: 'NORMAL', requesterEmail: 'someone@example.com', createdByAgent: null },
    });
    const row = await prisma.request.findUniqueOrThrow({ where: { id: byScript.requestId } });
    expect(row.apiTokenId).not.toBeNull();
  });

  it('is idempotent on externalId: a repeat returns the existing request (created: false) and uses no number', async () => {
    const script = await apiToken(app, 'REQUESTS_WRITE');
    const externalId = `crm-${randomUUID()}`;
    const first = dataOf(await app.gql(CREATE_BARE, { input: { title: 'Imported', externalId } }, script)).createRequest;
    expect(first.created).toBe(true);
    const again = dataOf(await app.gql(CREATE_BARE, { input: { title: 'Imported, edited title', externalId } }, script)).createRequest;
    expect(again).toEqual({ ...first, created: false });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => app.gql(CREATE_BARE, { input: { title: 'Race', externalId } }, script)));
    for (const result of concurrent) expect(dataOf(result).createRequest).toEqual({ ...first, created: false });
    expect(await prisma.request.count({ where: { externalId } })).toBe(1);

    const next = dataOf(await app.gql(CREATE_BARE, { input: { title: 'Next one' } }, script)).createRequest;
    expect(next.requestNumber).toBe(`R-${Number(first.requestNumber.slice(2)) + 1}`);
  });

  it('validates every field, naming it, and a rejected create uses no number', async () => {
    const before = await maxNumber();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '  ' }, 'title'],
      [{ title: 't'.repeat(REQUEST_LIMITS.title + 1) }, 'title'],
      [{ title: 'x', description: 'd'.repeat(REQUEST_LIMITS.description + 1) }, 'description'],
      [{ title: 'x', category: 'c'.repeat(REQUEST_LIMITS.category + 1) }, 'category'],
      [{ title: 'x', externalId: 'e'.repeat(REQUEST_LIMITS.externalId + 1) }, 'externalId'],
      [{ title: 'x', requesterName: 'n'.repeat(REQUEST_LIMITS.requesterName + 1) }, 'requesterName'],
      [{ title: 'x', requesterPhone: '1'.repeat(REQUEST_LIMITS.requesterPhone + 1) }, 'requesterPhone'],
      [{ title: 'x', requesterEmail: 'nope' }, 'requesterEmail'],
      [{ title: 'x', contactId: 'not-a-uuid' }, 'contactId'],
      [{ title: 'x', companyId: 'not-a-uuid' }, 'companyId'],
    ];
    for (const [input, field] of cases) expect(errorOf(await app.gql(CREATE_BARE, { input }, agent.token)), field).toMatchObject({ code: 'VALIDATION', field });
    expect(errorOf(await app.gql(CREATE_BARE, { input: { title: 'x', contactId: randomUUID() } }, agent.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(CREATE_BARE, { input: { title: 'x', companyId: randomUUID() } }, agent.token))?.code).toBe('NOT_FOUND');
    expect(await maxNumber()).toBe(before);

    const atLimits = {
      title: 't'.repeat(REQUEST_LIMITS.title),
      description: 'd'.repeat(REQUEST_LIMITS.description),
      category: 'c'.repeat(REQUEST_LIMITS.category),
      externalId: `e${randomUUID()}`.padEnd(REQUEST_LIMITS.externalId, 'e'),
      requesterName: 'n'.repeat(REQUEST_LIMITS.requesterName),
      requesterPhone: '1'.repeat(REQUEST_LIMITS.requesterPhone),
    };
    expect(dataOf(await app.gql(CREATE_BARE, { input: atLimits }, agent.token)).createRequest.requestNumber).toBe(`R-${before + 1}`);
  });

  it('authorization: agents or REQUESTS_WRITE; the payload’s request needs REQUESTS_READ, its id and number do not', async () => {
    expect(errorOf(await app.gql(CREATE_BARE, { input: { title: 'x' } }))?.code).toBe('UNAUTHENTICATED');
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const { visitorToken } = await startChat(app, channel.id);
    expect(errorOf(await app.gql(CREATE_BARE, { input: { title: 'x' } }, visitorToken))?.code).toBe('FORBIDDEN');
    const readOnly = await apiToken(app, 'REQUESTS_READ', 'CONTACTS_WRITE', 'CHATS_READ');
    const denied = await app.gql(CREATE_BARE, { input: { title: 'x' } }, readOnly);
    expect(errorOf(denied)?.code).toBe('FORBIDDEN');
    expect(denied.errors![0]!.message).toContain('REQUESTS_WRITE');

    const writeOnly = await apiToken(app, 'REQUESTS_WRITE');
    const result = await app.gql(
      `mutation($input: CreateRequestInput!) { createRequest(input: $input) { requestNumber request { title } } }`,
      { input: { title: 'Blind write' } },
      writeOnly,
    );
    expect(result.data?.createRequest).toEqual({ requestNumber: expect.stringMatching(/^R-\d+$/), request: null });
    expect(errorOf(result)?.code).toBe('FORBIDDEN');
    expect(await prisma.request.count({ where: { title: 'Blind write' } })).toBe(1);
  });
});

describe('updateRequest and requests', () => {
  it('changes status, priority, texts and links; omitted fields stay and null clears', async () => {
    const created = dataOf(await app.gql(CREATE, { input: { title: 'To update', category: 'Billing', description: 'Original' } }, agent.token)).createRequest;
    const firm = await prisma.company.create({ data: { name: 'Request Firm' } });
    const person = await prisma.contact.create({ data: { lastName: 'Requester', companyId: firm.id } });
    const updated = dataOf(
      await app.gql(
        UPDATE,
        { id: created.requestId, input: { status: 'IN_PROGRESS', priority: 'HIGH', category: null, contactId: person.id, companyId: firm.id } },
        agent.token,
      ),
    ).updateRequest;
    expect(updated).toEqual({
      id: created.requestId,
      title: 'To update',
      description: 'Original',
      status: 'IN_PROGRESS',
      priority: 'HIGH',
      category: null,
      contact: { id: person.id },
      company: { id: firm.id },
    });
    const cleared = dataOf(await app.gql(UPDATE, { id: created.requestId, input: { contactId: null, title: 'Renamed' } }, agent.token)).updateRequest;
    expect(cleared).toMatchObject({ title: 'Renamed', contact: null, company: { id: firm.id } });

    expect(errorOf(await app.gql(UPDATE, { id: created.requestId, input: { title: '' } }, agent.token))).toMatchObject({ code: 'VALIDATION', field: 'title' });
    expect(errorOf(await app.gql(UPDATE, { id: created.requestId, input: { category: 'c'.repeat(101) } }, agent.token))).toMatchObject({
      code: 'VALIDATION',
      field: 'category',
    });
    expect(errorOf(await app.gql(UPDATE, { id: created.requestId, input: { contactId: randomUUID() } }, agent.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(UPDATE, { id: randomUUID(), input: { title: 'x' } }, agent.token))?.code).toBe('NOT_FOUND');

    const reader = await apiToken(app, 'REQUESTS_READ');
    expect(errorOf(await app.gql(UPDATE, { id: created.requestId, input: { status: 'CLOSED' } }, reader))?.code).toBe('FORBIDDEN');
    const writer = await apiToken(app, 'REQUESTS_WRITE', 'REQUESTS_READ');
    const CLOSE = `mutation($id: ID!) { updateRequest(id: $id, input: { status: CLOSED }) { status } }`;
    expect(dataOf(await app.gql(CLOSE, { id: created.requestId }, writer)).updateRequest.status).toBe('CLOSED');
  });

  it('lists newest first, filters, finds by number or title words, pages; readers need REQUESTS_READ', async () => {
    const tag = randomUUID().slice(0, 8);
    const made = [];
    for (const [title, priority] of [
      [`Alpha ${tag} modem`, 'LOW'],
      [`Beta ${tag} modem`, 'HIGH'],
      [`Gamma ${tag} router`, 'HIGH'],
    ] as const)
      made.push(dataOf(await app.gql(CREATE_BARE, { input: { title, priority } }, agent.token)).createRequest.requestNumber);
    const titles = async (filter: Record<string, unknown>, token = agent.token) =>
      dataOf(await app.gql(REQUESTS, { filter }, token)).requests.edges.map((e: any) => e.node.title);

    expect(await titles({ search: tag })).toEqual([`Gamma ${tag} router`, `Beta ${tag} modem`, `Alpha ${tag} modem`]);
    expect(await titles({ search: `MODEM ${tag}` })).toEqual([`Beta ${tag} modem`, `Alpha ${tag} modem`]);
    expect(await titles({ search: `${tag}`, priority: ['HIGH'] })).toEqual([`Gamma ${tag} router`, `Beta ${tag} modem`]);
    expect(await titles({ search: made[0] })).toEqual([`Alpha ${tag} modem`]);
    expect(await titles({ search: made[1]!.slice(2) })).toContain(`Beta ${tag} modem`);
    expect(await titles({ search: tag, status: ['CLOSED'] })).toEqual([]);
    expect(await titles({ search: tag, source: ['CONSOLE'] })).toHaveLength(3);

    const page1 = dataOf(await app.gql(REQUESTS, { filter: { search: tag }, first: 2 }, agent.token)).requests;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = dataOf(await app.gql(REQUESTS, { filter: { search: tag }, first: 2, after: page1.pageInfo.endCursor }, agent.token)).requests;
    expect(page2.edges.map((e: any) => e.node.title)).toEqual([`Alpha ${tag} modem`]);
    expect(errorOf(await app.gql(REQUESTS, { first: 101 }, agent.token))).toMatchObject({ code: 'VALIDATION', field: 'first' });
    expect(errorOf(await app.gql(REQUESTS, { filter: { search: 's'.repeat(201) } }, agent.token))).toMatchObject({
      code: 'VALIDATION',
      field: 'filter.search',
    });
    expect(errorOf(await app.gql(REQUESTS, { filter: { contactId: 'x' } }, agent.token))).toMatchObject({ code: 'VALIDATION', field: 'filter.contactId' });

    expect(await titles({ search: tag }, await apiToken(app, 'REQUESTS_READ'))).toHaveLength(3);
    expect(errorOf(await app.gql(REQUESTS, {}, await apiToken(app, 'REQUESTS_WRITE', 'CONTACTS_READ')))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(REQUESTS, {}))?.code).toBe('UNAUTHENTICATED');
  });

  it('a request’s contact needs CONTACTS_READ besides REQUESTS_READ', async () => {
    const person = await prisma.contact.create({ data: { lastName: 'Behind scope' } });
    const { requestId } = dataOf(await app.gql(CREATE_BARE, { input: { title: 'Linked', contactId: person.id } }, agent.token)).createRequest;
    const QUERY = `query($id: ID!) { request(id: $id) { title contact { lastName } } }`;
    const requestsOnly = await app.gql(QUERY, { id: requestId }, await apiToken(app, 'REQUESTS_READ'));
    expect(requestsOnly.data?.request.title).toBe('Linked');
    expect(errorOf(requestsOnly)?.code).toBe('FORBIDDEN');
    expect(dataOf(await app.gql(QUERY, { id: requestId }, await apiToken(app, 'REQUESTS_READ', 'CONTACTS_READ'))).request.contact.lastName).toBe(
      'Behind scope',
    );
  });
});

describe('createRequestFromChat', () => {
  async function activeChat() {
    const { channel, agents } = await channelWithAgents(app, { owner: { canRespond: true } });
    const owner = agents.owner!;
    const chat = await startChat(app, channel.id, 'My invoice is wrong\nIt says 300 instead of 200.', {
      name: 'Vera Visitor',
      email: 'vera@example.com',
      phone: '+47 11 22 33 44',
    });
    expect(dataOf(await app.gql(NEXT, { ids: [channel.id] }, owner.token)).getNextInQueue.id).toBe(chat.sessionId);
    dataOf(await send(app, owner.token, chat.sessionId, 'Let me check that.\nOne moment.'));
    return { channel, owner, ...chat };
  }

  it('attaches the chat log, links the chat’s contact, and returns the ready message', async () => {
    const { channel, owner, sessionId } = await activeChat();
    const firm = await prisma.company.create({ data: { name: 'Vera Corp' } });
    const person = await prisma.contact.create({ data: { firstName: 'Vera', lastName: 'Visitor', companyId: firm.id } });
    dataOf(await app.gql(`mutation($s: ID!, $c: ID) { linkChatToContact(sessionId: $s, contactId: $c) { id } }`, { s: sessionId, c: person.id }, owner.token));
    // An agents-only system message, as a rejected transfer leaves.
    await prisma.$transaction((tx) =>
      app.services.chats.appendMessage(
        tx,
        { id: sessionId },
        { authorKind: 'SYSTEM', systemType: 'TRANSFER_REJECTED', body: 'Agent X declined the transfer.', clientMessageId: null, audience: 'AGENTS' },
      ),
    );

    const before = await maxNumber();
    const result = dataOf(await app.gql(FROM_CHAT, { sessionId, input: { priority: 'HIGH', category: 'Billing' } }, owner.token)).createRequestFromChat;
    const { request } = result;
    expect(result.readyMessage).toBe(`Your request number is R-${before + 1}.`);
    expect(request).toMatchObject({
      number: before + 1,
      title: 'My invoice is wrong',
      description: '',
      source: 'CHAT',
      priority: 'HIGH',
      category: 'Billing',
      requesterName: 'Vera Visitor',
      requesterEmail: 'vera@example.com',
      requesterPhone: '+47 11 22 33 44',
      sourceSessionId: sessionId,
      contact: { id: person.id },
      company: { id: firm.id },
      createdByAgent: { id: owner.agent.id },
    });

    const log: string = request.chatLog;
    const stamp = String.raw`\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\]`;
    expect(log).toContain(`Chat on ${channel.name}`);
    expect(log).toContain('Visitor: Vera Visitor <vera@example.com>');
    expect(log).toMatch(new RegExp(`${stamp} Vera Visitor \\(visitor\\): My invoice is wrong\\n    It says 300 instead of 200\\.`));
    expect(log).toMatch(new RegExp(`${stamp} ${owner.agent.name} \\(agent\\): Let me check that\\.\\n    One moment\\.`));
    expect(log).toMatch(new RegExp(`${stamp} System: Hi! How can we help you\\?`));
    expect(log).toMatch(new RegExp(`${stamp} System \\[agents only\\]: Agent X declined the transfer\\.`));
    const order = ['My invoice is wrong', 'Hi! How can we help you?', 'Let me check that.', 'Agent X declined the transfer.'].map((text) => log.indexOf(text));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('puts an agents-only REQUEST_CREATED message in the chat: agents see it live, the visitor never', async () => {
    const { owner, sessionId, visitorToken } = await activeChat();
    const agentFeed = subscribe(app.ws(`Bearer ${owner.token}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const visitorFeed = subscribe(app.ws(`Bearer ${visitorToken}`), CHAT_EVENTS, { id: sessionId, after: 0 });
    const { request } = dataOf(await app.gql(FROM_CHAT, { sessionId, input: { title: 'Custom title' } }, owner.token)).createRequestFromChat;
    expect(request.title).toBe('Custom title');

    const event = await agentFeed.waitFor((e) => e.chatEvents.message?.systemType === 'REQUEST_CREATED');
    expect(event.chatEvents.message.body).toBe(`Request ${request.displayNumber} was created from this chat: Custom title`);

    const visitorMessage = dataOf(await send(app, visitorToken, sessionId, 'Thanks!')).sendMessage;
    await visitorFeed.waitFor((e) => e.chatEvents.cursor === visitorMessage.cursor);
    expect(visitorFeed.values().some((e) => e.chatEvents.message?.systemType === 'REQUEST_CREATED')).toBe(false);
    agentFeed.stop();
    visitorFeed.stop();

    const MESSAGES = `query($id: ID!) { chatSession(id: $id) { unreadCount messages { messages { systemType body } } } }`;
    const visitorView = dataOf(await app.gql(MESSAGES, { id: sessionId }, visitorToken)).chatSession;
    expect(visitorView.messages.messages.map((m: any) => m.systemType)).not.toContain('REQUEST_CREATED');
    const agentView = dataOf(await app.gql(MESSAGES, { id: sessionId }, owner.token)).chatSession;
    expect(agentView.messages.messages.map((m: any) => m.systemType)).toContain('REQUEST_CREATED');
  });

  it('only agents who can read the chat; a rejected request uses no number and leaves the chat alone', async () => {
    const { owner, sessionId, visitorToken } = await activeChat();
    const outsider = await app.agentWithToken();
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId }, outsider.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId }, visitorToken))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId }, await apiToken(app, 'REQUESTS_WRITE', 'CHATS_READ')))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId }))?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: randomUUID() }, owner.token))?.code).toBe('NOT_FOUND');

    const before = await maxNumber();
    const seq = (await prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq;
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId, input: { title: 't'.repeat(201) } }, owner.token))).toMatchObject({
      code: 'VALIDATION',
      field: 'title',
    });
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId, input: { contactId: randomUUID() } }, owner.token))?.code).toBe('NOT_FOUND');
    expect(await maxNumber()).toBe(before);
    expect((await prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).lastEventSeq).toBe(seq);
    expect(dataOf(await app.gql(FROM_CHAT, { sessionId }, owner.token)).createRequestFromChat.request.number).toBe(before + 1);
  });
});

describe('buildChatLog', () => {
  const session = { id: 's-1', requestedAt: new Date('2026-01-02T03:04:05Z'), channel: { name: 'Support' }, visitor: { name: null, email: null } };
  const message = (i: number): ChatLogMessage => ({
    createdAt: new Date(Date.UTC(2026, 0, 2, 3, 5, i)),
    authorKind: i % 2 ? 'AGENT' : 'VISITOR',
    systemType: null,
    body: `message number ${i}`,
    agent: i % 2 ? { name: 'Ann Agent', nickname: 'Ann' } : null,
    attachments: i === 2 ? [{ fileName: 'invoice.pdf', size: 1234 }] : [],
  });

  it('names anonymous visitors "Visitor", agents by name and nickname, and lists files', () => {
    const log = buildChatLog(session, [0, 1, 2].map(message));
    expect(log).toBe(
      [
        'Chat on Support, requested 2026-01-02 03:04:05 UTC (session s-1)',
        'Visitor: Visitor',
        '',
        '[2026-01-02 03:05:00 UTC] Visitor (visitor): message number 0',
        '[2026-01-02 03:05:01 UTC] Ann Agent "Ann" (agent): message number 1',
        '[2026-01-02 03:05:02 UTC] Visitor (visitor): message number 2\n    [file: invoice.pdf, 1234 bytes]',
      ].join('\n'),
    );
  });

  it('stays within the limit, keeping the first messages and saying how many were left out', () => {
    const messages = Array.from({ length: 50 }, (_, i) => message(i));
    const full = buildChatLog(session, messages);
    const limited = buildChatLog(session, messages, 800);
    expect(limited.length).toBeLessThanOrEqual(800);
    expect(limited).toContain('message number 0');
    expect(limited).not.toContain('message number 49');
    const shown = limited.split('\n').filter((line) => line.startsWith('[2026')).length;
    expect(limited).toContain(`[… ${50 - shown} more messages not included: the log is limited to 800 characters]`);
    expect(full.startsWith(limited.slice(0, limited.lastIndexOf('\n[…')))).toBe(true);
    expect(buildChatLog(session, messages, full.length)).toBe(full);
  });
});
