// Module knowledge, quick replies: an agent's own short texts for the Insert menu. Owns finding,
// creating (up to a cap per agent), changing, deleting, listing and searching them; only their
// owner ever reads or writes them, admins included.
import { conflict, notFound } from '../../platform/errors';
import { Prisma, type PrismaClient, type QuickReply } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { cleanSearch } from '../../platform/text-search';
import { rankedSearchIds, type SearchedTable } from './ranked-search';
import { multilineText, text } from '../../platform/validation';

export const MAX_QUICK_REPLY_NAME_LENGTH = 100;
/** Only the content is sent into a chat, so it is at most a message long. */
export const MAX_QUICK_REPLY_CONTENT_LENGTH = 4000;
/** A personal list, not a knowledge base: a cap keeps the Insert menu (and the table) sane. */
export const MAX_QUICK_REPLIES_PER_AGENT = 500;

/** The checks of a quick reply's fields, declared on the GraphQL inputs: values reach this service cleaned. */
export const quickReplyName = text('name', { max: MAX_QUICK_REPLY_NAME_LENGTH });
export const quickReplyContent = multilineText('content', { max: MAX_QUICK_REPLY_CONTENT_LENGTH });

const SEARCHED: SearchedTable = {
  table: Prisma.raw('"QuickReply"'),
  title: Prisma.raw('item.name'),
  text: Prisma.raw('item.content'),
  tieBreak: Prisma.raw('lower(item.name), item.id'),
};

export interface QuickReplyServiceDeps {
  prisma: PrismaClient;
}

/**
 * Quick replies are private to their owner: every function takes the owner's agent id and only
 * ever touches that agent's rows. Another agent's id is NOT_FOUND, exactly like an id that does
 * not exist, admins included, so ids leak nothing.
 */
export function createQuickReplyService({ prisma }: QuickReplyServiceDeps) {
  async function findOwn(agentId: string, id: string): Promise<QuickReply> {
    const reply = isUuid(id) ? await prisma.quickReply.findFirst({ where: { id, agentId } }) : null;
    if (!reply) throw notFound('QuickReply', id);
    return reply;
  }

  async function create(agentId: string, input: { name: string; content: string }): Promise<QuickReply> {
    const { name, content } = input;
    return prisma.$transaction(async (tx) => {
      // Serialise per agent so two concurrent creates cannot both pass the cap.
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`quick-replies:${agentId}`}))::text`;
      const count = await tx.quickReply.count({ where: { agentId } });
      if (count >= MAX_QUICK_REPLIES_PER_AGENT)
        throw conflict(`You already have ${MAX_QUICK_REPLIES_PER_AGENT} quick replies, the most allowed; delete some first.`);
      return tx.quickReply.create({ data: { agentId, name, content } });
    });
  }

  /** Changes the name and/or content of one of the agent's own quick replies; omitted fields stay. */
  async function update(agentId: string, id: string, input: { name?: string | null; content?: string | null }): Promise<QuickReply> {
    const data: Prisma.QuickReplyUpdateManyMutationInput = {};
    if (input.name != null) data.name = input.name;
    if (input.content != null) data.content = input.content;
    const reply = await findOwn(agentId, id);
    if (Object.keys(data).length === 0) return reply;
    // updateMany with the owner in the filter: the ownership check and the write are one statement.
    const updated = await prisma.quickReply.updateMany({ where: { id: reply.id, agentId }, data });
    if (updated.count === 0) throw notFound('QuickReply', id);
    return findOwn(agentId, reply.id);
  }

  async function remove(agentId: string, id: string): Promise<string> {
    const deleted = isUuid(id) ? await prisma.quickReply.deleteMany({ where: { id, agentId } }) : { count: 0 };
    if (deleted.count === 0) throw notFound('QuickReply', id);
    return id;
  }

  /** Ids of the agent's own quick replies matching every word (the last as a prefix), name weighing more than content. */
  async function searchIds(agentId: string, query: string, limit = 20): Promise<string[]> {
    const words = cleanSearch(query, limit, 'search');
    if (words.length === 0) return [];
    return rankedSearchIds(prisma, SEARCHED, words, [Prisma.sql`item."agentId" = ${agentId}::uuid`], limit);
  }

  /** The agent's whole list, by name: the filter and order of `myQuickReplies` without a search. */
  function listArgs(agentId: string) {
    return { where: { agentId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] } satisfies Prisma.QuickReplyFindManyArgs;
  }

  return { findOwn, create, update, remove, searchIds, listArgs };
}

export type QuickReplyService = ReturnType<typeof createQuickReplyService>;
