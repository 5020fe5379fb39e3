import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_EVENTS } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';
import { MESSAGES, activeChat, apiToken, dataOf, errorOf, roomyLimits } from './knowledge-fixtures';

const ENTRY_FIELDS = 'id question answer published pageUrl folder { id name }';
const CREATE_FOLDER = `mutation($input: CreateFaqFolderInput!) { createFaqFolder(input: $input) { id name parent { id } } }`;
const RENAME_FOLDER = `mutation($id: ID!, $name: String!) { renameFaqFolder(id: $id, name: $name) { id name } }`;
const MOVE_FOLDER = `mutation($id: ID!, $parentId: ID) { moveFaqFolder(id: $id, parentId: $parentId) { id parent { id } } }`;
const DELETE_FOLDER = `mutation($id: ID!, $all: Boolean) { deleteFaqFolder(id: $id, deleteContents: $all) { folderIds entryIds } }`;
const CREATE = `mutation($input: CreateFaqEntryInput!) { createFaqEntry(input: $input) { ${ENTRY_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateFaqEntryInput!) { updateFaqEntry(id: $id, input: $input) { ${ENTRY_FIELDS} } }`;
const MOVE = `mutation($id: ID!, $folderId: ID) { moveFaqEntry(id: $id, folderId: $folderId) { ${ENTRY_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteFaqEntry(id: $id) }`;
const GET = `query($id: ID!) { faqEntry(id: $id) { ${ENTRY_FIELDS} } }`;
const FOLDERS = `{ faqFolders { id name parent { id } children { id } entries { id } } }`;
const LIST = `query($folderId: ID, $published: Boolean, $first: Int) { faqEntries(folderId: $folderId, published: $published, first: $first) { edges { node { id question published } } } }`;
const SEARCH = `query($q: String!, $folderId: ID, $published: Boolean, $limit: Int) { searchFaqEntries(query: $q, folderId: $folderId, published: $published, limit: $limit) { id question } }`;
const SUGGEST = `query($channelId: ID!, $q: String!) { faqSuggestions(channelId: $channelId, question: $q) { id question } }`;
const SEND_FAQ = `mutation($sessionId: ID!, $faqId: ID!, $asLink: Boolean, $cid: String) { sendFaq(sessionId: $sessionId, faqId: $faqId, asLink: $asLink, clientMessageId: $cid) { id body authorKind clientMessageId } }`;

let app: TestApp;
let admin: { token: string };
let agent: { token: string };
let knowledgeToken: string;
let otherToken: string;
let visitorToken: string;

beforeAll(async () => {
  app = await startTestApp(roomyLimits);
  admin = await app.agentWithToken({ role: 'ADMIN' });
  agent = await app.agentWithToken();
  knowledgeToken = await apiToken(app, admin.token, ['KNOWLEDGE_READ']);
  otherToken = await apiToken(app, admin.token, ['CHATS_READ', 'REQUESTS_READ']);
  visitorToken = (await app.services.auth.createVisitor({ name: 'V' })).token;
});
afterAll(() => app?.stop());

const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
async function folder(name = unique('FAQ folder'), parentId: string | null = null) {
  return dataOf(await app.gql(CREATE_FOLDER, { input: { name, parentId } }, admin.token)).createFaqFolder;
}
async function entry(input: { question?: string; answer?: string; folderId?: string | null; published?: boolean } = {}) {
  return dataOf(await app.gql(CREATE, { input: { question: unique('Question'), answer: 'An answer.', published: true, ...input } }, admin.token))
    .createFaqEntry;
}

describe('authorization', () => {
  it('lets agents and KNOWLEDGE_READ tokens read everything, drafts included; others cannot', async () => {
    const f = await folder();
    const draft = await entry({ folderId: f.id, published: false });
    for (const [query, variables] of [
      [FOLDERS, {}],
      [GET, { id: draft.id }],
      [LIST, { folderId: f.id }],
      [SEARCH, { q: draft.question }],
    ] as const) {
      for (const token of [agent.token, admin.token, knowledgeToken]) expect((await app.gql(query, variables, token)).errors, query).toBeUndefined();
      expect(errorOf(await app.gql(query, variables, otherToken)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables, visitorToken)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables)), query).toEqual({ code: 'UNAUTHENTICATED' });
    }
    expect(dataOf(await app.gql(GET, { id: draft.id }, knowledgeToken)).faqEntry).toMatchObject({ published: false, pageUrl: null });
  });

  it('lets only admins write', async () => {
    const f = await folder();
    const e = await entry({ folderId: f.id });
    for (const [query, variables] of [
      [CREATE_FOLDER, { input: { name: 'x' } }],
      [RENAME_FOLDER, { id: f.id, name: 'y' }],
      [MOVE_FOLDER, { id: f.id, parentId: null }],
      [DELETE_FOLDER, { id: f.id, all: true }],
      [CREATE, { input: { question: 'q', answer: 'a' } }],
      [UPDATE, { id: e.id, input: { published: false } }],
      [MOVE, { id: e.id, folderId: null }],
      [DELETE, { id: e.id }],
    ] as const) {
      for (const token of [agent.token, knowledgeToken, visitorToken])
        expect(errorOf(await app.gql(query, variables, token)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables)), query).toEqual({ code: 'UNAUTHENTICATED' });
    }
    expect(dataOf(await app.gql(GET, { id: e.id }, agent.token)).faqEntry).toMatchObject({ published: true, folder: { id: f.id } });
  });

  it('gives visitors published suggestions only: they cannot walk from a suggestion into folders and drafts', async () => {
    const f = await folder();
    const tag = `walk${randomUUID().slice(0, 6)}`;
    await entry({ folderId: f.id, question: `Published ${tag}` });
    await entry({ folderId: f.id, question: `Secret draft ${tag}`, published: false });
    const channel = await app.services.prisma.channel.create({ data: { name: unique('Channel'), faqSuggestionsEnabled: true, faqFolderId: f.id } });

    const plain = dataOf(
      await app.gql(`query($c: ID!, $q: String!) { faqSuggestions(channelId: $c, question: $q) { question folder { id name } } }`, { c: channel.id, q: tag }),
    );
    expect(plain.faqSuggestions).toEqual([{ question: `Published ${tag}`, folder: { id: f.id, name: f.name } }]);
    for (const selection of ['entries { question }', 'children { id }', 'parent { id }']) {
      const walked = await app.gql(
        `query($c: ID!, $q: String!) { faqSuggestions(channelId: $c, question: $q) { folder { ${selection} } } }`,
        { c: channel.id, q: tag },
        visitorToken,
      );
      expect(errorOf(walked), selection).toEqual({ code: 'FORBIDDEN' });
      expect(JSON.stringify(walked)).not.toContain('Secret draft');
    }
  });
});

describe('entries: validation and limits', () => {
  it('enforces question 1–500 and answer 1–3000 characters, naming the field', async () => {
    const longest = await entry({ question: 'q'.repeat(500), answer: 'a'.repeat(3000) });
    expect([longest.question.length, longest.answer.length]).toEqual([500, 3000]);
    for (const [input, field] of [
      [{ question: 'q'.repeat(501), answer: 'ok' }, 'question'],
      [{ question: '  ', answer: 'ok' }, 'question'],
      [{ question: 'ok', answer: 'a'.repeat(3001) }, 'answer'],
      [{ question: 'ok', answer: '' }, 'answer'],
      [{ question: 'ok', answer: 'ok', folderId: randomUUID() }, 'folderId'],
      [{ question: 'ok', answer: 'ok', folderId: 'nope' }, 'folderId'],
    ] as const)
      expect(errorOf(await app.gql(CREATE, { input }, admin.token))).toEqual({ code: 'VALIDATION', field });
    expect(errorOf(await app.gql(UPDATE, { id: longest.id, input: { answer: 'a'.repeat(3001) } }, admin.token))).toEqual({
      code: 'VALIDATION',
      field: 'answer',
    });
  });

  it('creates drafts by default, publishes and unpublishes, moves and deletes; unknown ids are NOT_FOUND', async () => {
    const f = await folder();
    const created = dataOf(await app.gql(CREATE, { input: { question: 'How?', answer: 'Like\r\nthis.', folderId: f.id } }, admin.token)).createFaqEntry;
    expect(created).toMatchObject({ published: false, answer: 'Like\nthis.', pageUrl: null, folder: { id: f.id } });
    const published = dataOf(await app.gql(UPDATE, { id: created.id, input: { published: true } }, admin.token)).updateFaqEntry;
    expect(published).toMatchObject({ published: true, question: 'How?' });
    expect(published.pageUrl).toBe(`${app.url}/faq/${created.id}`);
    expect(dataOf(await app.gql(MOVE, { id: created.id }, admin.token)).moveFaqEntry.folder).toBeNull();
    expect(errorOf(await app.gql(MOVE, { id: created.id, folderId: randomUUID() }, admin.token))).toEqual({ code: 'VALIDATION', field: 'folderId' });
    expect(dataOf(await app.gql(DELETE, { id: created.id }, admin.token)).deleteFaqEntry).toBe(created.id);
    for (const id of [created.id, 'nope'])
      for (const [query, variables] of [
        [GET, { id }],
        [UPDATE, { id, input: { published: true } }],
        [MOVE, { id, folderId: null }],
        [DELETE, { id }],
      ] as const)
        expect(errorOf(await app.gql(query, variables, admin.token)), query).toEqual({ code: 'NOT_FOUND' });
  });

  it('feeds the visitor suggestions: publishing adds an entry, unpublishing removes it', async () => {
    const f = await folder();
    const channel = await app.services.prisma.channel.create({ data: { name: unique('Channel'), faqSuggestionsEnabled: true, faqFolderId: f.id } });
    const sub = await folder('Sub', f.id);
    const tag = `sugg${randomUUID().slice(0, 6)}`;
    const e = await entry({ folderId: sub.id, question: `Where is ${tag}?`, published: false });
    const suggested = async () => dataOf(await app.gql(SUGGEST, { channelId: channel.id, q: tag })).faqSuggestions.map((s: any) => s.id);
    expect(await suggested()).toEqual([]);
    dataOf(await app.gql(UPDATE, { id: e.id, input: { published: true } }, admin.token));
    expect(await suggested()).toEqual([e.id]);
    dataOf(await app.gql(UPDATE, { id: e.id, input: { published: false } }, admin.token));
    expect(await suggested()).toEqual([]);
  });
});

describe('folders', () => {
  it('renames, moves without cycles, and pages entries per folder and published flag', async () => {
    const a = await folder();
    const b = await folder('B', a.id);
    expect(dataOf(await app.gql(RENAME_FOLDER, { id: b.id, name: 'Bee' }, admin.token)).renameFaqFolder.name).toBe('Bee');
    expect(errorOf(await app.gql(MOVE_FOLDER, { id: a.id, parentId: b.id }, admin.token))).toEqual({ code: 'VALIDATION', field: 'parentId' });
    expect(errorOf(await app.gql(MOVE_FOLDER, { id: a.id, parentId: a.id }, admin.token))).toEqual({ code: 'VALIDATION', field: 'parentId' });
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'bee', parentId: a.id } }, admin.token))).toEqual({ code: 'CONFLICT', field: 'name' });
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'x'.repeat(101) } }, admin.token))).toEqual({ code: 'VALIDATION', field: 'name' });
    expect(dataOf(await app.gql(MOVE_FOLDER, { id: b.id, parentId: null }, admin.token)).moveFaqFolder.parent).toBeNull();

    const live = await entry({ folderId: a.id });
    const draft = await entry({ folderId: a.id, published: false });
    const all = dataOf(await app.gql(LIST, { folderId: a.id }, agent.token)).faqEntries.edges.map((e: any) => e.node.id);
    expect(all.sort()).toEqual([live.id, draft.id].sort());
    expect(dataOf(await app.gql(LIST, { folderId: a.id, published: false }, agent.token)).faqEntries.edges.map((e: any) => e.node.id)).toEqual([draft.id]);
    expect(errorOf(await app.gql(LIST, { first: 101 }, agent.token))).toEqual({ code: 'VALIDATION', field: 'first' });
    const tree = dataOf(await app.gql(FOLDERS, {}, agent.token)).faqFolders.find((x: any) => x.id === a.id);
    expect(tree.entries.map((e: any) => e.id).sort()).toEqual([live.id, draft.id].sort());
  });

  it('refuses to delete a non-empty folder unless deleteContents, and a folder a channel suggests from', async () => {
    const top = await folder();
    const sub = await folder('Sub', top.id);
    const e1 = await entry({ folderId: top.id });
    const e2 = await entry({ folderId: sub.id, published: false });
    expect(errorOf(await app.gql(DELETE_FOLDER, { id: top.id }, admin.token))).toEqual({ code: 'CONFLICT', field: 'deleteContents' });

    const channel = await app.services.prisma.channel.create({ data: { name: unique('Uses sub'), faqSuggestionsEnabled: true, faqFolderId: sub.id } });
    const refused = await app.gql(DELETE_FOLDER, { id: top.id, all: true }, admin.token);
    expect(errorOf(refused)).toEqual({ code: 'CONFLICT', field: 'id' });
    expect(refused.errors?.[0]?.message).toContain(channel.name);
    expect(await app.services.prisma.faqEntry.count({ where: { id: { in: [e1.id, e2.id] } } })).toBe(2);

    await app.services.prisma.channel.update({ where: { id: channel.id }, data: { faqFolderId: null } });
    const deleted = dataOf(await app.gql(DELETE_FOLDER, { id: top.id, all: true }, admin.token)).deleteFaqFolder;
    expect(deleted.folderIds.sort()).toEqual([top.id, sub.id].sort());
    expect(deleted.entryIds.sort()).toEqual([e1.id, e2.id].sort());
    expect(await app.services.prisma.faqEntry.count({ where: { id: { in: [e1.id, e2.id] } } })).toBe(0);
  });
});

describe('search', () => {
  const tag = `fq${randomUUID().slice(0, 6)}`;
  const ids: Record<string, string> = {};
  let billing: { id: string };

  beforeAll(async () => {
    billing = await folder();
    const sub = await folder('Invoices', billing.id);
    ids.invoice = (await entry({ folderId: sub.id, question: `Where can I download an invoice? ${tag}`, answer: 'Under Billing, as PDF.' })).id;
    ids.payment = (
      await entry({ folderId: billing.id, question: `Which payment methods do you accept? ${tag}`, answer: 'Card, and invoices for annual plans.' })
    ).id;
    ids.draft = (await entry({ question: `Draft about invoices ${tag}`, answer: 'Not yet.', published: false })).id;
  });

  const search = async (q: string, extra: Record<string, unknown> = {}, token = agent.token) =>
    (dataOf(await app.gql(SEARCH, { q, ...extra }, token)).searchFaqEntries as { id: string }[]).map((e) => e.id);

  it('matches every word, the last as a prefix, question matches first, drafts included unless filtered', async () => {
    const found = await search(`${tag} invoi`);
    // Both question matches (in either order), then the answer-only match.
    expect(found.slice(0, 2).sort()).toEqual([ids.invoice, ids.draft].sort());
    expect(found[2]).toBe(ids.payment);
    expect(await search(`${tag} invoi`, { published: true })).toEqual([ids.invoice, ids.payment]);
    expect(await search(`${tag} invoi`, { published: false })).toEqual([ids.draft]);
    expect(await search(`${tag} invoice pdf`)).toEqual([ids.invoice]);
    expect(await search(`${tag} invoi`, { folderId: billing.id })).toEqual([ids.invoice, ids.payment]);
    expect(await search(`${tag} paym`, {}, knowledgeToken)).toEqual([ids.payment]);
  });

  it('validates its input and treats syntax as words', async () => {
    expect((await search(`${tag}' | !invoi:* & (`)).sort()).toEqual([ids.invoice, ids.draft, ids.payment].sort());
    expect(await search('')).toEqual([]);
    expect(errorOf(await app.gql(SEARCH, { q: 'x'.repeat(201) }, agent.token))).toEqual({ code: 'VALIDATION', field: 'query' });
    expect(errorOf(await app.gql(SEARCH, { q: 'x', limit: 0 }, agent.token))).toEqual({ code: 'VALIDATION', field: 'limit' });
    expect(errorOf(await app.gql(SEARCH, { q: 'x', folderId: randomUUID() }, agent.token))).toEqual({ code: 'VALIDATION', field: 'folderId' });
  });
});

describe('sendFaq', () => {
  it('sends a published entry as text or as a link, through the chat, so the visitor receives it', async () => {
    const chat = await activeChat(app);
    const e = await entry({ question: 'How do I reset my password?', answer: 'Open Settings.\nThen Reset.' });
    const events = subscribe(app.ws(`Bearer ${chat.visitorToken}`), CHAT_EVENTS, { id: chat.sessionId, after: 0 });

    const asText = dataOf(await app.gql(SEND_FAQ, { sessionId: chat.sessionId, faqId: e.id }, chat.handler.token)).sendFaq;
    expect(asText).toMatchObject({ authorKind: 'AGENT', body: 'How do I reset my password?\n\nOpen Settings.\nThen Reset.' });
    const asLink = dataOf(await app.gql(SEND_FAQ, { sessionId: chat.sessionId, faqId: e.id, asLink: true, cid: 'faq-link' }, chat.handler.token)).sendFaq;
    expect(asLink.body).toBe(`How do I reset my password?\n${app.url}/faq/${e.id}`);
    await events.waitFor((v: any) => v.chatEvents.message?.body === asLink.body);
    await events.waitFor((v: any) => v.chatEvents.message?.body === asText.body);

    // A retry with the same clientMessageId sends nothing twice.
    const retried = dataOf(await app.gql(SEND_FAQ, { sessionId: chat.sessionId, faqId: e.id, asLink: true, cid: 'faq-link' }, chat.handler.token)).sendFaq;
    expect(retried.id).toBe(asLink.id);
    const bodies = dataOf(await app.gql(MESSAGES, { id: chat.sessionId }, chat.handler.token)).chatSession.messages.messages.map((m: any) => m.body);
    expect(bodies.filter((b: string) => b === asLink.body)).toHaveLength(1);

    // The link works for the visitor, without any token.
    const page = await fetch(`${app.url}/faq/${e.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Open Settings.\nThen Reset.');
    events.stop();
  });

  it('refuses drafts (VALIDATION on faqId) and unknown entries (NOT_FOUND), sending nothing', async () => {
    const chat = await activeChat(app);
    const draft = await entry({ published: false, question: 'Secret draft question' });
    expect(errorOf(await app.gql(SEND_FAQ, { sessionId: chat.sessionId, faqId: draft.id }, chat.handler.token))).toEqual({
      code: 'VALIDATION',
      field: 'faqId',
    });
    expect(errorOf(await app.gql(SEND_FAQ, { sessionId: chat.sessionId, faqId: randomUUID() }, chat.handler.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(SEND_FAQ, { sessionId: chat.sessionId, faqId: 'nope' }, chat.handler.token))).toEqual({ code: 'NOT_FOUND' });
    const bodies = dataOf(await app.gql(MESSAGES, { id: chat.sessionId }, chat.handler.token)).chatSession.messages.messages.map((m: any) => m.body);
    expect(bodies).toContain('Hello, I need help'); // the conversation is there, without the refused message
    expect(bodies.some((b: string) => b.includes('Secret draft'))).toBe(false);
  });

  it('is for the handling agent only', async () => {
    const chat = await activeChat(app);
    const e = await entry();
    const args = { sessionId: chat.sessionId, faqId: e.id };
    expect(errorOf(await app.gql(SEND_FAQ, args, chat.listener.token))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await app.gql(SEND_FAQ, args, agent.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(SEND_FAQ, args, admin.token))).toEqual({ code: 'FORBIDDEN' }); // admins read every chat, but write only their own
    expect(errorOf(await app.gql(SEND_FAQ, args, chat.visitorToken))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await app.gql(SEND_FAQ, args, knowledgeToken))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await app.gql(SEND_FAQ, args))).toEqual({ code: 'UNAUTHENTICATED' });
    dataOf(await app.gql(`mutation($id: ID!) { endChat(sessionId: $id) { id } }`, { id: chat.sessionId }, chat.handler.token));
    expect(errorOf(await app.gql(SEND_FAQ, args, chat.handler.token))).toEqual({ code: 'CONFLICT' });
  });
});

describe('the public FAQ page /faq/:id', () => {
  it('serves a published entry as escaped HTML that runs no script', async () => {
    const e = await entry({ question: 'Is <script>alert(1)</script> & "quotes" safe?', answer: "Yes: <img src=x onerror=alert(2)> it's text.\nSecond line." });
    const response = await fetch(`${app.url}/faq/${e.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<h1>Is &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; safe?</h1>');
    expect(html).toContain('Yes: &lt;img src=x onerror=alert(2)&gt; it&#39;s text.\nSecond line.');
    expect(html).toContain('<title>Is &lt;script&gt;');
    expect(html).not.toMatch(/<script|<img/);
    const head = await fetch(`${app.url}/faq/${e.id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('is 404 for drafts, unpublished, deleted, unknown and malformed ids, saying nothing about them', async () => {
    const draft = await entry({ published: false, question: 'Draft page question' });
    const e = await entry({ question: 'Soon unpublished' });
    expect((await fetch(`${app.url}/faq/${e.id}`)).status).toBe(200);
    dataOf(await app.gql(UPDATE, { id: e.id, input: { published: false } }, admin.token));
    const deleted = await entry();
    dataOf(await app.gql(DELETE, { id: deleted.id }, admin.token));
    const bodies = new Set<string>();
    for (const path of [draft.id, e.id, deleted.id, randomUUID(), 'not-a-uuid', `${e.id}/extra`, '%3Cscript%3E']) {
      const response = await fetch(`${app.url}/faq/${path}`);
      expect(response.status, path).toBe(404);
      const body = await response.text();
      expect(body).not.toMatch(/Draft page question|Soon unpublished|script/);
      bodies.add(body);
    }
    expect(bodies.size).toBe(1);
    expect((await fetch(`${app.url}/faq/${e.id}`, { method: 'POST' })).status).toBe(405);
  });
});
