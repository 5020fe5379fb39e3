import { conflict, notFound } from '../../platform/errors';
import { Prisma, type PrismaClient, type QuickReply } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { cleanSearch, prefixSearchQuery, searchDocument, searchVector } from '../../platform/text-search';
import { multilineText, text } from '../../platform/validation';

export const MAX_QUICK_REPLY_NAME_LENGTH = 100;
/** Only the content is sent into a chat, so it is at most a message long. */
export const MAX_QUICK_REPLY_CONTENT_LENGTH = 4000;
/** A personal list, not a knowledge base: a cap keeps the Insert menu (and the table) sane. */
export const MAX_QUICK_REPLIES_PER_AGENT = 500;

/*
 * Quick replies are private to their owner: every function takes the owner's agent id and only
 * ever touches that agent's rows. Another agent's id is NOT_FOUND, exactly like an id that does
 * not exist, admins included, so ids leak nothing.
 */

/** The checks of a quick reply's fields, declared on the GraphQL inputs: values reach this service cleaned. */
export const quickReplyName = text('name', { max: MAX_QUICK_REPLY_NAME_LENGTH });
export const quickReplyContent = multilineText('content', { max: MAX_QUICK_REPLY_CONTENT_LENGTH });

export async function findOwnQuickReply(prisma: Pick<PrismaClient, 'quickReply'>, agentId: string, id: string): Promise<QuickReply> {
  const reply = isUuid(id) ? await prisma.quickReply.findFirst({ where: { id, agentId } }) : null;
  if (!reply) throw notFound('QuickReply', id);
  return reply;
}

export async function createQuickReply(prisma: PrismaClient, agentId: string, input: { name: string; content: string }): Promise<QuickReply> {
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
export async function updateQuickReply(
  prisma: PrismaClient,
  agentId: string,
  id: string,
  input: { name?: string | null; content?: string | null },
): Promise<QuickReply> {
  const data: Prisma.QuickReplyUpdateManyMutationInput = {};
  if (input.name != null) data.name = input.name;
  if (input.content != null) data.content = input.content;
  const reply = await findOwnQuickReply(prisma, agentId, id);
  if (Object.keys(data).length === 0) return reply;
  // updateMany with the owner in the filter: the ownership check and the write are one statement.
  const updated = await prisma.quickReply.updateMany({ where: { id: reply.id, agentId }, data });
  if (updated.count === 0) throw notFound('QuickReply', id);
  return findOwnQuickReply(prisma, agentId, reply.id);
}

export async function deleteQuickReply(prisma: PrismaClient, agentId: string, id: string): Promise<string> {
  const deleted = isUuid(id) ? await prisma.quickReply.deleteMany({ where: { id, agentId } }) : { count: 0 };
  if (deleted.count === 0) throw notFound('QuickReply', id);
  return id;
}

/** Ids of the agent's own quick replies matching every word (the last as a prefix), name weighing more than content. */
export async function searchQuickReplyIds(prisma: PrismaClient, agentId: string, query: string, limit = 20): Promise<string[]> {
  const words = cleanSearch(query, limit, 'search');
  if (words.length === 0) return [];
  const document = searchDocument([
    { column: Prisma.sql`q.name`, weight: 'A' },
    { column: Prisma.sql`q.content`, weight: 'B' },
  ]);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH search AS (SELECT ${prefixSearchQuery(words)} AS query)
    SELECT q.id
    FROM "QuickReply" q
    CROSS JOIN search
    CROSS JOIN LATERAL (SELECT ${document} AS document) doc
    WHERE q."agentId" = ${agentId}::uuid AND doc.document @@ search.query
    ORDER BY (${searchVector(Prisma.sql`q.name`)} @@ search.query) DESC, ts_rank(doc.document, search.query) DESC, lower(q.name), q.id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}
