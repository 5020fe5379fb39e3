import { builder } from '../../graphql/builder';
import { agentOf, type Context } from '../../graphql/context';
import { checkedPageSize } from '../../graphql/guards';
import { FOLDER_ORDER, MAX_FOLDER_DEPTH, MAX_FOLDER_NAME_LENGTH, folderName, type FolderDeletion } from './folder-tree';
import { inRankOrder } from './ranked-search';
import { MAX_SEARCH_QUERY_LENGTH, MAX_SEARCH_RESULTS } from '../../platform/text-search';
import {
  MAX_RECENT_TEMPLATES,
  MAX_TEMPLATE_BODY_LENGTH,
  MAX_TEMPLATE_NAME_LENGTH,
  TEMPLATE_VARIABLES,
  TEMPLATE_VARIABLE_NAMES,
  recentTemplatesLimit,
  templateBody,
  templateName,
  templateVariablesUsed,
  type RenderedReplyTemplate,
  type TemplateVariable,
} from './templates.service';
import { MessageRef } from '../chats/chats.graphql';

/** Every agent, and API tokens with KNOWLEDGE_READ. Only admins write. */
const canReadKnowledge = { $any: { agent: true, apiScope: 'KNOWLEDGE_READ' } } as const;
// An id no row has: per-agent fields of API tokens match nothing.
const NO_AGENT = '00000000-0000-0000-0000-000000000000';
const callerAgentId = (ctx: Context) => agentOf(ctx)?.id ?? NO_AGENT;

builder.prismaObject('ReplyTemplateFolder', {
  description: `A folder of reply templates. Folders nest up to ${MAX_FOLDER_DEPTH} levels; names are unique among siblings.`,
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { description: `The folder name, 1–${MAX_FOLDER_NAME_LENGTH} characters.` }),
    parent: t.relation('parent', { nullable: true, description: 'The folder it is in; null at the top level.' }),
    children: t.relation('children', { query: { orderBy: FOLDER_ORDER }, description: 'Its subfolders, by name.' }),
    templates: t.relation('templates', { query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] }, description: 'The templates filed directly in it, by name.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
  }),
});

builder.prismaObject('ReplyTemplate', {
  description:
    'A shared reply text that agents insert into a chat. Its body may hold variables such as {{visitor.name}}, filled in for a chat by `renderReplyTemplate`/`useReplyTemplate`. Readable by agents and API tokens with KNOWLEDGE_READ; written by admins.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { description: `The name shown in the Insert menu, 1–${MAX_TEMPLATE_NAME_LENGTH} characters.` }),
    body: t.exposeString('body', { description: `The text with its variables unfilled, 1–${MAX_TEMPLATE_BODY_LENGTH} characters.` }),
    folder: t.relation('folder', { nullable: true, description: 'The folder it is filed in; null at the top level.' }),
    variables: t.stringList({
      description: 'The variables the body uses, without braces (e.g. "visitor.name"), in order of first use.',
      resolve: (template) => templateVariablesUsed(template.body),
    }),
    isFavourite: t.boolean({
      description: 'Whether the calling agent marked it as a favourite. Always false for API tokens.',
      select: (_args, ctx) => ({ favourites: { where: { agentId: callerAgentId(ctx) }, select: { agentId: true } } }),
      resolve: (template) => template.favourites.length > 0,
    }),
    useCount: t.int({
      description: 'How many times the calling agent has used it. Always 0 for API tokens.',
      select: (_args, ctx) => ({ uses: { where: { agentId: callerAgentId(ctx) }, select: { useCount: true } } }),
      resolve: (template) => template.uses[0]?.useCount ?? 0,
    }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the calling agent last used it; null if never (and for API tokens).',
      select: (_args, ctx) => ({ uses: { where: { agentId: callerAgentId(ctx) }, select: { lastUsedAt: true } } }),
      resolve: (template) => template.uses[0]?.lastUsedAt ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

const TemplateVariableRef = builder.objectRef<{ name: TemplateVariable }>('ReplyTemplateVariable').implement({
  description: 'A variable a reply template may use. Any other {{…}} in a template body is rejected when it is saved.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name, e.g. "visitor.name".' }),
    placeholder: t.string({ description: 'How to write it in a template body, e.g. "{{visitor.name}}".', resolve: (v) => `{{${v.name}}}` }),
    description: t.string({ description: 'What it is filled with.', resolve: (v) => TEMPLATE_VARIABLES[v.name] }),
  }),
});

const RenderedReplyTemplateRef = builder.objectRef<RenderedReplyTemplate>('RenderedReplyTemplate').implement({
  description: 'A reply template filled in for one chat.',
  fields: (t) => ({
    template: t.prismaField({
      type: 'ReplyTemplate',
      description: 'The template.',
      resolve: (query, r, _args, ctx) => ctx.prisma.replyTemplate.findUniqueOrThrow({ ...query, where: { id: r.template.id } }),
    }),
    text: t.exposeString('text', {
      description:
        'The text with every variable that has a value filled in. A variable without a value in this chat (say, {{request.number}} before any request was created from it, or {{visitor.name}} when the visitor gave no name) stays visible as written, never blank: see `unresolvedVariables`.',
    }),
    unresolvedVariables: t.stringList({
      description: 'The variables left as written in `text` because this chat has no value for them; empty when the text is ready to send.',
      resolve: (r) => r.unresolved,
    }),
  }),
});

const DeletionRef = builder.objectRef<FolderDeletion>('ReplyTemplateFolderDeletion').implement({
  description: 'What deleting a reply-template folder removed.',
  fields: (t) => ({
    folderIds: t.exposeIDList('folderIds', { description: 'The folder and every subfolder deleted with it.' }),
    templateIds: t.exposeIDList('itemIds', { description: 'The templates deleted with them (only with deleteContents).' }),
  }),
});

const CreateReplyTemplateFolderInput = builder.inputType('CreateReplyTemplateFolderInput', {
  description: 'A new reply-template folder.',
  fields: (t) => ({
    name: t.string({
      required: true,
      validate: folderName,
      description: `1–${MAX_FOLDER_NAME_LENGTH} characters, unique among its siblings (case-insensitively).`,
    }),
    parentId: t.id({ description: 'The folder to create it in; omit for the top level.' }),
  }),
});

const CreateReplyTemplateInput = builder.inputType('CreateReplyTemplateInput', {
  description: 'A new reply template.',
  fields: (t) => ({
    name: t.string({ required: true, validate: templateName, description: `1–${MAX_TEMPLATE_NAME_LENGTH} characters.` }),
    body: t.string({
      required: true,
      validate: templateBody,
      description: `1–${MAX_TEMPLATE_BODY_LENGTH} characters. Variables: ${TEMPLATE_VARIABLE_NAMES.map((n) => `{{${n}}}`).join(', ')}; any other {{…}} is a VALIDATION error on body.`,
    }),
    folderId: t.id({ description: 'The folder to file it in; omit for the top level.' }),
  }),
});

const UpdateReplyTemplateInput = builder.inputType('UpdateReplyTemplateInput', {
  description: 'Changes to a reply template; omitted fields stay as they are. Use `moveReplyTemplate` to refile it.',
  fields: (t) => ({
    name: t.string({ validate: templateName, description: `1–${MAX_TEMPLATE_NAME_LENGTH} characters.` }),
    body: t.string({ validate: templateBody, description: `1–${MAX_TEMPLATE_BODY_LENGTH} characters; unknown variables are rejected.` }),
  }),
});

builder.queryFields((t) => ({
  replyTemplateFolders: t.prismaField({
    type: ['ReplyTemplateFolder'],
    description: 'Every reply-template folder, flat, by name: build the tree from `parent`. Agents and API tokens with KNOWLEDGE_READ.',
    authScopes: canReadKnowledge,
    resolve: (query, _root, _args, ctx) => ctx.prisma.replyTemplateFolder.findMany({ ...query, orderBy: FOLDER_ORDER }),
  }),
  replyTemplate: t.prismaField({
    type: 'ReplyTemplate',
    description: 'One reply template by id. Agents and API tokens with KNOWLEDGE_READ.',
    authScopes: canReadKnowledge,
    args: { id: t.arg.id({ required: true, description: 'The template id.' }) },
    resolve: async (query, _root, { id }, ctx) => refetchTemplate(ctx, query, (await ctx.services.templates.findTemplate(id)).id),
  }),
  searchReplyTemplates: t.prismaField({
    type: ['ReplyTemplate'],
    description: `Templates whose name or body contains every word of \`query\`, the last word as a prefix (typing-as-you-search: "thank yo" finds "Thank you"), English word forms too ("passwords" finds "password"); best first, a match in the name outweighing one in the body. Agents and API tokens with KNOWLEDGE_READ.`,
    authScopes: canReadKnowledge,
    args: {
      query: t.arg.string({
        required: true,
        description: `What the agent typed, at most ${MAX_SEARCH_QUERY_LENGTH} characters. Without letters or digits the result is empty.`,
      }),
      folderId: t.arg.id({ description: 'Only this folder and its subfolders.' }),
      limit: t.arg.int({ defaultValue: 20, description: `At most this many, 1–${MAX_SEARCH_RESULTS}.` }),
    },
    resolve: async (query, _root, args, ctx) =>
      inRankOrder(await ctx.services.templates.searchTemplateIds(args.query, { folderId: args.folderId, limit: args.limit ?? 20 }), (ids) =>
        ctx.prisma.replyTemplate.findMany({ ...query, where: { id: { in: ids } } }),
      ),
  }),
  replyTemplateVariables: t.field({
    type: [TemplateVariableRef],
    description: 'The variables reply templates may use, for an editor to offer.',
    authScopes: canReadKnowledge,
    resolve: () => TEMPLATE_VARIABLE_NAMES.map((name) => ({ name })),
  }),
  favouriteReplyTemplates: t.prismaField({
    type: ['ReplyTemplate'],
    description: 'The templates the calling agent marked as favourites, by name.',
    authScopes: { agent: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.replyTemplate.findMany({ ...query, ...ctx.services.templates.favouriteListArgs(agentOf(ctx)!.id) }),
  }),
  recentReplyTemplates: t.prismaField({
    type: ['ReplyTemplate'],
    description: 'The templates the calling agent used most recently (with `useReplyTemplate` or `sendReplyTemplate`), newest first.',
    authScopes: { agent: true },
    args: { limit: t.arg.int({ defaultValue: 10, validate: recentTemplatesLimit, description: `At most this many, 1–${MAX_RECENT_TEMPLATES}.` }) },
    resolve: async (query, _root, { limit }, ctx) =>
      inRankOrder(await ctx.services.templates.recentTemplateIds(agentOf(ctx)!.id, limit ?? 10), (ids) =>
        ctx.prisma.replyTemplate.findMany({ ...query, where: { id: { in: ids } } }),
      ),
  }),
  renderReplyTemplate: t.field({
    type: RenderedReplyTemplateRef,
    description:
      'A template filled in for a chat you can read, as you (the calling agent) would send it, without recording a use. Variables without a value stay visible and are listed in `unresolvedVariables`.',
    authScopes: { agent: true },
    args: {
      id: t.arg.id({ required: true, description: 'The template.' }),
      sessionId: t.arg.id({ required: true, description: 'The chat whose visitor, channel and request fill the variables.' }),
    },
    resolve: (_root, { id, sessionId }, ctx) => ctx.services.templates.renderTemplate(ctx.principal, id, sessionId),
  }),
}));

builder.queryField('replyTemplates', (t) =>
  t.prismaConnection(
    {
      type: 'ReplyTemplate',
      cursor: 'id',
      maxSize: checkedPageSize,
      description:
        'Reply templates by name, as a Relay connection: all of them, or those filed directly in one folder. Agents and API tokens with KNOWLEDGE_READ.',
      authScopes: canReadKnowledge,
      args: { folderId: t.arg.id({ description: 'Only the templates filed directly in this folder; omit for all.' }) },
      resolve: (query, _root, { folderId }, ctx) => ctx.prisma.replyTemplate.findMany({ ...query, ...ctx.services.templates.templateListArgs(folderId) }),
    },
    { name: 'ReplyTemplateConnection', description: 'A page of reply templates.' },
    { name: 'ReplyTemplateEdge', description: 'A reply template in a page.' },
  ),
);

const refetchFolder = (ctx: Context, query: object, id: string) => ctx.prisma.replyTemplateFolder.findUniqueOrThrow({ ...query, where: { id } });
const refetchTemplate = (ctx: Context, query: object, id: string) => ctx.prisma.replyTemplate.findUniqueOrThrow({ ...query, where: { id } });

builder.mutationFields((t) => ({
  createReplyTemplateFolder: t.prismaField({
    type: 'ReplyTemplateFolder',
    description: 'Creates a reply-template folder. Admins only. A sibling with the same name is a CONFLICT on name.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateReplyTemplateFolderInput, required: true, description: 'The new folder.' }) },
    resolve: async (query, _root, { input }, ctx) => refetchFolder(ctx, query, (await ctx.services.templates.createFolder(input)).id),
  }),
  renameReplyTemplateFolder: t.prismaField({
    type: 'ReplyTemplateFolder',
    description: 'Renames a reply-template folder. Admins only.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The folder.' }),
      name: t.arg.string({
        required: true,
        validate: folderName,
        description: `The new name, 1–${MAX_FOLDER_NAME_LENGTH} characters, unique among its siblings.`,
      }),
    },
    resolve: async (query, _root, { id, name }, ctx) => refetchFolder(ctx, query, (await ctx.services.templates.renameFolder(id, name)).id),
  }),
  moveReplyTemplateFolder: t.prismaField({
    type: 'ReplyTemplateFolder',
    description: `Moves a reply-template folder, with everything in it, into another folder or to the top level. Admins only. Moving a folder into itself or one of its subfolders, or nesting deeper than ${MAX_FOLDER_DEPTH} levels, is a VALIDATION error on parentId.`,
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The folder to move.' }),
      parentId: t.arg.id({ description: 'Its new parent folder; omit or null for the top level.' }),
    },
    resolve: async (query, _root, { id, parentId }, ctx) => refetchFolder(ctx, query, (await ctx.services.templates.moveFolder(id, parentId)).id),
  }),
  deleteReplyTemplateFolder: t.field({
    type: DeletionRef,
    description:
      'Deletes a reply-template folder. Admins only. A folder that holds subfolders or templates is refused with CONFLICT (field deleteContents) unless `deleteContents` is true, which deletes the whole subtree with its templates. Nothing is silently moved or left unfiled.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The folder.' }),
      deleteContents: t.arg.boolean({ defaultValue: false, description: 'Also delete its subfolders and every template in them.' }),
    },
    resolve: (_root, { id, deleteContents }, ctx) => ctx.services.templates.deleteFolder(id, deleteContents ?? false),
  }),
  createReplyTemplate: t.prismaField({
    type: 'ReplyTemplate',
    description: 'Creates a reply template. Admins only. An unknown variable in the body is a VALIDATION error on body.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateReplyTemplateInput, required: true, description: 'The new template.' }) },
    resolve: async (query, _root, { input }, ctx) => refetchTemplate(ctx, query, (await ctx.services.templates.createTemplate(input)).id),
  }),
  updateReplyTemplate: t.prismaField({
    type: 'ReplyTemplate',
    description: 'Changes a reply template’s name and/or body. Admins only. An unknown variable in the body is a VALIDATION error on body.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The template.' }),
      input: t.arg({ type: UpdateReplyTemplateInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) => refetchTemplate(ctx, query, (await ctx.services.templates.updateTemplate(id, input)).id),
  }),
  moveReplyTemplate: t.prismaField({
    type: 'ReplyTemplate',
    description: 'Files a reply template in another folder, or at the top level. Admins only.',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: 'The template.' }),
      folderId: t.arg.id({ description: 'The folder; omit or null for the top level.' }),
    },
    resolve: async (query, _root, { id, folderId }, ctx) => refetchTemplate(ctx, query, (await ctx.services.templates.moveTemplate(id, folderId)).id),
  }),
  deleteReplyTemplate: t.id({
    description: 'Deletes a reply template (and every agent’s favourite and recent use of it). Admins only. Returns its id.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, description: 'The template.' }) },
    resolve: (_root, { id }, ctx) => ctx.services.templates.deleteTemplate(id),
  }),
  setReplyTemplateFavourite: t.prismaField({
    type: 'ReplyTemplate',
    description: 'Marks (true) or unmarks (false) a template as one of your favourites. Idempotent. Agents.',
    authScopes: { agent: true },
    args: {
      id: t.arg.id({ required: true, description: 'The template.' }),
      favourite: t.arg.boolean({ required: true, description: 'True to add it to your favourites, false to remove it.' }),
    },
    resolve: async (query, _root, { id, favourite }, ctx) =>
      refetchTemplate(ctx, query, (await ctx.services.templates.setFavourite(agentOf(ctx)!.id, id, favourite)).id),
  }),
  useReplyTemplate: t.field({
    type: RenderedReplyTemplateRef,
    description:
      'The Insert menu’s action: fills a template in for the chat you are handling and records it in your recently used templates. The console puts `text` in the input for you to edit and send; variables without a value stay visible there. Only the handling agent (FORBIDDEN otherwise).',
    authScopes: { agent: true },
    args: {
      id: t.arg.id({ required: true, description: 'The template.' }),
      sessionId: t.arg.id({ required: true, description: 'The chat you are handling.' }),
    },
    resolve: (_root, { id, sessionId }, ctx) => ctx.services.templates.useTemplate(ctx.principal, id, sessionId),
  }),
  sendReplyTemplate: t.field({
    type: MessageRef,
    description:
      'Fills a template in for the chat you are handling and sends it as your message, recording the use. A variable without a value in this chat (e.g. {{request.number}} before a request exists) is a VALIDATION error on templateId: nothing is sent with a blank or a raw placeholder. Only the handling agent of an active chat.',
    authScopes: { agent: true },
    args: {
      templateId: t.arg.id({ required: true, description: 'The template.' }),
      sessionId: t.arg.id({ required: true, description: 'The chat you are handling.' }),
      clientMessageId: t.arg.string({
        description: 'Idempotency key as in `sendMessage`: a retry with the same value sends nothing twice. Omit to get a fresh one.',
      }),
    },
    resolve: (_root, { templateId, sessionId, clientMessageId }, ctx) =>
      ctx.services.templates.sendTemplate(ctx.principal, ctx.ip, { templateId, sessionId, clientMessageId }),
  }),
}));
