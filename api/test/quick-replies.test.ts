import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUICK_REPLIES_PER_AGENT } from '../src/modules/knowledge/quick-replies.service';
import { startTestApp, type TestApp } from './harness';
import { apiToken, dataOf, errorOf, roomyLimits } from './knowledge-fixtures';

const FIELDS = 'id name content createdAt updatedAt';
const CREATE = `mutation($input: CreateQuickReplyInput!) { createQuickReply(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateQuickReplyInput!) { updateQuickReply(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteQuickReply(id: $id) }`;
const GET = `query($id: ID!) { quickReply(id: $id) { ${FIELDS} } }`;
const MINE = `query($search: String, $limit: Int) { myQuickReplies(search: $search, limit: $limit) { id name content } }`;

let app: TestApp;
type Caller = { token: string; agent: { id: string } };
let owner: Caller;
let other: Caller;
let admin: Caller;

beforeAll(async () => {
  app = await startTestApp(roomyLimits);
  owner = await app.agentWithToken();
  other = await app.agentWithToken();
  admin = await app.agentWithToken({ role: 'ADMIN' });
});
afterAll(() => app?.stop());

async function create(caller: Caller, input: { name: string; content: string }) {
  return dataOf(await app.gql(CREATE, { input }, caller.token)).createQuickReply;
}

describe('quick replies', () => {
  it('creates, reads, updates and deletes your own quick replies', async () => {
    const created = await create(owner, { name: '  Greeting  ', content: 'Hi there!\r\nHow can I help?' });
    expect(created).toMatchObject({ name: 'Greeting', content: 'Hi there!\nHow can I help?' });
    expect(dataOf(await app.gql(GET, { id: created.id }, owner.token)).quickReply.id).toBe(created.id);

    const renamed = dataOf(await app.gql(UPDATE, { id: created.id, input: { name: 'Hello' } }, owner.token)).updateQuickReply;
    expect(renamed).toMatchObject({ name: 'Hello', content: 'Hi there!\nHow can I help?' });
    const rewritten = dataOf(await app.gql(UPDATE, { id: created.id, input: { content: 'Hello!' } }, owner.token)).updateQuickReply;
    expect(rewritten).toMatchObject({ name: 'Hello', content: 'Hello!' });

    expect(dataOf(await app.gql(DELETE, { id: created.id }, owner.token)).deleteQuickReply).toBe(created.id);
    expect(errorOf(await app.gql(GET, { id: created.id }, owner.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(DELETE, { id: created.id }, owner.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it('lists only your own, by name', async () => {
    const me = await app.agentWithToken();
    for (const name of ['Zulu', 'Alpha', 'Mike']) await create(me, { name, content: `${name} text` });
    await create(other, { name: 'Not mine', content: 'Other agent' });
    expect(dataOf(await app.gql(MINE, {}, me.token)).myQuickReplies.map((r: any) => r.name)).toEqual(['Alpha', 'Mike', 'Zulu']);
  });

  it('never lets another agent, even an admin, read, change or delete them: NOT_FOUND, as for an id that does not exist', async () => {
    const mine = await create(owner, { name: 'Private label', content: 'Private content' });
    for (const caller of [other, admin]) {
      for (const [query, variables] of [
        [GET, { id: mine.id }],
        [UPDATE, { id: mine.id, input: { content: 'hijacked' } }],
        [DELETE, { id: mine.id }],
      ] as const) {
        const result = await app.gql(query, variables, caller.token);
        expect(errorOf(result), query).toEqual({ code: 'NOT_FOUND' });
        // The same answer as for an id that never existed.
        const missing = await app.gql(query, { ...variables, id: randomUUID() }, caller.token);
        expect(result.errors?.[0]?.message.replace(mine.id, 'ID')).toBe(missing.errors?.[0]?.message.replace(/[0-9a-f-]{36}/, 'ID'));
      }
      const listed = dataOf(await app.gql(MINE, {}, caller.token)).myQuickReplies;
      expect(listed.map((r: any) => r.id)).not.toContain(mine.id);
      expect(dataOf(await app.gql(MINE, { search: 'private' }, caller.token)).myQuickReplies).toEqual([]);
    }
    expect(dataOf(await app.gql(GET, { id: mine.id }, owner.token)).quickReply).toMatchObject({ name: 'Private label', content: 'Private content' });
  });

  it('is for agents only: API tokens (whatever their scopes) and visitors get FORBIDDEN, anonymous callers UNAUTHENTICATED', async () => {
    const mine = await create(owner, { name: 'x', content: 'y' });
    const token = await apiToken(app, admin.token, ['KNOWLEDGE_READ', 'CHATS_READ', 'CHATS_WRITE']);
    const { token: visitorToken } = await app.services.auth.createVisitor({ name: 'V' });
    for (const [query, variables] of [
      [MINE, {}],
      [GET, { id: mine.id }],
      [CREATE, { input: { name: 'a', content: 'b' } }],
      [UPDATE, { id: mine.id, input: { name: 'a' } }],
      [DELETE, { id: mine.id }],
    ] as const) {
      expect(errorOf(await app.gql(query, variables, token)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables, visitorToken)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables)), query).toEqual({ code: 'UNAUTHENTICATED' });
    }
  });

  it('enforces name 1–100 and content 1–4000 characters, naming the field', async () => {
    const longest = await create(owner, { name: 'n'.repeat(100), content: 'c'.repeat(4000) });
    expect([longest.name.length, longest.content.length]).toEqual([100, 4000]);
    for (const [input, field] of [
      [{ name: 'n'.repeat(101), content: 'ok' }, 'name'],
      [{ name: ' ', content: 'ok' }, 'name'],
      [{ name: 'ok', content: 'c'.repeat(4001) }, 'content'],
      [{ name: 'ok', content: '\n\t ' }, 'content'],
    ] as const)
      expect(errorOf(await app.gql(CREATE, { input }, owner.token))).toEqual({ code: 'VALIDATION', field });
    expect(errorOf(await app.gql(UPDATE, { id: longest.id, input: { content: 'c'.repeat(4001) } }, owner.token))).toEqual({
      code: 'VALIDATION',
      field: 'content',
    });
    expect(errorOf(await app.gql(UPDATE, { id: longest.id, input: { name: '' } }, owner.token))).toEqual({ code: 'VALIDATION', field: 'name' });
    expect(errorOf(await app.gql(GET, { id: 'not-a-uuid' }, owner.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it(`allows at most ${MAX_QUICK_REPLIES_PER_AGENT} per agent (CONFLICT beyond), without limiting other agents`, async () => {
    const busy = await app.agentWithToken();
    await app.services.prisma.quickReply.createMany({
      data: Array.from({ length: MAX_QUICK_REPLIES_PER_AGENT - 1 }, (_, i) => ({ agentId: busy.agent.id, name: `Reply ${i}`, content: 'x' })),
    });
    // Two concurrent creates for the last slot: exactly one wins.
    const results = await Promise.all([1, 2].map((n) => app.gql(CREATE, { input: { name: `Last ${n}`, content: 'x' } }, busy.token)));
    expect(results.map((r) => (r.errors ? errorOf(r).code : 'ok')).sort()).toEqual(['CONFLICT', 'ok']);
    expect(await app.services.prisma.quickReply.count({ where: { agentId: busy.agent.id } })).toBe(MAX_QUICK_REPLIES_PER_AGENT);
    expect(errorOf(await app.gql(CREATE, { input: { name: 'More', content: 'x' } }, busy.token))).toEqual({ code: 'CONFLICT' });
    expect((await create(other, { name: 'Fine', content: 'x' })).name).toBe('Fine');
  });
});

describe('search', () => {
  const tag = `qr${randomUUID().slice(0, 6)}`;
  let searcher: Caller;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    searcher = await app.agentWithToken();
    ids.shipping = (await create(searcher, { name: `Shipping times ${tag}`, content: 'Orders ship within two business days.' })).id;
    ids.refund = (await create(searcher, { name: `Refunds ${tag}`, content: 'Shipping costs are refunded too.' })).id;
    ids.bye = (await create(searcher, { name: `Goodbye ${tag}`, content: 'Thanks for chatting, have a great day!' })).id;
    // Another agent's reply with the same words: never found by the searcher.
    await create(other, { name: `Shipping times ${tag}`, content: 'Orders ship within two business days.' });
  });

  const search = async (text: string, extra: Record<string, unknown> = {}, caller = searcher) =>
    (dataOf(await app.gql(MINE, { search: text, ...extra }, caller.token)).myQuickReplies as { id: string }[]).map((r) => r.id);

  it('finds your own by every word, the last as a prefix, name matches first', async () => {
    expect(await search(`${tag} ship`)).toEqual([ids.shipping, ids.refund]);
    expect(await search(`${tag} shipping co`)).toEqual([ids.refund]);
    expect(await search(`${tag} chat`)).toEqual([ids.bye]);
    expect(await search(`${tag} refunding`)).toEqual([ids.refund]); // English stem
    expect(await search(`${tag} zebra`)).toEqual([]);
    expect(await search(tag, { limit: 2 })).toHaveLength(2);
  });

  it('keeps search private and safe, and validates its input', async () => {
    expect((await search(tag, {}, other)).length).toBe(1);
    expect(await search(`${tag}' OR ''=''; -- & | ! :* (ship`)).toEqual([ids.shipping, ids.refund]);
    expect(await search('?!')).toEqual([]);
    expect(errorOf(await app.gql(MINE, { search: 'x'.repeat(201) }, searcher.token))).toEqual({ code: 'VALIDATION', field: 'search' });
    expect(errorOf(await app.gql(MINE, { search: 'x', limit: 51 }, searcher.token))).toEqual({ code: 'VALIDATION', field: 'limit' });
  });
});
