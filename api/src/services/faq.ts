import { notFound, validation } from '../errors';
import type { FaqEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { isUuid } from './chat-access';
import { cleanText } from './validate';

export const MAX_FAQ_QUESTION_LENGTH = 500;
export const MAX_FAQ_SUGGESTIONS = 10;
// More words add little to ranking and only make the query slower.
const MAX_SEARCH_WORDS = 32;

/**
 * The distinct words of a question, lower-cased, as plain letters and digits: nothing in them is
 * tsquery syntax, so joined with " or " they form a safe websearch_to_tsquery "any word" query.
 */
export function searchWords(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu) ?? [];
  // "or" would read as the operator itself; it is an English stop word anyway.
  return [...new Set(words.filter((word) => word !== 'or'))].slice(0, MAX_SEARCH_WORDS);
}

/**
 * Ids of the published entries in the channel's FAQ folder and all its subfolders that best match
 * any word of the question, best first. Full-text search uses the 'english' configuration
 * (stemming, stop words), which PGlite and PostgreSQL both ship; the question weighs A, the answer B.
 */
export async function rankFaqEntryIds(prisma: PrismaClient, channelId: string, question: string, limit = 3): Promise<string[]> {
  const text = cleanText('question', question, { max: MAX_FAQ_QUESTION_LENGTH, required: false });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FAQ_SUGGESTIONS)
    throw validation('limit', `must be a whole number from 1 to ${MAX_FAQ_SUGGESTIONS}`);
  if (!isUuid(channelId)) throw notFound('Channel', channelId);
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, select: { faqSuggestionsEnabled: true, faqFolderId: true } });
  if (!channel) throw notFound('Channel', channelId);
  const words = searchWords(text);
  if (!channel.faqSuggestionsEnabled || !channel.faqFolderId || words.length === 0) return [];

  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE folder_tree AS (
      SELECT id FROM "FaqFolder" WHERE id = ${channel.faqFolderId}::uuid
      UNION
      SELECT child.id FROM "FaqFolder" child JOIN folder_tree parent ON child."parentId" = parent.id
    ),
    search AS (SELECT websearch_to_tsquery('english', ${words.join(' or ')}) AS query)
    SELECT entry.id
    FROM "FaqEntry" entry
    CROSS JOIN search
    CROSS JOIN LATERAL (
      SELECT setweight(to_tsvector('english', entry.question), 'A') || setweight(to_tsvector('english', entry.answer), 'B') AS document
    ) doc
    WHERE entry.published
      AND entry."folderId" IN (SELECT id FROM folder_tree)
      AND doc.document @@ search.query
    ORDER BY ts_rank(doc.document, search.query) DESC, entry."updatedAt" DESC, entry.id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/**
 * The top published FAQ entries for a visitor's question (see rankFaqEntryIds). Empty when the
 * channel has suggestions off or no folder, or the question has no searchable words.
 * `query` carries the include/select of a GraphQL selection.
 */
export async function suggestFaqEntries(
  prisma: PrismaClient,
  channelId: string,
  question: string,
  limit = 3,
  query: { include?: Prisma.FaqEntryInclude; select?: Prisma.FaqEntrySelect } = {},
): Promise<FaqEntry[]> {
  const ids = await rankFaqEntryIds(prisma, channelId, question, limit);
  if (ids.length === 0) return [];
  const where = { id: { in: ids }, published: true };
  // The order below needs the id, whatever the selection.
  const args: Prisma.FaqEntryFindManyArgs = query.select ? { where, select: { ...query.select, id: true } } : { where, include: query.include };
  const entries = (await prisma.faqEntry.findMany(args)) as FaqEntry[];
  const position = new Map(ids.map((id, index) => [id, index]));
  return entries.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}
