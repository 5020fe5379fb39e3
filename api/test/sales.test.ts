import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Company, Contact, PrismaClient } from '../src/generated/prisma/client';
import { channelWithAgents, startChat } from './chat-fixtures';
import { apiToken, dataOf, errorOf, startCrmTestApp } from './crm-fixtures';
import type { TestApp } from './harness';

const SALE_FIELDS = `id title amount currency stage date contact { id } company { id } owner { id }`;
const CREATE_SALE = `mutation($input: CreateSaleInput!) { createSale(input: $input) { ${SALE_FIELDS} } }`;
const UPDATE_SALE = `mutation($id: ID!, $input: UpdateSaleInput!) { updateSale(id: $id, input: $input) { ${SALE_FIELDS} } }`;
const DELETE_SALE = `mutation($id: ID!) { deleteSale(id: $id) }`;
const SALE = `query($id: ID!) { sale(id: $id) { ${SALE_FIELDS} } }`;
const FOLLOW_UP_FIELDS = `id title dueAt done contact { id } company { id } owner { id }`;
const CREATE_FOLLOW_UP = `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { ${FOLLOW_UP_FIELDS} } }`;
const UPDATE_FOLLOW_UP = `mutation($id: ID!, $input: UpdateFollowUpInput!) { updateFollowUp(id: $id, input: $input) { ${FOLLOW_UP_FIELDS} } }`;
const DELETE_FOLLOW_UP = `mutation($id: ID!) { deleteFollowUp(id: $id) }`;
const FOLLOW_UP = `query($id: ID!) { followUp(id: $id) { ${FOLLOW_UP_FIELDS} } }`;

let app: TestApp;
let prisma: PrismaClient;
let agent: { token: string; agent: { id: string } };
let firm: Company;
let person: Contact;

beforeAll(async () => {
  app = await startCrmTestApp();
  prisma = app.services.prisma;
  agent = await app.agentWithToken();
  firm = await prisma.company.create({ data: { name: 'Sales Firm' } });
  person = await prisma.contact.create({ data: { firstName: 'Sam', lastName: 'Buyer', companyId: firm.id } });
});
afterAll(() => app?.stop());

describe('sales', () => {
  it('creates with defaults (owner = the agent, the contact’s company), reads, updates and deletes', async () => {
    const sale = dataOf(
      await app.gql(CREATE_SALE, { input: { title: ' Licences ', amount: '1499.5', currency: 'nok', contactId: person.id } }, agent.token),
    ).createSale;
    expect(sale).toMatchObject({
      title: 'Licences',
      amount: '1499.50',
      currency: 'NOK',
      stage: 'LEAD',
      contact: { id: person.id },
      company: { id: firm.id },
      owner: { id: agent.agent.id },
    });
    expect(Math.abs(Date.parse(sale.date) - Date.now())).toBeLessThan(60_000);
    expect(dataOf(await app.gql(SALE, { id: sale.id }, agent.token)).sale).toEqual(sale);

    const date = '2027-03-01T00:00:00.000Z';
    const updated = dataOf(
      await app.gql(UPDATE_SALE, { id: sale.id, input: { stage: 'WON', amount: '999999999999.99', date, ownerId: null } }, agent.token),
    ).updateSale;
    expect(updated).toMatchObject({ title: 'Licences', stage: 'WON', amount: '999999999999.99', date, owner: null, contact: { id: person.id } });
    // Unlinking the contact keeps the company; unlinking both is refused.
    expect(dataOf(await app.gql(UPDATE_SALE, { id: sale.id, input: { contactId: null } }, agent.token)).updateSale).toMatchObject({
      contact: null,
      company: { id: firm.id },
    });
    expect(errorOf(await app.gql(UPDATE_SALE, { id: sale.id, input: { companyId: null } }, agent.token))).toMatchObject({
      code: 'VALIDATION',
      field: 'contactId',
    });

    expect(dataOf(await app.gql(DELETE_SALE, { id: sale.id }, agent.token)).deleteSale).toBe(sale.id);
    expect(errorOf(await app.gql(SALE, { id: sale.id }, agent.token))?.code).toBe('NOT_FOUND');
    expect(errorOf(await app.gql(UPDATE_SALE, { id: sale.id, input: { title: 'x' } }, agent.token))?.code).toBe('NOT_FOUND');
  });

  it('validates every field, naming it', async () => {
    const base = { title: 'Deal', companyId: firm.id };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, title: ' ' }, 'title'],
      [{ ...base, title: 't'.repeat(201) }, 'title'],
      [{ ...base, amount: '-1' }, 'amount'],
      [{ ...base, amount: 'ten' }, 'amount'],
      [{ ...base, amount: '1.234' }, 'amount'],
      [{ ...base, amount: '1000000000000' }, 'amount'],
      [{ ...base, currency: 'EURO' }, 'currency'],
      [{ ...base, currency: 'E1R' }, 'currency'],
      [{ title: 'Orphan' }, 'contactId'],
      [{ ...base, contactId: 'nope' }, 'contactId'],
      [{ ...base, ownerId: 'nope' }, 'ownerId'],
    ];
    for (const [input, field] of cases)
      expect(errorOf(await app.gql(CREATE_SALE, { input }, agent.token)), JSON.stringify(input)).toMatchObject({ code: 'VALIDATION', field });
    for (const input of [
      { ...base, contactId: randomUUID() },
      { title: 'x', companyId: randomUUID() },
      { ...base, ownerId: randomUUID() },
    ])
      expect(errorOf(await app.gql(CREATE_SALE, { input }, agent.token))?.code).toBe('NOT_FOUND');
    expect(dataOf(await app.gql(CREATE_SALE, { input: { ...base, title: 't'.repeat(200), amount: '0' } }, agent.token)).createSale.amount).toBe('0.00');
  });
});

describe('follow-ups', () => {
  it('creates, marks done, lists open ones first on the contact, and deletes', async () => {
    const contact = await prisma.contact.create({ data: { lastName: 'Follow', companyId: firm.id } });
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const sooner = new Date(Date.now() + 86_400_000).toISOString();
    const a = dataOf(await app.gql(CREATE_FOLLOW_UP, { input: { title: 'Send offer', dueAt: later, contactId: contact.id } }, agent.token)).createFollowUp;
    const b = dataOf(await app.gql(CREATE_FOLLOW_UP, { input: { title: 'Call', dueAt: sooner, contactId: contact.id } }, agent.token)).createFollowUp;
    expect(a).toMatchObject({
      title: 'Send offer',
      dueAt: later,
      done: false,
      contact: { id: contact.id },
      company: { id: firm.id },
      owner: { id: agent.agent.id },
    });

    const done = dataOf(await app.gql(UPDATE_FOLLOW_UP, { id: b.id, input: { done: true } }, agent.token)).updateFollowUp;
    expect(done).toMatchObject({ title: 'Call', done: true, dueAt: sooner });
    const PANEL = `query($id: ID!) { contact(id: $id) { followUps { totalCount edges { node { title done } } } } }`;
    const panel = dataOf(await app.gql(PANEL, { id: contact.id }, agent.token)).contact.followUps;
    expect(panel).toEqual({ totalCount: 2, edges: [{ node: { title: 'Send offer', done: false } }, { node: { title: 'Call', done: true } }] });

    expect(dataOf(await app.gql(DELETE_FOLLOW_UP, { id: a.id }, agent.token)).deleteFollowUp).toBe(a.id);
    expect(errorOf(await app.gql(FOLLOW_UP, { id: a.id }, agent.token))?.code).toBe('NOT_FOUND');
  });

  it('validates, naming the field', async () => {
    const dueAt = new Date().toISOString();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '', dueAt, contactId: person.id }, 'title'],
      [{ title: 't'.repeat(201), dueAt, contactId: person.id }, 'title'],
      [{ title: 'No parent', dueAt }, 'contactId'],
      [{ title: 'x', dueAt, companyId: 'bad' }, 'companyId'],
    ];
    for (const [input, field] of cases)
      expect(errorOf(await app.gql(CREATE_FOLLOW_UP, { input }, agent.token)), JSON.stringify(input)).toMatchObject({ code: 'VALIDATION', field });
    const missingDue = await app.gql(CREATE_FOLLOW_UP, { input: { title: 'x', contactId: person.id } }, agent.token);
    expect(missingDue.errors?.[0]?.message).toContain('dueAt');
    const ok = dataOf(await app.gql(CREATE_FOLLOW_UP, { input: { title: 't'.repeat(200), dueAt, companyId: firm.id } }, agent.token)).createFollowUp;
    expect(errorOf(await app.gql(UPDATE_FOLLOW_UP, { id: ok.id, input: { title: '  ' } }, agent.token))).toMatchObject({ code: 'VALIDATION', field: 'title' });
    expect(errorOf(await app.gql(UPDATE_FOLLOW_UP, { id: randomUUID(), input: { done: true } }, agent.token))?.code).toBe('NOT_FOUND');
  });
});

describe('authorization', () => {
  it('agents and CONTACTS_* tokens only: reading needs CONTACTS_READ, writing CONTACTS_WRITE', async () => {
    const sale = dataOf(await app.gql(CREATE_SALE, { input: { title: 'Guarded', companyId: firm.id } }, agent.token)).createSale;
    const followUp = dataOf(
      await app.gql(CREATE_FOLLOW_UP, { input: { title: 'Guarded', dueAt: new Date().toISOString(), companyId: firm.id } }, agent.token),
    ).createFollowUp;

    expect(errorOf(await app.gql(SALE, { id: sale.id }))?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await app.gql(CREATE_SALE, { input: { title: 'x', companyId: firm.id } }))?.code).toBe('UNAUTHENTICATED');
    const { channel } = await channelWithAgents(app, { a: { canRespond: true } });
    const { visitorToken } = await startChat(app, channel.id);
    for (const [query, variables] of [
      [SALE, { id: sale.id }],
      [FOLLOW_UP, { id: followUp.id }],
      [CREATE_SALE, { input: { title: 'x', companyId: firm.id } }],
      [UPDATE_FOLLOW_UP, { id: followUp.id, input: { done: true } }],
    ] as const)
      expect(errorOf(await app.gql(query, variables, visitorToken))?.code, query).toBe('FORBIDDEN');

    const unrelated = await apiToken(app, 'REQUESTS_READ', 'REQUESTS_WRITE', 'CHATS_READ');
    expect(errorOf(await app.gql(SALE, { id: sale.id }, unrelated))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(DELETE_SALE, { id: sale.id }, unrelated))?.code).toBe('FORBIDDEN');

    const reader = await apiToken(app, 'CONTACTS_READ');
    expect(dataOf(await app.gql(`query($id: ID!) { sale(id: $id) { title amount } }`, { id: sale.id }, reader)).sale).toEqual({
      title: 'Guarded',
      amount: '0.00',
    });
    expect(dataOf(await app.gql(`query($id: ID!) { followUp(id: $id) { title done } }`, { id: followUp.id }, reader)).followUp.done).toBe(false);
    for (const [query, variables] of [
      [CREATE_SALE, { input: { title: 'x', companyId: firm.id } }],
      [UPDATE_SALE, { id: sale.id, input: { stage: 'LOST' } }],
      [DELETE_SALE, { id: sale.id }],
      [CREATE_FOLLOW_UP, { input: { title: 'x', dueAt: new Date().toISOString(), companyId: firm.id } }],
      [DELETE_FOLLOW_UP, { id: followUp.id }],
    ] as const)
      expect(errorOf(await app.gql(query, variables, reader))?.code, query).toBe('FORBIDDEN');

    const writer = await apiToken(app, 'CONTACTS_WRITE');
    const byScript = dataOf(
      await app.gql(
        `mutation($input: CreateSaleInput!) { createSale(input: $input) { id } }`,
        { input: { title: 'From a script', companyId: firm.id } },
        writer,
      ),
    ).createSale;
    expect(await prisma.sale.findUniqueOrThrow({ where: { id: byScript.id } })).toMatchObject({ title: 'From a script', ownerId: null });
    expect(errorOf(await app.gql(SALE, { id: byScript.id }, writer))?.code).toBe('FORBIDDEN');
    expect(dataOf(await app.gql(DELETE_FOLLOW_UP, { id: followUp.id }, writer)).deleteFollowUp).toBe(followUp.id);
  });
});
