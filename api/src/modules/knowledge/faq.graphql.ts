import { builder } from '../../graphql/builder';
import type { Context } from '../../graphql/context';
import { checkedPageSize } from '../../graphql/guards';
import { publicBaseUrl } from '../../graphql/request-origin';
import { FAQ_ENTRY_LIMITS, MAX_FAQ_QUESTION_LENGTH, faqAnswer, faqPagePath, faqQuestion } from './faq.service';
import { FOLDER_ORDER, MAX_FOLDER_DEPTH, MAX_FOLDER_NAME_LENGTH, folderName, type FolderDeletion } from './folder-tree';
import { inRankOrder } from './ranked-search';
import { MAX_SEARCH_QUERY_LENGTH, MAX_SEARCH_RESULTS } from '../../platform/text-search';
import { MessageRef } from '../chats/chats.graphql';

/** Every agent, and API tokens with KNOWLEDGE_READ. Only admins write; visitors see published entries only. */
const canReadKnowledge = { $any: { agent: true, apiScope: 'KNOWLEDGE_READ' } } as const;

builder.prismaObject('FaqFolder', {
  description: `A folder of FAQ entries. Folders nest up to ${MAX_FOLDER_DEPTH} levels, names unique among siblings; a channel suggests entries from its folder and every subfolder.`,
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { description: `The folder name, 1–${MAX_FOLDER_NAME_LENGTH} characters.` }),
    // The fields below would let a visitor walk from a suggestion to the drafts: agents and KNOWLEDGE_READ only.
    parent: t.relation('parent', {
      nullable: true,
      authScopes: canReadKnowledge,
      description: 'The folder it is in; null at the top level. Agents and KNOWLEDGE_READ.',
    }),
    children: t.relation('children', {
      authScopes: canReadKnowledge,
      query: { orderBy: FOLDER_ORDER },
      description: 'Its subfolders, by name. Agents and KNOWLEDGE_READ.',
    }),
    entries: t.relation('entries', {
      authScopes: canReadKnowledge,
      query: { orderBy: [{ question: 'asc' }, { id: 'asc' }] },
      description: 'The entries filed directly in it, drafts included, by question. Agents and KNOWLEDGE_READ.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', authScopes: canReadKnowledge, description: 'When it was created. Agents and KNOWLEDGE_READ.' }),
  }),
});

builder.prismaObject('FaqEntry', {
  description: 'A knowledge-base question and answer. Only published entries are shown to visitors.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    question: t.exposeString('question', { description: 'The question, as a visitor would ask it.' }),
    answer: t.exposeString('answer', { description: 'The answer, as plain text.' }),
    published: t.exposeBoolean('published', { description: 'Whether visitors can see it; drafts are false.' }),
    folder: t.relation('folder', { nullable: true, description: 'The folder it is filed in, if any.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
    pageUrl: t.string({
      nullable: true,
      description: 'The public read-only page of the entry (what `sendFaq` links to); null while it is a draft.',
      select: { published: true },
      resolve: (entry, _args, ctx) => (entry.published ? `${publicBaseUrl(ctx)}${faqPagePath(entry.id)}` : null),
    }),
  }),
});

builder.queryFields((t) => ({
  faqSuggestions: t.prismaField({
    type: ['FaqEntry'],
    description:
      'Up to 3 published FAQ entries from the channel’s FAQ folder (and its subfolders) that best match a visitor’s question, best first, for the widget to show before the visitor joins the queue. Needs no credentials. Empty when the channel has FAQ suggestions off or no FAQ folder. Limited per client address (FAQ_SUGGESTIONS_LIMIT_PER_IP a minute): RATE_LIMITED with `retryAfter`.',
    args: {
      channelId: t.arg.id({ required: true, description: 'The channel the visitor is on.' }),
      question: t.arg.string({
        required: true,
        description: `The visitor’s question, at most ${MAX_FAQ_QUESTION_LENGTH} characters. Entries matching any of its words are ranked.`,
      }),
    },
    resolve: (query, _root, { channelId, question }, ctx) => ctx.services.faq.suggest(ctx.ip, channelId, question, query),
  }),
}));

const FaqFolderDeletionRef = builder.objectRef<FolderDeletion>('FaqFolderDeletion').implement({
  description: 'What deleting a FAQ folder removed.',
  fields: (t) => ({
    folderIds: t.exposeIDList('folderIds', { description: 'The folder and every subfolder deleted with it.' }),
    entryIds: t.exposeIDList('itemIds', { description: 'The entries deleted with them (only with deleteContents).' }),
  }),
});

const CreateFaqFolderInput = builder.inputType('CreateFaqFolderInput', {
  description: 'A new FAQ folder.',
  fields: (t) => ({
    name: t.string({
      required: true,
      validate: folderName,
      description: `1–${MAX_FOLDER_NAME_LENGTH} characters, unique among its siblings (case-insensitively).`,
    }),
    parentId: t.id({ description: 'The folder to create it in; omit for the top level.' }),
  }),
});

const CreateFaqEntryInput = builder.inputType('CreateFaqEntryInput', {
  description: 'A new FAQ entry.',
  fields: (t) => ({
    question: t.string({ required: true, validate: faqQuestion, description: `1–${FAQ_ENTRY_LIMITS.question} characters.` }),
    answer: t.string({ required: true, validate: faqAnswer, description: `Plain text, 1–${FAQ_ENTRY_LIMITS.answer} characters; line breaks are kept.` }),
    folderId: t.id({ description: 'The folder to file it in; omit for none (then no channel suggests it).' }),
    published: t.boolean({ description: 'True to publish it at once; defaults to false (a draft).' }),
  }),
});

const UpdateFaqEntryInput = builder.inputType('UpdateFaqEntryInput', {
  description: 'Changes to a FAQ entry; omitted fields stay as they are. Use `moveFaqEntry` to refile it.',
  fields: (t) => ({
    question: t.string({ validate: faqQuestion, description: `1–${FAQ_ENTRY_LIMITS.question} characters.` }),
    answer: t.string({ validate: faqAnswer, description: `1–${FAQ_ENTRY_LIMITS.answer} characters.` }),
    published: t.boolean({ description: 'True publishes it (visitors can see it); false makes it a draft again.' }),
  }),
});

builder.queryFields((t) => ({
  faqFolders: t.prismaField({
    type: ['FaqFolder'],
    description: 'Every FAQ folder, flat, by name: build the tree from `parent`. Agents and API tokens with KNOWLEDGE_READ.',
    authScopes: canReadKnowledge,
    resolve: (query, _root, _args, ctx) => ctx.prisma.faqFolder.findMany({ ...query, orderBy: FOLDER_ORDER }),
  }),
  faqEntry: t.prismaField({
    type: 'FaqEntry',
    description: 'One FAQ entry by id, drafts included. Agents and API tokens with KNOWLEDGE_READ.',
    authScopes: canReadKnowledge,
    args: { id: t.arg.id({ required: true, description: 'The entry id.' }) },
    resolve: async (query, _root, { id }, ctx) => refetchEntry(ctx, query, (await ctx.services.faq.findEntry(id)).id),
  }),
  searchFaqEntries: t.prismaField({
    type: ['FaqEntry'],
    description:
      'FAQ entries whose question or answer contains every word of `query`, the last word as a prefix (typing-as-you-search), English word forms too; best first, a match in the question outweighing one in the answer. Agents and API tokens with KNOWLEDGE_READ.',
    authScopes: canReadKnowledge,
    args: {
      query: t.arg.string({
        required: true,
        description: `What was typed, at most ${MAX_SEARCH_QUERY_LENGTH} characters. Without letters or digits the result is empty.`,
      }),
      folderId: t.arg.id({ description: 'Only this folder and its subfolders.' }),
      published: t.arg.boolean({ description: 'True: only published entries (what can be sent to a visitor); false: only drafts; omit for both.' }),
      limit: t.arg.int({ defaultValue: 20, description: `At most this many, 1–${MAX_SEARCH_RESULTS}.` }),
    },
    resolve: async (query, _root, args, ctx) =>
      inRankOrder(await ctx.services.faq.searchEntryIds(args.query, { folderId: args.folderId, published: args.published, limit: args.limit ?? 20 }), (ids) =>
        ctx.prisma.faqEntry.findMany({ ...query, where: { id: { in: ids } } }),
      ),
  }),
}));

builder.queryField('faqEntries', (t) =>
  t.prismaConnection(
    {
      type: 'FaqEntry',
      cursor: 'id',
      maxSize: checkedPageSize,
      description:
        'FAQ entries by question, as a Relay connection: all of them, or those filed directly in one folder. Agents and API tokens with KNOWLEDGE_READ.',
      authScopes: canReadKnowledge,
      args: {
        folderId: t.arg.id({ description: 'Only the entries filed directly in this folder; omit for all.' }),
        published: t.arg.boolean({ description: 'True: only published; false: only drafts; omit for both.' }),
      },
      resolve: (query, _root, { folderId, published }, ctx) =>
        ctx.prisma.faqEntry.findMany({ ...query, ...ctx.services.faq.entryListArgs({ folderId, published }) }),
    },
    { name: 'FaqEntryConnection', description: 'A page of FAQ entries.' },
    { name: 'FaqEntryEdge', description: 'A FAQ entry in a page.' },
  ),
);

const refetchFolder = (ctx: Context, query: object, id: string) => ctx.prisma.faqFolder.findUniqueOrThrow({ ...query, where: { id } });
const refetchEntry = (ctx: Context, query: object, id: string) => ctx.prisma.faqEntry.findUniqueOrThrow({ ...query, where: { id } });

builder.mutationFields((t) => ({
  createFaqFolder: t.prismaField({
    type: 'FaqFolder',
    description: 'Creates a FAQ folder. Admins only. A sibling with the same name is a CONFLICT on name.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateFaqFolderInput, required: true, description: 'The new folder.' }) },
    resolve: async (query, _root, { input }, ctx) => refetchFolder(ctx, query, (await ctx.services.faq.createFolder(input)).id),
  }),
  renameFaqFolder: t.prismaField({
    type: 'FaqFolder',
    description: 'Renames a FAQ folder. Admins only.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The folder.' }),
      name: t.arg.string({
        required: true,
        validate: folderName,
        description: `The new name, 1–${MAX_FOLDER_NAME_LENGTH} characters, unique among its siblings.`,
      }),
    },
    resolve: async (query, _root, { id, name }, ctx) => refetchFolder(ctx, query, (await ctx.services.faq.renameFolder(id, name)).id),
  }),
  moveFaqFolder: t.prismaField({
    type: 'FaqFolder',
    description: `Moves a FAQ folder, with everything in it, into another folder or to the top level. Admins only. Into itself or one of its subfolders, or deeper than ${MAX_FOLDER_DEPTH} levels, is a VALIDATION error on parentId. Channels suggesting from a folder above it see the change at once.`,
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The folder to move.' }),
      parentId: t.arg.id({ description: 'Its new parent folder; omit or null for the top level.' }),
    },
    resolve: async (query, _root, { id, parentId }, ctx) => refetchFolder(ctx, query, (await ctx.services.faq.moveFolder(id, parentId)).id),
  }),
  deleteFaqFolder: t.field({
    type: FaqFolderDeletionRef,
    description:
      'Deletes a FAQ folder. Admins only. A folder that holds subfolders or entries is refused with CONFLICT (field deleteContents) unless `deleteContents` is true, which deletes the whole subtree with its entries. A folder (or subfolder) that a channel suggests from is refused with CONFLICT naming the channel.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The folder.' }),
      deleteContents: t.arg.boolean({ defaultValue: false, description: 'Also delete its subfolders and every entry in them.' }),
    },
    resolve: (_root, { id, deleteContents }, ctx) => ctx.services.faq.deleteFolder(id, deleteContents ?? false),
  }),
  createFaqEntry: t.prismaField({
    type: 'FaqEntry',
    description: 'Creates a FAQ entry, a draft unless `published` is true. Admins only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateFaqEntryInput, required: true, description: 'The new entry.' }) },
    resolve: async (query, _root, { input }, ctx) => refetchEntry(ctx, query, (await ctx.services.faq.createEntry(input)).id),
  }),
  updateFaqEntry: t.prismaField({
    type: 'FaqEntry',
    description: 'Changes a FAQ entry’s question, answer and/or published flag. Admins only.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The entry.' }),
      input: t.arg({ type: UpdateFaqEntryInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) => refetchEntry(ctx, query, (await ctx.services.faq.updateEntry(id, input)).id),
  }),
  moveFaqEntry: t.prismaField({
    type: 'FaqEntry',
    description: 'Files a FAQ entry in another folder, or in none. Admins only.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The entry.' }),
      folderId: t.arg.id({ description: 'The folder; omit or null for none.' }),
    },
    resolve: async (query, _root, { id, folderId }, ctx) => refetchEntry(ctx, query, (await ctx.services.faq.moveEntry(id, folderId)).id),
  }),
  deleteFaqEntry: t.id({
    description: 'Deletes a FAQ entry and returns its id; its public page is gone at once. Admins only.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, description: 'The entry.' }) },
    resolve: (_root, { id }, ctx) => ctx.services.faq.deleteEntry(id),
  }),
  sendFaq: t.field({
    type: MessageRef,
    description:
      'Sends a published FAQ entry into the chat you are handling, as your message: its question and answer as text, or its question and a link to its public read-only page (`asLink`). A draft is a VALIDATION error on faqId. Only the handling agent of an active chat.',
    authScopes: { agent: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat you are handling.' }),
      faqId: t.arg.id({ required: true, description: 'A published FAQ entry.' }),
      asLink: t.arg.boolean({
        defaultValue: false,
        description: 'True sends the question with a link to the entry’s page; false (the default) sends the question and answer as text.',
      }),
      clientMessageId: t.arg.string({
        description: 'Idempotency key as in `sendMessage`: a retry with the same value sends nothing twice. Omit to get a fresh one.',
      }),
    },
    resolve: (_root, { sessionId, faqId, asLink, clientMessageId }, ctx) =>
      ctx.services.faq.sendFaq(ctx.principal, ctx.ip, {
        sessionId: sessionId,
        faqId: faqId,
        asLink: asLink ?? false,
        clientMessageId,
        origin: publicBaseUrl(ctx),
      }),
  }),
}));
