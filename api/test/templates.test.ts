import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FOLDER_DEPTH } from '../src/modules/knowledge/folder-tree';
import { CHAT_EVENTS } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';
import { MESSAGES, activeChat, apiToken, dataOf, errorOf, roomyLimits } from './knowledge-fixtures';

const FOLDER_FIELDS = 'id name parent { id } children { id name } templates { id name }';
const TEMPLATE_FIELDS = 'id name body variables folder { id name } isFavourite useCount lastUsedAt';
const CREATE_FOLDER = `mutation($input: CreateReplyTemplateFolderInput!) { createReplyTemplateFolder(input: $input) { ${FOLDER_FIELDS} } }`;
const RENAME_FOLDER = `mutation($id: ID!, $name: String!) { renameReplyTemplateFolder(id: $id, name: $name) { ${FOLDER_FIELDS} } }`;
const MOVE_FOLDER = `mutation($id: ID!, $parentId: ID) { moveReplyTemplateFolder(id: $id, parentId: $parentId) { ${FOLDER_FIELDS} } }`;
const DELETE_FOLDER = `mutation($id: ID!, $all: Boolean) { deleteReplyTemplateFolder(id: $id, deleteContents: $all) { folderIds templateIds } }`;
const CREATE = `mutation($input: CreateReplyTemplateInput!) { createReplyTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateReplyTemplateInput!) { updateReplyTemplate(id: $id, input: $input) { ${TEMPLATE_FIELDS} } }`;
const MOVE = `mutation($id: ID!, $folderId: ID) { moveReplyTemplate(id: $id, folderId: $folderId) { ${TEMPLATE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteReplyTemplate(id: $id) }`;
const GET = `query($id: ID!) { replyTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`;
const FOLDERS = `{ replyTemplateFolders { id name parent { id } } }`;
const LIST = `query($folderId: ID, $first: Int, $after: String) { replyTemplates(folderId: $folderId, first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }`;
const SEARCH = `query($q: String!, $folderId: ID, $limit: Int) { searchReplyTemplates(query: $q, folderId: $folderId, limit: $limit) { id name } }`;
const VARIABLES = `{ replyTemplateVariables { name placeholder description } }`;
const RENDER = `query($id: ID!, $sessionId: ID!) { renderReplyTemplate(id: $id, sessionId: $sessionId) { text unresolvedVariables template { id } } }`;
const USE = `mutation($id: ID!, $sessionId: ID!) { useReplyTemplate(id: $id, sessionId: $sessionId) { text unresolvedVariables template { id useCount } } }`;
const SEND = `mutation($templateId: ID!, $sessionId: ID!, $cid: String) { sendReplyTemplate(templateId: $templateId, sessionId: $sessionId, clientMessageId: $cid) { id body authorKind clientMessageId } }`;
const FAVOURITE = `mutation($id: ID!, $on: Boolean!) { setReplyTemplateFavourite(id: $id, favourite: $on) { id isFavourite } }`;
const FAVOURITES = `{ favouriteReplyTemplates { id name } }`;
const RECENT = `query($limit: Int) { recentReplyTemplates(limit: $limit) { id name useCount } }`;

let app: TestApp;
let admin: { token: string };
let agent: { token: string; agent: { id: string } };
let knowledgeToken: string;
let chatsOnlyToken: string;
let visitorToken: string;

beforeAll(async () => {
  app = await startTestApp(roomyLimits);
  admin = await app.agentWithToken({ role: 'ADMIN' });
  agent = await app.agentWithToken();
  knowledgeToken = await apiToken(app, admin.token, ['KNOWLEDGE_READ']);
  chatsOnlyToken = await apiToken(app, admin.token, ['CHATS_READ', 'REQUESTS_WRITE']);
  visitorToken = (await app.services.auth.createVisitor({ name: 'Someone' })).token;
});
afterAll(() => app?.stop());

const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
async function folder(name = unique('Folder'), parentId: string | null = null) {
  return dataOf(await app.gql(CREATE_FOLDER, { input: { name, parentId } }, admin.token)).createReplyTemplateFolder;
}
async function template(input: { name?: string; body?: string; folderId?: string | null } = {}) {
  const result = await app.gql(CREATE, { input: { name: unique('Template'), body: 'Hello {{visitor.name}}', ...input } }, admin.token);
  return dataOf(result).createReplyTemplate;
}

describe('authorization', () => {
  it('lets every agent and KNOWLEDGE_READ tokens read; other tokens, visitors and anonymous callers cannot', async () => {
    const f = await folder();
    const t = await template({ folderId: f.id });
    const reads: [string, Record<string, unknown>][] = [
      [FOLDERS, {}],
      [GET, { id: t.id }],
      [LIST, { folderId: f.id }],
      [SEARCH, { q: t.name }],
      [VARIABLES, {}],
    ];
    for (const [query, variables] of reads) {
      for (const token of [agent.token, admin.token, knowledgeToken]) expect((await app.gql(query, variables, token)).errors, query).toBeUndefined();
      expect(errorOf(await app.gql(query, variables, chatsOnlyToken))).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables, visitorToken))).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables))).toEqual({ code: 'UNAUTHENTICATED' });
    }
    const forbidden = await app.gql(GET, { id: t.id }, chatsOnlyToken);
    expect(forbidden.errors?.[0]?.message).toContain('KNOWLEDGE_READ');
    // A script sees the templates but has no per-agent state.
    expect(dataOf(await app.gql(GET, { id: t.id }, knowledgeToken)).replyTemplate).toMatchObject({
      id: t.id,
      isFavourite: false,
      useCount: 0,
      lastUsedAt: null,
    });
  });

  it('lets only admins write: agents, KNOWLEDGE_READ tokens and visitors get FORBIDDEN, and nothing changes', async () => {
    const f = await folder();
    const t = await template({ folderId: f.id });
    const writes: [string, Record<string, unknown>][] = [
      [CREATE_FOLDER, { input: { name: unique('x') } }],
      [RENAME_FOLDER, { id: f.id, name: 'renamed' }],
      [MOVE_FOLDER, { id: f.id, parentId: null }],
      [DELETE_FOLDER, { id: f.id, all: true }],
      [CREATE, { input: { name: 'x', body: 'y' } }],
      [UPDATE, { id: t.id, input: { name: 'renamed' } }],
      [MOVE, { id: t.id, folderId: null }],
      [DELETE, { id: t.id }],
    ];
    for (const [query, variables] of writes) {
      for (const token of [agent.token, knowledgeToken, visitorToken])
        expect(errorOf(await app.gql(query, variables, token)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables))).toEqual({ code: 'UNAUTHENTICATED' });
    }
    expect(dataOf(await app.gql(GET, { id: t.id }, agent.token)).replyTemplate).toMatchObject({ name: t.name, folder: { id: f.id } });
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'x' } }, agent.token))).toEqual({ code: 'FORBIDDEN' });
    const message = (await app.gql(CREATE_FOLDER, { input: { name: 'x' } }, agent.token)).errors?.[0]?.message;
    expect(message).toBe('Requires an admin session.');
  });

  it('keeps favourites, recents, rendering and using to agents: API tokens get FORBIDDEN', async () => {
    const t = await template();
    const { sessionId } = await activeChat(app);
    for (const [query, variables] of [
      [FAVOURITE, { id: t.id, on: true }],
      [FAVOURITES, {}],
      [RECENT, {}],
      [RENDER, { id: t.id, sessionId }],
      [USE, { id: t.id, sessionId }],
      [SEND, { templateId: t.id, sessionId }],
    ] as const) {
      expect(errorOf(await app.gql(query, variables, knowledgeToken)), query).toEqual({ code: 'FORBIDDEN' });
      expect(errorOf(await app.gql(query, variables, visitorToken)), query).toEqual({ code: 'FORBIDDEN' });
    }
  });
});

describe('templates: validation and limits', () => {
  it('enforces name 1–100 and body 1–4000 characters, naming the field', async () => {
    expect((await template({ name: 'n'.repeat(100), body: 'b'.repeat(4000) })).body).toHaveLength(4000);
    for (const [input, field] of [
      [{ name: 'n'.repeat(101), body: 'ok' }, 'name'],
      [{ name: '   ', body: 'ok' }, 'name'],
      [{ name: 'ok', body: 'b'.repeat(4001) }, 'body'],
      [{ name: 'ok', body: ' \n\t ' }, 'body'],
    ] as const) {
      expect(errorOf(await app.gql(CREATE, { input }, admin.token))).toEqual({ code: 'VALIDATION', field });
    }
  });

  it('rejects a body with an unknown variable when it is saved, on create and on update', async () => {
    const created = await app.gql(CREATE, { input: { name: 'Bad', body: 'Hi {{visitor.phone}}, this is {{agent.nickname}}' } }, admin.token);
    expect(errorOf(created)).toEqual({ code: 'VALIDATION', field: 'body' });
    expect(created.errors?.[0]?.message).toContain('{{visitor.phone}}');
    expect(created.errors?.[0]?.message).toContain('{{visitor.name}}'); // says what would work
    expect(errorOf(await app.gql(CREATE, { input: { name: 'Bad', body: 'Hi {{visitor.name' } }, admin.token))).toEqual({ code: 'VALIDATION', field: 'body' });

    const t = await template({ body: 'Hi {{visitor.name}}' });
    expect(errorOf(await app.gql(UPDATE, { id: t.id, input: { body: 'Hi {{ visitor.nmae }}' } }, admin.token))).toEqual({ code: 'VALIDATION', field: 'body' });
    expect(dataOf(await app.gql(GET, { id: t.id }, admin.token)).replyTemplate.body).toBe('Hi {{visitor.name}}');
  });

  it('saves every known variable and reports which a template uses', async () => {
    const t = await template({ body: '{{request.number}} {{visitor.email}} {{ agent.name }} {{channel.name}} {{visitor.name}} {{agent.nickname}}' });
    expect(t.variables).toEqual(['request.number', 'visitor.email', 'agent.name', 'channel.name', 'visitor.name', 'agent.nickname']);
    const vars = dataOf(await app.gql(VARIABLES, {}, agent.token)).replyTemplateVariables;
    expect(vars.map((v: any) => v.placeholder)).toEqual([
      '{{visitor.name}}',
      '{{visitor.email}}',
      '{{agent.name}}',
      '{{agent.nickname}}',
      '{{channel.name}}',
      '{{request.number}}',
    ]);
    expect(vars.every((v: any) => v.description.length > 10)).toBe(true);
  });

  it('updates name and body independently and answers NOT_FOUND for unknown or malformed ids', async () => {
    const t = await template({ name: 'Before', body: 'Body before' });
    expect(dataOf(await app.gql(UPDATE, { id: t.id, input: { name: '  After  ' } }, admin.token)).updateReplyTemplate).toMatchObject({
      name: 'After',
      body: 'Body before',
    });
    expect(dataOf(await app.gql(UPDATE, { id: t.id, input: { body: 'Body\r\nafter' } }, admin.token)).updateReplyTemplate).toMatchObject({
      name: 'After',
      body: 'Body\nafter',
    });
    for (const id of [randomUUID(), 'not-a-uuid']) {
      for (const [query, variables] of [
        [GET, { id }],
        [UPDATE, { id, input: { name: 'x' } }],
        [MOVE, { id, folderId: null }],
        [DELETE, { id }],
        [FAVOURITE, { id, on: true }],
      ] as const)
        expect(errorOf(await app.gql(query, variables, admin.token)), query).toEqual({ code: 'NOT_FOUND' });
    }
  });

  it('rejects a missing or malformed folderId on create and move with VALIDATION naming folderId', async () => {
    const t = await template();
    for (const folderId of [randomUUID(), 'nope'])
      expect(errorOf(await app.gql(CREATE, { input: { name: 'x', body: 'y', folderId } }, admin.token))).toEqual({ code: 'VALIDATION', field: 'folderId' });
    expect(errorOf(await app.gql(MOVE, { id: t.id, folderId: randomUUID() }, admin.token))).toEqual({ code: 'VALIDATION', field: 'folderId' });
    // A malformed id argument names nothing at all: NOT_FOUND, whatever the resolver would say of a well-formed one.
    expect(errorOf(await app.gql(MOVE, { id: t.id, folderId: 'nope' }, admin.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it('deletes a template with every agent’s favourite and recent use of it', async () => {
    const t = await template();
    const { sessionId, handler } = await activeChat(app);
    dataOf(await app.gql(FAVOURITE, { id: t.id, on: true }, handler.token));
    dataOf(await app.gql(USE, { id: t.id, sessionId }, handler.token));
    expect(dataOf(await app.gql(DELETE, { id: t.id }, admin.token)).deleteReplyTemplate).toBe(t.id);
    expect(errorOf(await app.gql(GET, { id: t.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    expect(dataOf(await app.gql(FAVOURITES, {}, handler.token)).favouriteReplyTemplates).toEqual([]);
    expect(dataOf(await app.gql(RECENT, {}, handler.token)).recentReplyTemplates).toEqual([]);
    expect(errorOf(await app.gql(DELETE, { id: t.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('folders', () => {
  it('nests folders, renames them, and lists them flat with their parents', async () => {
    const root = await folder(unique('Root'));
    const child = await folder('Child', root.id);
    expect(child.parent).toEqual({ id: root.id });
    const renamed = dataOf(await app.gql(RENAME_FOLDER, { id: child.id, name: 'Kid' }, admin.token)).renameReplyTemplateFolder;
    expect(renamed.name).toBe('Kid');
    const all = dataOf(await app.gql(FOLDERS, {}, agent.token)).replyTemplateFolders;
    expect(all).toEqual(
      expect.arrayContaining([
        { id: root.id, name: root.name, parent: null },
        { id: child.id, name: 'Kid', parent: { id: root.id } },
      ]),
    );
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'x', parentId: randomUUID() } }, admin.token))).toEqual({
      code: 'VALIDATION',
      field: 'parentId',
    });
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'n'.repeat(101) } }, admin.token))).toEqual({ code: 'VALIDATION', field: 'name' });
    expect(errorOf(await app.gql(RENAME_FOLDER, { id: child.id, name: '' }, admin.token))).toEqual({ code: 'VALIDATION', field: 'name' });
    expect((await folder('n'.repeat(100), root.id)).name).toHaveLength(100);
  });

  it('keeps sibling names unique (case-insensitively) on create, rename and move: CONFLICT on name', async () => {
    const root = await folder();
    const a = await folder('Greetings', root.id);
    const other = await folder(unique('Other'));
    const b = await folder('greetings', other.id); // same name, different parent: fine
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'GREETINGS', parentId: root.id } }, admin.token))).toEqual({
      code: 'CONFLICT',
      field: 'name',
    });
    const c = await folder('Closing', root.id);
    expect(errorOf(await app.gql(RENAME_FOLDER, { id: c.id, name: 'greetings' }, admin.token))).toEqual({ code: 'CONFLICT', field: 'name' });
    expect(errorOf(await app.gql(MOVE_FOLDER, { id: b.id, parentId: root.id }, admin.token))).toEqual({ code: 'CONFLICT', field: 'name' });
    // Renaming a folder to its own name (in another case) is fine.
    expect(dataOf(await app.gql(RENAME_FOLDER, { id: a.id, name: 'GREETINGS' }, admin.token)).renameReplyTemplateFolder.name).toBe('GREETINGS');
  });

  it('moves folders and templates, and refuses cycles with VALIDATION on parentId', async () => {
    const a = await folder();
    const b = await folder('B', a.id);
    const c = await folder('C', b.id);
    const t = await template({ folderId: c.id });
    for (const target of [a.id, b.id, c.id])
      expect(errorOf(await app.gql(MOVE_FOLDER, { id: a.id, parentId: target }, admin.token))).toEqual({ code: 'VALIDATION', field: 'parentId' });
    expect(errorOf(await app.gql(MOVE_FOLDER, { id: b.id, parentId: c.id }, admin.token))).toEqual({ code: 'VALIDATION', field: 'parentId' });

    // c to the top level, then a under c: allowed now that c is no longer below a.
    expect(dataOf(await app.gql(MOVE_FOLDER, { id: c.id, parentId: null }, admin.token)).moveReplyTemplateFolder.parent).toBeNull();
    expect(dataOf(await app.gql(MOVE_FOLDER, { id: a.id, parentId: c.id }, admin.token)).moveReplyTemplateFolder.parent).toEqual({ id: c.id });

    expect(dataOf(await app.gql(MOVE, { id: t.id, folderId: b.id }, admin.token)).moveReplyTemplate.folder.id).toBe(b.id);
    expect(dataOf(await app.gql(MOVE, { id: t.id }, admin.token)).moveReplyTemplate.folder).toBeNull();
    expect(errorOf(await app.gql(MOVE_FOLDER, { id: randomUUID(), parentId: null }, admin.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it(`refuses nesting deeper than ${MAX_FOLDER_DEPTH} levels, by create or by move`, async () => {
    let parentId: string | null = null;
    const chain: string[] = [];
    for (let level = 1; level <= MAX_FOLDER_DEPTH; level++) {
      const created: { id: string } = await folder(`Level ${level} ${randomUUID().slice(0, 4)}`, parentId);
      chain.push(created.id);
      parentId = created.id;
    }
    expect(errorOf(await app.gql(CREATE_FOLDER, { input: { name: 'Too deep', parentId } }, admin.token))).toEqual({ code: 'VALIDATION', field: 'parentId' });
    const pair = await folder();
    await folder('Inner', pair.id);
    // A two-level folder fits below level MAX-2 but not below MAX-1.
    expect(errorOf(await app.gql(MOVE_FOLDER, { id: pair.id, parentId: chain[MAX_FOLDER_DEPTH - 2] }, admin.token))).toEqual({
      code: 'VALIDATION',
      field: 'parentId',
    });
    expect(dataOf(await app.gql(MOVE_FOLDER, { id: pair.id, parentId: chain[MAX_FOLDER_DEPTH - 3] }, admin.token)).moveReplyTemplateFolder.parent.id).toBe(
      chain[MAX_FOLDER_DEPTH - 3],
    );
  });

  it('never lets two concurrent moves build a cycle', async () => {
    for (let round = 0; round < 3; round++) {
      const x = await folder();
      const y = await folder();
      const [first, second] = await Promise.all([
        app.gql(MOVE_FOLDER, { id: x.id, parentId: y.id }, admin.token),
        app.gql(MOVE_FOLDER, { id: y.id, parentId: x.id }, admin.token),
      ]);
      const outcomes = [first, second].map((r) => (r.errors ? errorOf(r).field : 'ok')).sort();
      expect(outcomes).toEqual(['ok', 'parentId']);
      const rows = await app.services.prisma.replyTemplateFolder.findMany({ where: { id: { in: [x.id, y.id] } } });
      expect(rows.filter((r) => r.parentId !== null)).toHaveLength(1);
    }
  });

  it('refuses to delete a non-empty folder (CONFLICT on deleteContents) and deletes the whole subtree when asked', async () => {
    const top = await folder();
    const sub = await folder('Sub', top.id);
    const inTop = await template({ folderId: top.id });
    const inSub = await template({ folderId: sub.id });
    const outside = await template();

    const refused = await app.gql(DELETE_FOLDER, { id: top.id }, admin.token);
    expect(errorOf(refused)).toEqual({ code: 'CONFLICT', field: 'deleteContents' });
    expect(refused.errors?.[0]?.message).toMatch(/1 subfolder\(s\) and 2 templates/);
    expect(errorOf(await app.gql(DELETE_FOLDER, { id: top.id, all: false }, admin.token)).code).toBe('CONFLICT');
    expect(dataOf(await app.gql(GET, { id: inSub.id }, admin.token)).replyTemplate.folder.id).toBe(sub.id);

    const deleted = dataOf(await app.gql(DELETE_FOLDER, { id: top.id, all: true }, admin.token)).deleteReplyTemplateFolder;
    expect(deleted.folderIds.sort()).toEqual([top.id, sub.id].sort());
    expect(deleted.templateIds.sort()).toEqual([inTop.id, inSub.id].sort());
    for (const id of [inTop.id, inSub.id]) expect(errorOf(await app.gql(GET, { id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
    expect(dataOf(await app.gql(GET, { id: outside.id }, admin.token)).replyTemplate.id).toBe(outside.id);
    expect(await app.services.prisma.replyTemplateFolder.count({ where: { id: { in: [top.id, sub.id] } } })).toBe(0);

    const empty = await folder();
    expect(dataOf(await app.gql(DELETE_FOLDER, { id: empty.id }, admin.token)).deleteReplyTemplateFolder).toEqual({ folderIds: [empty.id], templateIds: [] });
    expect(errorOf(await app.gql(DELETE_FOLDER, { id: empty.id }, admin.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it('pages templates by name as a Relay connection, per folder, with at most 100 per page', async () => {
    const f = await folder();
    for (const name of ['Charlie', 'alpha', 'Bravo']) await template({ name, folderId: f.id });
    const first = dataOf(await app.gql(LIST, { folderId: f.id, first: 2 }, agent.token)).replyTemplates;
    const names: string[] = first.edges.map((e: any) => e.node.name);
    expect(names).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = dataOf(await app.gql(LIST, { folderId: f.id, first: 2, after: first.pageInfo.endCursor }, agent.token)).replyTemplates;
    names.push(...rest.edges.map((e: any) => e.node.name));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(names.sort()).toEqual(['Bravo', 'Charlie', 'alpha']);
    expect(names).toHaveLength(3);
    expect(errorOf(await app.gql(LIST, { first: 101 }, agent.token))).toEqual({ code: 'VALIDATION', field: 'first' });
    expect(errorOf(await app.gql(LIST, { folderId: 'nope' }, agent.token))).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('search', () => {
  const tag = `zq${randomUUID().slice(0, 6)}`; // a word no other test uses
  let greetings: { id: string };
  let sub: { id: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    greetings = await folder();
    sub = await folder('Sub', greetings.id);
    const rows = [
      ['thanks', { name: `Thank you ${tag}`, body: 'Thanks for contacting us, {{visitor.name}}!', folderId: greetings.id }],
      ['reset', { name: `Password reset ${tag}`, body: 'Open Settings and choose Reset.', folderId: sub.id }],
      ['bodyOnly', { name: `Account help ${tag}`, body: 'Your password can be changed under Account.', folderId: null }],
      ['nordic', { name: `Ærlig svar ${tag}`, body: 'Takk for tålmodigheten.', folderId: null }],
    ] as const;
    for (const [key, input] of rows) ids[key] = (await template(input)).id;
  });

  const search = async (q: string, extra: Record<string, unknown> = {}, token = agent.token) =>
    (dataOf(await app.gql(SEARCH, { q, ...extra }, token)).searchReplyTemplates as { id: string; name: string }[]).map((t) => t.id);

  it('matches the last word as a prefix while typing, across name and body', async () => {
    expect(await search(`${tag} thank yo`)).toEqual([ids.thanks]);
    expect(await search(`${tag} th`)).toEqual([ids.thanks]);
    expect(await search(`${tag} contact`)).toEqual([ids.thanks]); // in the body
    expect(await search(`${tag.slice(0, 5)}`)).toHaveLength(4); // a prefix of the tag itself
  });

  it('requires every word, ranks a name match above a body match, and knows English word forms', async () => {
    expect(await search(`${tag} password`)).toEqual([ids.reset, ids.bodyOnly]);
    expect(await search(`${tag} passwords`)).toEqual([ids.reset, ids.bodyOnly]); // stemmed
    expect(await search(`${tag} password settings`)).toEqual([ids.reset]);
    expect(await search(`${tag} password zebra`)).toEqual([]);
    // English stop words before the last word do not have to appear.
    expect(await search(`${tag} the password`)).toEqual([ids.reset, ids.bodyOnly]);
  });

  it('matches non-ASCII words by prefix on both engines', async () => {
    expect(await search(`${tag} ærl`)).toEqual([ids.nordic]);
    expect(await search(`ÆRLIG ${tag}`)).toEqual([ids.nordic]);
    expect(await search(`${tag} tålmod`)).toEqual([ids.nordic]);
  });

  it('limits results to a folder and its subfolders', async () => {
    expect((await search(tag, { folderId: greetings.id })).sort()).toEqual([ids.thanks, ids.reset].sort());
    expect(await search(tag, { folderId: sub.id })).toEqual([ids.reset]);
    expect(errorOf(await app.gql(SEARCH, { q: tag, folderId: randomUUID() }, agent.token))).toEqual({ code: 'VALIDATION', field: 'folderId' });
  });

  it('treats tsquery and SQL syntax as plain words', async () => {
    for (const q of [`${tag}' OR 'x'='x'; --`, `${tag} & !pass | (:* <-> "`, `${tag} reset\\' ); DROP TABLE "ReplyTemplate"; --`]) {
      const found = await search(q);
      expect(
        found.every((id) => Object.values(ids).includes(id)),
        q,
      ).toBe(true);
    }
    expect(await search(`${tag}:*`)).toHaveLength(4);
    expect(await search(`${tag} & !pass`)).toEqual([ids.reset, ids.bodyOnly]);
    expect(await app.services.prisma.replyTemplate.count()).toBeGreaterThan(0);
  });

  it('returns [] for text without letters or digits, and enforces the query length and limit', async () => {
    expect(await search('')).toEqual([]);
    expect(await search(' ?! ... ')).toEqual([]);
    expect(await search(`${tag} thank`, { limit: 1 })).toEqual([ids.thanks]);
    expect(await search(tag, { limit: 2 })).toHaveLength(2);
    expect(errorOf(await app.gql(SEARCH, { q: 'x'.repeat(201) }, agent.token))).toEqual({ code: 'VALIDATION', field: 'query' });
    expect(await search('x'.repeat(200))).toEqual([]);
    for (const limit of [0, 51]) expect(errorOf(await app.gql(SEARCH, { q: tag, limit }, agent.token))).toEqual({ code: 'VALIDATION', field: 'limit' });
  });

  it('serves API tokens with KNOWLEDGE_READ the same results', async () => {
    expect(await search(`${tag} password`, {}, knowledgeToken)).toEqual([ids.reset, ids.bodyOnly]);
  });
});

describe('filling in variables for a chat', () => {
  it('fills visitor, agent, channel and request; {{request.number}} stays visible until a request exists', async () => {
    const chat = await activeChat(app);
    await app.services.prisma.agent.update({ where: { id: chat.handler.agent.id }, data: { nickname: 'Gracie' } });
    const t = await template({
      body: 'Hi {{visitor.name}} ({{visitor.email}}), {{agent.nickname}} aka {{agent.name}} from {{channel.name}}. Ref {{request.number}}.',
    });

    const before = dataOf(await app.gql(RENDER, { id: t.id, sessionId: chat.sessionId }, chat.handler.token)).renderReplyTemplate;
    expect(before.text).toBe(`Hi Ada Lovelace (ada@example.com), Gracie aka ${chat.handler.agent.name} from ${chat.channel.name}. Ref {{request.number}}.`);
    expect(before.unresolvedVariables).toEqual(['request.number']);

    // Requests created from this chat: the newest one counts. One from another chat does not.
    const other = await activeChat(app);
    const prisma = app.services.prisma;
    await prisma.request.create({
      data: { number: 900_001, title: 'First', source: 'CHAT', sourceSessionId: chat.sessionId, createdAt: new Date(Date.now() - 60_000) },
    });
    await prisma.request.create({ data: { number: 900_002, title: 'Second', source: 'CHAT', sourceSessionId: chat.sessionId } });
    await prisma.request.create({ data: { number: 900_003, title: 'Elsewhere', source: 'CHAT', sourceSessionId: other.sessionId } });
    const after = dataOf(await app.gql(RENDER, { id: t.id, sessionId: chat.sessionId }, chat.handler.token)).renderReplyTemplate;
    expect(after.text).toMatch(/Ref R-900002\.$/);
    expect(after.unresolvedVariables).toEqual([]);
    expect(after.template.id).toBe(t.id);
    // Rendering records nothing.
    expect(dataOf(await app.gql(RECENT, {}, chat.handler.token)).recentReplyTemplates).toEqual([]);
  });

  it('uses the name for {{agent.nickname}} when there is no nickname, and leaves missing visitor details visible', async () => {
    const chat = await activeChat(app, {});
    const t = await template({ body: 'Hi {{visitor.name}}, I am {{agent.nickname}}. We will mail {{visitor.email}}.' });
    const rendered = dataOf(await app.gql(RENDER, { id: t.id, sessionId: chat.sessionId }, chat.handler.token)).renderReplyTemplate;
    expect(rendered.text).toBe(`Hi {{visitor.name}}, I am ${chat.handler.agent.name}. We will mail {{visitor.email}}.`);
    expect(rendered.unresolvedVariables).toEqual(['visitor.name', 'visitor.email']);
  });

  it('renders as the calling agent for any chat they can read, and NOT_FOUND for chats out of reach', async () => {
    const chat = await activeChat(app);
    const t = await template({ body: 'This is {{agent.name}}' });
    const asListener = dataOf(await app.gql(RENDER, { id: t.id, sessionId: chat.sessionId }, chat.listener.token)).renderReplyTemplate;
    expect(asListener.text).toBe(`This is ${chat.listener.agent.name}`);
    expect(errorOf(await app.gql(RENDER, { id: t.id, sessionId: chat.sessionId }, agent.token))).toEqual({ code: 'NOT_FOUND' });
    expect(errorOf(await app.gql(RENDER, { id: randomUUID(), sessionId: chat.sessionId }, chat.handler.token))).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('using, sending, recents and favourites', () => {
  it('useReplyTemplate fills in, records recently used with a count, newest first; only for the handling agent', async () => {
    const chat = await activeChat(app);
    const [a, b, c] = [await template({ name: 'A' }), await template({ name: 'B' }), await template({ name: 'C' })];
    for (const t of [a, b, a, c]) {
      const used = dataOf(await app.gql(USE, { id: t.id, sessionId: chat.sessionId }, chat.handler.token)).useReplyTemplate;
      expect(used.text).toBe('Hello Ada Lovelace');
    }
    const recent = dataOf(await app.gql(RECENT, {}, chat.handler.token)).recentReplyTemplates;
    expect(recent.map((t: any) => [t.id, t.useCount])).toEqual([
      [c.id, 1],
      [a.id, 2],
      [b.id, 1],
    ]);
    expect(dataOf(await app.gql(RECENT, { limit: 1 }, chat.handler.token)).recentReplyTemplates.map((t: any) => t.id)).toEqual([c.id]);
    for (const limit of [0, 51]) expect(errorOf(await app.gql(RECENT, { limit }, chat.handler.token))).toEqual({ code: 'VALIDATION', field: 'limit' });
    // Recents are per agent.
    expect(dataOf(await app.gql(RECENT, {}, chat.listener.token)).recentReplyTemplates).toEqual([]);
    const lastUsed = dataOf(await app.gql(GET, { id: a.id }, chat.handler.token)).replyTemplate;
    expect(lastUsed.useCount).toBe(2);
    expect(new Date(lastUsed.lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    expect(errorOf(await app.gql(USE, { id: a.id, sessionId: chat.sessionId }, chat.listener.token))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await app.gql(USE, { id: a.id, sessionId: chat.sessionId }, agent.token))).toEqual({ code: 'NOT_FOUND' });
  });

  it('counts concurrent uses exactly', async () => {
    const chat = await activeChat(app);
    const t = await template();
    const results = await Promise.all(Array.from({ length: 5 }, () => app.gql(USE, { id: t.id, sessionId: chat.sessionId }, chat.handler.token)));
    results.forEach(dataOf);
    expect(dataOf(await app.gql(GET, { id: t.id }, chat.handler.token)).replyTemplate.useCount).toBe(5);
  });

  it('sendReplyTemplate sends the filled text through the chat so the visitor receives it; a retry sends nothing twice', async () => {
    const chat = await activeChat(app);
    const t = await template({ body: 'Hi {{visitor.name}}, {{agent.nickname}} here.' });
    const visitorSocket = app.ws(`Bearer ${chat.visitorToken}`);
    const events = subscribe(visitorSocket, CHAT_EVENTS, { id: chat.sessionId, after: 0 });

    const sent = dataOf(await app.gql(SEND, { templateId: t.id, sessionId: chat.sessionId, cid: 'tpl-1' }, chat.handler.token)).sendReplyTemplate;
    const expected = `Hi Ada Lovelace, ${chat.handler.agent.name} here.`;
    expect(sent).toMatchObject({ body: expected, authorKind: 'AGENT', clientMessageId: 'tpl-1' });
    const event = await events.waitFor((e: any) => e.chatEvents.message?.body === expected);
    expect(event.chatEvents.message.author.displayName).toBe(chat.handler.agent.name);

    const retry = dataOf(await app.gql(SEND, { templateId: t.id, sessionId: chat.sessionId, cid: 'tpl-1' }, chat.handler.token)).sendReplyTemplate;
    expect(retry.id).toBe(sent.id);
    const bodies = dataOf(await app.gql(MESSAGES, { id: chat.sessionId }, chat.handler.token)).chatSession.messages.messages.map((m: any) => m.body);
    expect(bodies.filter((b: string) => b === expected)).toHaveLength(1);
    expect(dataOf(await app.gql(RECENT, {}, chat.handler.token)).recentReplyTemplates.map((r: any) => r.id)).toEqual([t.id]);
    events.stop();
  });

  it('refuses to send a template with a variable that has no value (VALIDATION on templateId), and sends nothing', async () => {
    const chat = await activeChat(app);
    const t = await template({ body: 'Your request number is {{request.number}}.' });
    const refused = await app.gql(SEND, { templateId: t.id, sessionId: chat.sessionId }, chat.handler.token);
    expect(errorOf(refused)).toEqual({ code: 'VALIDATION', field: 'templateId' });
    expect(refused.errors?.[0]?.message).toContain('no request has been created from this chat yet');
    const bodies = dataOf(await app.gql(MESSAGES, { id: chat.sessionId }, chat.handler.token)).chatSession.messages.messages.map((m: any) => m.body);
    expect(bodies).toContain('Hello, I need help'); // the conversation is there, without the refused message
    expect(bodies.some((b: string) => b.includes('request'))).toBe(false);
  });

  it('lets only the handling agent send: listeners get FORBIDDEN, agents outside the channel NOT_FOUND, an ended chat CONFLICT', async () => {
    const chat = await activeChat(app);
    const t = await template();
    expect(errorOf(await app.gql(SEND, { templateId: t.id, sessionId: chat.sessionId }, chat.listener.token))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await app.gql(SEND, { templateId: t.id, sessionId: chat.sessionId }, agent.token))).toEqual({ code: 'NOT_FOUND' });
    dataOf(await app.gql(`mutation($id: ID!) { endChat(sessionId: $id) { id } }`, { id: chat.sessionId }, chat.handler.token));
    expect(errorOf(await app.gql(SEND, { templateId: t.id, sessionId: chat.sessionId }, chat.handler.token))).toEqual({ code: 'CONFLICT' });
  });

  it('keeps favourites per agent; setting is idempotent', async () => {
    const other = await app.agentWithToken();
    const [a, b] = [await template({ name: 'Fav B' }), await template({ name: 'Fav A' })];
    for (let i = 0; i < 2; i++) expect(dataOf(await app.gql(FAVOURITE, { id: a.id, on: true }, agent.token)).setReplyTemplateFavourite.isFavourite).toBe(true);
    dataOf(await app.gql(FAVOURITE, { id: b.id, on: true }, agent.token));
    expect(dataOf(await app.gql(FAVOURITES, {}, agent.token)).favouriteReplyTemplates.map((t: any) => t.id)).toEqual([b.id, a.id]);
    expect(dataOf(await app.gql(GET, { id: a.id }, other.token)).replyTemplate.isFavourite).toBe(false);
    expect(dataOf(await app.gql(FAVOURITES, {}, other.token)).favouriteReplyTemplates).toEqual([]);
    for (let i = 0; i < 2; i++)
      expect(dataOf(await app.gql(FAVOURITE, { id: a.id, on: false }, agent.token)).setReplyTemplateFavourite.isFavourite).toBe(false);
    expect(dataOf(await app.gql(FAVOURITES, {}, agent.token)).favouriteReplyTemplates.map((t: any) => t.id)).toEqual([b.id]);
    // Concurrent favouriting of the same template ends in one favourite, without errors.
    const results = await Promise.all(Array.from({ length: 4 }, () => app.gql(FAVOURITE, { id: a.id, on: true }, other.token)));
    results.forEach(dataOf);
    expect(await app.services.prisma.replyTemplateFavourite.count({ where: { templateId: a.id } })).toBe(1);
  });
});
