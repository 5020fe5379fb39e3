import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../src/generated/prisma/client';
import { CHAT_EVENTS, channelWithAgents, startChat } from './chat-fixtures';
import { apiToken, dataOf, errorOf, startCrmTestApp } from './crm-fixtures';
import { subscribe, type TestApp } from './harness';

const CONTACT_FIELDS = `id firstName lastName name email phone title country company { id name }`;
const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { ${CONTACT_FIELDS} } }`;
const UPDATE_CONTACT = `mutation($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { ${CONTACT_FIELDS} } }`;
const DELETE_CONTACT = `mutation($id: ID!) { deleteContact(id: $id) }`;
const CONTACT = `query($id: ID!) { contact(id: $id) { ${CONTACT_FIELDS} } }`;
const CONTACTS = `query($search: String, $companyId: ID, $first: Int, $after: String) {
  contacts(search: $search, companyId: $companyId, first: $first, after: $after) {
    edges { cursor node { id name } } pageInfo { hasNextPage endCursor }
  }
}`;
const CREATE_COMPANY = `mutation($input: CreateCompanyInput!) { createCompany(input: $input) { id name domain phone country } }`;
const UPDATE_COMPANY = `mutation($id: ID!, $input: UpdateCompanyInput!) { updateCompany(id: $id, input: $input) { id name domain phone country } }`;
const DELETE_COMPANY = `mutation($id: ID!) { deleteCompany(id: $id) }`;
const COMPANIES = `query($search: String) { companies(search: $search) { edges { node { id name } } } }`;
const SUGGESTIONS = `query($sessionId: ID!, $first: Int) {
  contactSuggestions(sessionId: $sessionId, first: $first) { matchedBy score contact { id name email } }
}`;
const LINK = `mutation($sessionId: ID!, $contactId: ID) {
  linkChatToContact(sessionId: $sessionId, contactId: $contactId) { id lastEventSeq contact { id } company { id } }
}`;
const FROM_CHAT = `mutation($sessionId: ID!, $input: CreateContactFromChatInput) {
  createContactFromChat(sessionId: $sessionId, input: $input) {
    contact { ${CONTACT_FIELDS} } company { id name country } session { id contact { id } company { id } }
  }
}`;

let app: TestApp;
let prisma: PrismaClient;
let agentToken: string;

beforeAll(async () => {
  app = await startCrmTestApp();
  prisma = app.services.prisma;
  agentToken = (await app.agentWithToken()).token;
});
afterAll(() => app?.stop());

async function contact(input: Record<string, unknown>, token = agentToken) {
  return dataOf(await app.gql(CREATE_CONTACT, { input }, token)).createContact;
}
async function company(input: Record<string, unknown>, token = agentToken) {
  return dataOf(await app.gql(CREATE_COMPANY, { input }, token)).createCompany;
}

describe('contacts and companies: CRUD', () => {
  it('creates, reads, updates (omitted fields stay, null clears) and deletes a contact', async () => {
    const acme = await company({ name: 'Acme AS', domain: 'ACME.example', country: 'Norway' });
    expect(acme).toMatchObject({ name: 'Acme AS', domain: 'acme.example', country: 'Norway', phone: null });
    const created = await contact({ firstName: ' Kari ', lastName: 'Nordmann', email: 'Kari@Example.COM', phone: '+47 1234', companyId: acme.id });
    expect(created).toMatchObject({
      firstName: 'Kari',
      lastName: 'Nordmann',
      name: 'Kari Nordmann',
      email: 'kari@example.com',
      phone: '+47 1234',
      title: null,
      company: { id: acme.id, name: 'Acme AS' },
    });
    expect(dataOf(await app.gql(CONTACT, { id: created.id }, agentToken)).contact).toEqual(created);

    const updated = dataOf(await app.gql(UPDATE_CONTACT, { id: created.id, input: { title: 'CTO', phone: null, companyId: null } }, agentToken)).updateContact;
    expect(updated).toMatchObject({ firstName: 'Kari', email: 'kari@example.com', title: 'CTO', phone: null, company: null });

    expect(dataOf(await app.gql(DELETE_CONTACT, { id: created.id }, agentToken)).deleteContact).toBe(created.id);
    expect(errorOf(await app.gql(CONTACT, { id: created.id }, agentToken))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(DELETE_CONTACT, { id: created.id }, agentToken))?.code).toBe('NOT_FOUND');
  });

  it('updates and deletes a company; its contacts stay, without a company', async () => {
    const c = await company({ name: 'Short-lived Ltd' });
    const member = await contact({ lastName: 'Employee', companyId: c.id });
    const updated = dataOf(await app.gql(UPDATE_COMPANY, { id: c.id, input: { phone: '+1 555', domain: null } }, agentToken)).updateCompany;
    expect(updated).toMatchObject({ name: 'Short-lived Ltd', phone: '+1 555', domain: null });
    expect(dataOf(await app.gql(DELETE_COMPANY, { id: c.id }, agentToken)).deleteCompany).toBe(c.id);
    expect(dataOf(await app.gql(CONTACT, { id: member.id }, agentToken)).contact.company).toBeNull();
  });

  it('validates input, naming the field, and enforces every length limit', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'lastName'],
      [{ firstName: '  ', lastName: '' }, 'lastName'],
      [{ lastName: 'x', email: 'not-an-email' }, 'email'],
      [{ firstName: 'f'.repeat(101) }, 'firstName'],
      [{ lastName: 'l'.repeat(101) }, 'lastName'],
      [{ lastName: 'x', phone: '1'.repeat(51) }, 'phone'],
      [{ lastName: 'x', title: 't'.repeat(101) }, 'title'],
      [{ lastName: 'x', country: 'c'.repeat(101) }, 'country'],
      [{ lastName: 'x', companyId: 'nope' }, 'companyId'],
      [{ lastName: 'x', email: `${'e'.repeat(243)}@example.com` }, 'email'],
    ];
    for (const [input, field] of cases)
      expect(errorOf(await app.gql(CREATE_CONTACT, { input }, agentToken)), JSON.stringify(input)).toMatchObject({ code: 'VALIDATION', field });
    // Exactly at the limits is fine; an email alone is enough.
    await contact({ firstName: 'f'.repeat(100), lastName: 'l'.repeat(100), phone: '1'.repeat(50), title: 't'.repeat(100), country: 'c'.repeat(100) });
    await contact({ email: 'only-email@example.com' });
    expect(errorOf(await app.gql(CREATE_CONTACT, { input: { lastName: 'x', companyId: randomUUID() } }, agentToken))?.code).toBe('NOT_FOUND');

    const emailOnly = await contact({ email: 'keeps-a-name@example.com' });
    expect(errorOf(await app.gql(UPDATE_CONTACT, { id: emailOnly.id, input: { email: null } }, agentToken))).toMatchObject({
      code: 'VALIDATION',
      field: 'lastName',
    });
    expect(errorOf(await app.gql(UPDATE_CONTACT, { id: randomUUID(), input: { title: 'x' } }, agentToken))?.code).toBe('NOT_FOUND');

    const companyCases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'name'],
      [{ name: 'n'.repeat(201) }, 'name'],
      [{ name: 'x', domain: 'not a domain' }, 'domain'],
      [{ name: 'x', domain: `${'d'.repeat(250)}.com` }, 'domain'],
      [{ name: 'x', phone: '1'.repeat(51) }, 'phone'],
      [{ name: 'x', country: 'c'.repeat(101) }, 'country'],
    ];
    for (const [input, field] of companyCases)
      expect(errorOf(await app.gql(CREATE_COMPANY, { input }, agentToken)), JSON.stringify(input)).toMatchObject({ code: 'VALIDATION', field });
    await company({ name: 'n'.repeat(200), phone: '1'.repeat(50), country: 'c'.repeat(100) });
  });
});

describe('search', () => {
  let searchCompany: { id: string };
  beforeAll(async () => {
    searchCompany = await company({ name: 'Zyxwv Search Corp', domain: 'zyxwv.example' });
    await contact({ firstName: 'Jonathan', lastName: 'Smithsonian', email: 'jsmith@zyxwv.example', companyId: searchCompany.id });
    await contact({ firstName: 'Jonas', lastName: 'Qwertyson', phone: '+47 99887766' });
    await contact({ firstName: 'Alice', lastName: 'Qwertyson', companyId: searchCompany.id });
  });
  const names = async (variables: Record<string, unknown>) =>
    dataOf(await app.gql(CONTACTS, variables, agentToken)).contacts.edges.map((e: any) => e.node.name);

  it('every word must match a name, email, phone or company name, case-insensitively', async () => {
    expect(await names({ search: 'jon SMITHS' })).toEqual(['Jonathan Smithsonian']);
    expect(await names({ search: 'qwertyson' })).toEqual(['Alice Qwertyson', 'Jonas Qwertyson']);
    expect(await names({ search: 'zyxwv' })).toEqual(['Alice Qwertyson', 'Jonathan Smithsonian']);
    expect(await names({ search: '99887766' })).toEqual(['Jonas Qwertyson']);
    expect(await names({ search: 'jsmith@zyx' })).toEqual(['Jonathan Smithsonian']);
    expect(await names({ search: 'qwertyson', companyId: searchCompany.id })).toEqual(['Alice Qwertyson']);
    expect(await names({ search: 'nobody-matches-this' })).toEqual([]);
    // Only the first 5 words count: a sixth that matches nothing is ignored.
    expect(await names({ search: 'jon smiths zyxwv jsmith example nobody-matches-this' })).toEqual(['Jonathan Smithsonian']);
    expect(await names({ search: 'nobody-matches-this jon smiths zyxwv jsmith example' })).toEqual([]);
  });

  it('pages with first/after; more than 100 or a too-long search is a VALIDATION error', async () => {
    const first = dataOf(await app.gql(CONTACTS, { search: 'qwertyson', first: 1 }, agentToken)).contacts;
    expect(first.edges.map((e: any) => e.node.name)).toEqual(['Alice Qwertyson']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = dataOf(await app.gql(CONTACTS, { search: 'qwertyson', first: 1, after: first.pageInfo.endCursor }, agentToken)).contacts;
    expect(second.edges.map((e: any) => e.node.name)).toEqual(['Jonas Qwertyson']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    expect(errorOf(await app.gql(CONTACTS, { first: 101 }, agentToken))).toMatchObject({ code: 'VALIDATION', field: 'first' });
    expect(errorOf(await app.gql(CONTACTS, { search: 'x'.repeat(201) }, agentToken))).toMatchObject({ code: 'VALIDATION', field: 'search' });
    expect((await app.gql(CONTACTS, { search: 'x'.repeat(200), first: 100 }, agentToken)).errors).toBeUndefined();
  });

  it('finds companies by name or domain', async () => {
    const found = dataOf(await app.gql(COMPANIES, { search: 'ZYXWV.exa' }, agentToken)).companies.edges.map((e: any) => e.node.id);
    expect(found).toEqual([searchCompany.id]);
  });
});

describe('a contact’s connections', () => {
  const PANEL = `query($id: ID!, $first: Int) { contact(id: $id) {
    requests(first: $first) { totalCount edges { node { displayNumber } } pageInfo { hasNextPage } }
    sales(first: $first) { totalCount edges { node { title amount } } }
    followUps(first: $first) { totalCount edges { node { title done } } }
    chatSessions(first: $first) { totalCount edges { node { id } } }
  } }`;

  it('exposes requests, sales, follow-ups and earlier chats, each paginated with a total', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const person = await contact({ firstName: 'Panel', lastName: 'Person' });
    const sessions: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { sessionId } = await startChat(app, channel.id, `Chat ${i}`);
      await prisma.chatSession.update({ where: { id: sessionId }, data: { contactId: person.id, requestedAt: new Date(Date.now() - (3 - i) * 60_000) } });
      sessions.push(sessionId);
    }
    for (let i = 0; i < 3; i++)
      await app.gql(
        `mutation($input: CreateRequestInput!) { createRequest(input: $input) { created } }`,
        { input: { title: `Request ${i}`, contactId: person.id } },
        agentToken,
      );
    await prisma.sale.create({ data: { title: 'Big deal', amount: '1499.5', contactId: person.id } });
    await prisma.followUp.createMany({
      data: [
        { title: 'Call back', dueAt: new Date(Date.now() + 86_400_000), contactId: person.id },
        { title: 'Done already', dueAt: new Date(Date.now() - 86_400_000), done: true, contactId: person.id },
      ],
    });

    const panel = dataOf(await app.gql(PANEL, { id: person.id, first: 2 }, agents.member!.token)).contact;
    expect(panel.requests.totalCount).toBe(3);
    expect(panel.requests.edges).toHaveLength(2);
    expect(panel.requests.pageInfo.hasNextPage).toBe(true);
    expect(panel.sales).toEqual({ totalCount: 1, edges: [{ node: { title: 'Big deal', amount: '1499.50' } }] });
    expect(panel.followUps.edges.map((e: any) => e.node)).toEqual([
      { title: 'Call back', done: false },
      { title: 'Done already', done: true },
    ]);
    expect(panel.chatSessions.totalCount).toBe(3);
    expect(panel.chatSessions.edges.map((e: any) => e.node.id)).toEqual([sessions[2], sessions[1]]);

    // An agent outside the channel sees none of its chats; an admin sees all of them.
    const outsider = await app.agentWithToken();
    const outsiderView = dataOf(await app.gql(PANEL, { id: person.id, first: 10 }, outsider.token)).contact;
    expect(outsiderView.chatSessions).toEqual({ totalCount: 0, edges: [] });
    expect(outsiderView.requests.totalCount).toBe(3);
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    expect(dataOf(await app.gql(PANEL, { id: person.id, first: 10 }, admin.token)).contact.chatSessions.totalCount).toBe(3);

    const tooMany = await app.gql(PANEL, { id: person.id, first: 101 }, agentToken);
    expect(errorOf(tooMany)).toMatchObject({ code: 'VALIDATION', field: 'first' });
  });
});

describe('authorization', () => {
  it('needs credentials: UNAUTHENTICATED without, FORBIDDEN for visitors', async () => {
    const someone = await contact({ lastName: 'Private' });
    expect(errorOf(await app.gql(CONTACT, { id: someone.id }))?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await app.gql(CONTACTS, {}))?.code).toBe('UNAUTHENTICATED');
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const { visitorToken } = await startChat(app, channel.id);
    for (const [query, variables] of [
      [CONTACT, { id: someone.id }],
      [CONTACTS, {}],
      [COMPANIES, {}],
      [CREATE_CONTACT, { input: { lastName: 'By visitor' } }],
      [CREATE_COMPANY, { input: { name: 'By visitor' } }],
    ] as const)
      expect(errorOf(await app.gql(query, variables, visitorToken))?.code, query).toBe('FORBIDDEN');
  });

  it('API tokens read with CONTACTS_READ and write with CONTACTS_WRITE only', async () => {
    const someone = await contact({ lastName: 'Scoped' });
    const none = await apiToken(app, 'REQUESTS_READ');
    const reader = await apiToken(app, 'CONTACTS_READ');
    const writer = await apiToken(app, 'CONTACTS_WRITE');

    const denied = await app.gql(CONTACT, { id: someone.id }, none);
    expect(errorOf(denied)).toMatchObject({ code: 'FORBIDDEN' });
    expect(denied.errors![0]!.message).toContain('CONTACTS_READ');
    expect(errorOf(await app.gql(CONTACTS, {}, none))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(COMPANIES, {}, none))?.code).toBe('FORBIDDEN');

    expect(dataOf(await app.gql(CONTACT, { id: someone.id }, reader)).contact.lastName).toBe('Scoped');
    expect(dataOf(await app.gql(COMPANIES, {}, reader)).companies.edges.length).toBeGreaterThan(0);
    for (const [query, variables] of [
      [CREATE_CONTACT, { input: { lastName: 'By reader' } }],
      [UPDATE_CONTACT, { id: someone.id, input: { title: 'x' } }],
      [DELETE_CONTACT, { id: someone.id }],
      [CREATE_COMPANY, { input: { name: 'By reader' } }],
    ] as const)
      expect(errorOf(await app.gql(query, variables, reader))?.code, query).toBe('FORBIDDEN');

    const byWriter = dataOf(
      await app.gql(`mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, { input: { lastName: 'By writer' } }, writer),
    ).createContact;
    expect(await prisma.contact.findUniqueOrThrow({ where: { id: byWriter.id } })).toMatchObject({ lastName: 'By writer' });
    // Writing is not reading: the created contact's fields need CONTACTS_READ.
    expect(errorOf(await app.gql(CREATE_CONTACT, { input: { lastName: 'Writer reads' } }, writer))?.code).toBe('FORBIDDEN');
    expect(dataOf(await app.gql(DELETE_CONTACT, { id: byWriter.id }, writer)).deleteContact).toBe(byWriter.id);
  });

  it('a token reaches a contact’s requests only with REQUESTS_READ, and its chats only with CHATS_READ', async () => {
    const person = await contact({ lastName: 'Linked' });
    const contactsOnly = await apiToken(app, 'CONTACTS_READ');
    const withRequests = await apiToken(app, 'CONTACTS_READ', 'REQUESTS_READ');
    const withChats = await apiToken(app, 'CONTACTS_READ', 'CHATS_READ');
    const REQUESTS = `query($id: ID!) { contact(id: $id) { requests { totalCount } } }`;
    const CHATS = `query($id: ID!) { contact(id: $id) { chatSessions { totalCount } } }`;
    expect(errorOf(await app.gql(REQUESTS, { id: person.id }, contactsOnly))?.code).toBe('FORBIDDEN');
    expect(dataOf(await app.gql(REQUESTS, { id: person.id }, withRequests)).contact.requests.totalCount).toBe(0);
    expect(errorOf(await app.gql(CHATS, { id: person.id }, contactsOnly))?.code).toBe('FORBIDDEN');
    expect(dataOf(await app.gql(CHATS, { id: person.id }, withChats)).contact.chatSessions.totalCount).toBe(0);
  });
});

describe('contactSuggestions', () => {
  it('puts exact email matches first, then similar names by pg_trgm similarity', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const token = agents.member!.token;
    const byEmail = await contact({ firstName: 'Totally', lastName: 'Different', email: 'maja.fjellheim@example.org' });
    const closeName = await contact({ firstName: 'Maja', lastName: 'Fjellheim' });
    const similar = await contact({ firstName: 'Marja', lastName: 'Fjellhaim' });
    await contact({ firstName: 'Unrelated', lastName: 'Person' });
    const { sessionId } = await startChat(app, channel.id, 'Hi', { name: 'Maja Fjellheim', email: 'Maja.Fjellheim@example.org' });

    const suggestions = dataOf(await app.gql(SUGGESTIONS, { sessionId }, token)).contactSuggestions;
    expect(suggestions.map((s: any) => [s.contact.id, s.matchedBy])).toEqual([
      [byEmail.id, 'EMAIL'],
      [closeName.id, 'NAME'],
      [similar.id, 'NAME'],
    ]);
    expect(suggestions[0].score).toBe(1);
    expect(suggestions[1].score).toBe(1);
    expect(suggestions[2].score).toBeGreaterThan(0);
    expect(suggestions[2].score).toBeLessThan(1);

    expect(dataOf(await app.gql(SUGGESTIONS, { sessionId, first: 2 }, token)).contactSuggestions.map((s: any) => s.contact.id)).toEqual([
      byEmail.id,
      closeName.id,
    ]);
    for (const first of [0, 21]) expect(errorOf(await app.gql(SUGGESTIONS, { sessionId, first }, token))).toMatchObject({ code: 'VALIDATION', field: 'first' });
    expect((await app.gql(SUGGESTIONS, { sessionId, first: 20 }, token)).errors).toBeUndefined();
  });

  it('suggests nothing for a visitor with neither name nor email', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const { sessionId } = await startChat(app, channel.id);
    expect(dataOf(await app.gql(SUGGESTIONS, { sessionId }, agents.member!.token)).contactSuggestions).toEqual([]);
  });

  it('is for agents who can read the chat', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const { sessionId, visitorToken } = await startChat(app, channel.id, 'Hi', { name: 'Someone' });
    const outsider = await app.agentWithToken();
    expect(errorOf(await app.gql(SUGGESTIONS, { sessionId }, outsider.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(SUGGESTIONS, { sessionId }, visitorToken))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(SUGGESTIONS, { sessionId }, await apiToken(app, 'CONTACTS_READ', 'CHATS_READ')))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(SUGGESTIONS, { sessionId: randomUUID() }, agents.member!.token))?.code).toBe('NOT_FOUND');
  });
});

describe('linkChatToContact', () => {
  it('links the chat and the contact’s company, tells agents (not the visitor) with CONTACT_LINKED, and unlinks', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const token = agents.member!.token;
    const firm = await company({ name: 'Linked Firm' });
    const person = await contact({ lastName: 'Linkable', companyId: firm.id });
    const { sessionId, visitorToken } = await startChat(app, channel.id);
    const EVENTS = CHAT_EVENTS.replace('agent { id displayName }', 'agent { id displayName } contactId');
    const agentFeed = subscribe(app.ws(`Bearer ${token}`), EVENTS, { id: sessionId, after: 0 });
    const visitorFeed = subscribe(app.ws(`Bearer ${visitorToken}`), EVENTS, { id: sessionId, after: 0 });

    const linked = dataOf(await app.gql(LINK, { sessionId, contactId: person.id }, token)).linkChatToContact;
    expect(linked).toMatchObject({ contact: { id: person.id }, company: { id: firm.id } });
    const event = await agentFeed.waitFor((e) => e.chatEvents.type === 'CONTACT_LINKED');
    expect(event.chatEvents).toMatchObject({ contactId: person.id, cursor: linked.lastEventSeq });

    // Linking to the same contact again changes nothing.
    expect(dataOf(await app.gql(LINK, { sessionId, contactId: person.id }, token)).linkChatToContact.lastEventSeq).toBe(linked.lastEventSeq);

    const unlinked = dataOf(await app.gql(LINK, { sessionId, contactId: null }, token)).linkChatToContact;
    expect(unlinked).toMatchObject({ contact: null, company: null, lastEventSeq: linked.lastEventSeq + 1 });
    await agentFeed.waitFor((e) => e.chatEvents.type === 'CONTACT_LINKED' && e.chatEvents.contactId === null);

    // The visitor's feed has caught up past both links without seeing either.
    const message = await app.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { cursor } }`,
      { input: { sessionId, body: 'still here', clientMessageId: randomUUID() } },
      visitorToken,
    );
    const cursor = dataOf(message).sendMessage.cursor;
    await visitorFeed.waitFor((e) => e.chatEvents.cursor === cursor);
    expect(visitorFeed.values().map((e) => e.chatEvents.type)).not.toContain('CONTACT_LINKED');
    agentFeed.stop();
    visitorFeed.stop();

    // The visitor cannot read the link from the session either.
    const visitorView = await app.gql(`query($id: ID!) { chatSession(id: $id) { id contact { id } } }`, { id: sessionId }, visitorToken);
    expect(errorOf(visitorView)?.code).toBe('FORBIDDEN');
  });

  it('only agents who can read the chat may link; unknown contacts are NOT_FOUND', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const person = await contact({ lastName: 'Guarded' });
    const { sessionId, visitorToken } = await startChat(app, channel.id);
    const outsider = await app.agentWithToken();
    expect(errorOf(await app.gql(LINK, { sessionId, contactId: person.id }, outsider.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(LINK, { sessionId, contactId: person.id }, visitorToken))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(LINK, { sessionId, contactId: person.id }, await apiToken(app, 'CONTACTS_WRITE', 'CHATS_READ')))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(LINK, { sessionId, contactId: person.id }))?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await app.gql(LINK, { sessionId, contactId: randomUUID() }, agents.member!.token))?.code).toBe('NOT_FOUND');
    expect((await prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).contactId).toBeNull();
  });
});

describe('createContactFromChat', () => {
  const visitorData = { name: 'Ola van der Nordmann', email: 'Ola@Example.net', phone: '+47 555', company: 'Nordmann Fisk', country: 'Norway' };

  it('prefills the contact from the visitor’s forms, creates the company on request and links the chat', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const { sessionId } = await startChat(app, channel.id, 'Hi', visitorData);
    const result = dataOf(await app.gql(FROM_CHAT, { sessionId, input: { createCompany: true } }, agents.member!.token)).createContactFromChat;
    expect(result.contact).toMatchObject({
      firstName: 'Ola',
      lastName: 'van der Nordmann',
      email: 'ola@example.net',
      phone: '+47 555',
      country: 'Norway',
      company: { name: 'Nordmann Fisk' },
    });
    expect(result.company).toMatchObject({ id: result.contact.company.id, name: 'Nordmann Fisk', country: 'Norway' });
    expect(result.session).toMatchObject({ id: sessionId, contact: { id: result.contact.id }, company: { id: result.company.id } });
    expect(await prisma.chatEvent.count({ where: { sessionId, type: 'CONTACT_LINKED' } })).toBe(1);
  });

  it('takes the given fields over the visitor’s, and an existing company', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const { sessionId } = await startChat(app, channel.id, 'Hi', visitorData);
    const existing = await company({ name: 'Existing Employer' });
    const input = { firstName: 'Olav', title: 'Buyer', phone: null, companyId: existing.id };
    const result = dataOf(await app.gql(FROM_CHAT, { sessionId, input }, agents.member!.token)).createContactFromChat;
    expect(result.contact).toMatchObject({ firstName: 'Olav', lastName: 'van der Nordmann', title: 'Buyer', phone: null, company: { id: existing.id } });
    expect(result.company.id).toBe(existing.id);

    const { sessionId: plain } = await startChat(app, channel.id, 'Hi', visitorData);
    const noCompany = dataOf(await app.gql(FROM_CHAT, { sessionId: plain }, agents.member!.token)).createContactFromChat;
    expect(noCompany.company).toBeNull();
    expect(noCompany.contact.company).toBeNull();
  });

  it('rejects bad combinations and missing data, naming the field, and creates nothing', async () => {
    const { channel, agents } = await channelWithAgents(app, { member: { canRespond: true } });
    const token = agents.member!.token;
    const { sessionId: anonymous } = await startChat(app, channel.id);
    const before = await prisma.contact.count();
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous }, token))).toMatchObject({ code: 'VALIDATION', field: 'lastName' });
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous, input: { lastName: 'Given', createCompany: true } }, token))).toMatchObject({
      code: 'VALIDATION',
      field: 'companyName',
    });
    const firm = await company({ name: 'Either Or' });
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous, input: { lastName: 'x', createCompany: true, companyId: firm.id } }, token))).toMatchObject(
      {
        code: 'VALIDATION',
        field: 'companyId',
      },
    );
    expect(
      errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous, input: { lastName: 'x', createCompany: true, companyName: 'n'.repeat(201) } }, token)),
    ).toMatchObject({
      code: 'VALIDATION',
      field: 'companyName',
    });
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous, input: { lastName: 'x', companyId: randomUUID() } }, token))?.code).toBe('NOT_FOUND');
    expect(await prisma.contact.count()).toBe(before);

    const outsider = await app.agentWithToken();
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous, input: { lastName: 'x' } }, outsider.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(FROM_CHAT, { sessionId: anonymous, input: { lastName: 'x' } }, await apiToken(app, 'CONTACTS_WRITE')))?.code).toBe(
      'FORBIDDEN',
    );
  });
});
