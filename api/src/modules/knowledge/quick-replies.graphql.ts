import { builder } from '../../graphql/builder';
import { agentOf, type Context } from '../../graphql/context';
import {
  MAX_QUICK_REPLIES_PER_AGENT,
  MAX_QUICK_REPLY_CONTENT_LENGTH,
  MAX_QUICK_REPLY_NAME_LENGTH,
  quickReplyContent,
  quickReplyName,
} from './quick-replies.service';
import { inRankOrder } from './ranked-search';
import { MAX_SEARCH_QUERY_LENGTH, MAX_SEARCH_RESULTS } from '../../platform/text-search';

/*
 * Quick replies are reachable only through these fields, and each one filters by the calling
 * agent: no query takes another agent's id, and nothing links to a QuickReply from elsewhere.
 */

builder.prismaObject('QuickReply', {
  description:
    'A personal short text of one agent, for the Insert menu. Only its owner can read it (admins included: nobody else); only its content is ever sent into a chat.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { description: `A private label, 1–${MAX_QUICK_REPLY_NAME_LENGTH} characters; never sent.` }),
    content: t.exposeString('content', { description: `The text inserted into the chat, 1–${MAX_QUICK_REPLY_CONTENT_LENGTH} characters.` }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

const CreateQuickReplyInput = builder.inputType('CreateQuickReplyInput', {
  description: 'A new quick reply of your own.',
  fields: (t) => ({
    name: t.string({ required: true, validate: quickReplyName, description: `A private label, 1–${MAX_QUICK_REPLY_NAME_LENGTH} characters.` }),
    content: t.string({ required: true, validate: quickReplyContent, description: `The text to insert, 1–${MAX_QUICK_REPLY_CONTENT_LENGTH} characters.` }),
  }),
});

const UpdateQuickReplyInput = builder.inputType('UpdateQuickReplyInput', {
  description: 'Changes to one of your quick replies; omitted fields stay as they are.',
  fields: (t) => ({
    name: t.string({ validate: quickReplyName, description: `1–${MAX_QUICK_REPLY_NAME_LENGTH} characters.` }),
    content: t.string({ validate: quickReplyContent, description: `1–${MAX_QUICK_REPLY_CONTENT_LENGTH} characters.` }),
  }),
});

const ownerId = (ctx: Context) => agentOf(ctx)!.id;
// Every id reaching it came from the service, which only ever returns the caller's own.
const refetch = (ctx: Context, query: object, id: string) => ctx.prisma.quickReply.findUniqueOrThrow({ ...query, where: { id } });

builder.queryFields((t) => ({
  myQuickReplies: t.prismaField({
    type: ['QuickReply'],
    description: `Your own quick replies (at most ${MAX_QUICK_REPLIES_PER_AGENT}), by name. With \`search\`, only those whose name or content contains every word (the last as a prefix, for typing-as-you-search), best first.`,
    authScopes: { agent: true },
    args: {
      search: t.arg.string({ description: `What you typed, at most ${MAX_SEARCH_QUERY_LENGTH} characters; omit for all.` }),
      limit: t.arg.int({ defaultValue: 20, description: `With \`search\`: at most this many, 1–${MAX_SEARCH_RESULTS}.` }),
    },
    resolve: async (query, _root, { search, limit }, ctx) => {
      const quickReplies = ctx.services.quickReplies;
      if (search == null) return ctx.prisma.quickReply.findMany({ ...query, ...quickReplies.listArgs(ownerId(ctx)) });
      return inRankOrder(await quickReplies.searchIds(ownerId(ctx), search, limit ?? 20), (ids) =>
        ctx.prisma.quickReply.findMany({ ...query, where: { id: { in: ids } } }),
      );
    },
  }),
  quickReply: t.prismaField({
    type: 'QuickReply',
    description: 'One of your own quick replies. Another agent’s id is NOT_FOUND, exactly like an id that does not exist.',
    authScopes: { agent: true },
    args: { id: t.arg.id({ required: true, description: 'The quick reply.' }) },
    resolve: async (query, _root, { id }, ctx) => refetch(ctx, query, (await ctx.services.quickReplies.findOwn(ownerId(ctx), id)).id),
  }),
}));

builder.mutationFields((t) => ({
  createQuickReply: t.prismaField({
    type: 'QuickReply',
    description: `Creates a quick reply of your own. At most ${MAX_QUICK_REPLIES_PER_AGENT} per agent (CONFLICT beyond).`,
    authScopes: { agent: true },
    args: { input: t.arg({ type: CreateQuickReplyInput, required: true, description: 'The new quick reply.' }) },
    resolve: async (query, _root, { input }, ctx) => refetch(ctx, query, (await ctx.services.quickReplies.create(ownerId(ctx), input)).id),
  }),
  updateQuickReply: t.prismaField({
    type: 'QuickReply',
    description: 'Changes one of your own quick replies. Another agent’s is NOT_FOUND.',
    authScopes: { agent: true },
    args: {
      id: t.arg.id({ required: true, description: 'The quick reply.' }),
      input: t.arg({ type: UpdateQuickReplyInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) => refetch(ctx, query, (await ctx.services.quickReplies.update(ownerId(ctx), id, input)).id),
  }),
  deleteQuickReply: t.id({
    description: 'Deletes one of your own quick replies and returns its id. Another agent’s is NOT_FOUND.',
    authScopes: { agent: true },
    args: { id: t.arg.id({ required: true, description: 'The quick reply.' }) },
    resolve: (_root, { id }, ctx) => ctx.services.quickReplies.remove(ownerId(ctx), id),
  }),
}));
