import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/principal';
import { conflict, forbidden, notFound, validation } from '../../platform/errors';
import { Prisma, type FaqEntry, type FaqFolder, type PrismaClient } from '../../generated/prisma/client';
import { findReadableSession } from '../chats/chat-access';
import { isUuid } from '../../platform/ids';
import type { MessageDto } from '../chats/chat-dto';
import type { ChatService } from '../chats/chats.service';
import { folderOperations, optionalFolderId, subtreeIds } from './folder-tree';
import { cleanSearch, prefixSearchQuery, searchDocument, searchVector } from '../../platform/text-search';
import { cleanText } from '../../platform/validate';

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
  const channel = await prisma.channel.findUnique({ where: { id: channelId, archivedAt: null }, select: { faqSuggestionsEnabled: true, faqFolderId: true } });
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

// ───────────────────────── Administration, agent search and sending into a chat ─────────────────────────

export const FAQ_ENTRY_LIMITS = {
  question: 500,
  /** With the question and a blank line, an entry sent as text still fits one 4000-character message. */
  answer: 3000,
} as const;

const cleanQuestion = (question: string) => cleanText('question', question.replace(/\r\n?/g, '\n'), { max: FAQ_ENTRY_LIMITS.question });
const cleanAnswer = (answer: string) => cleanText('answer', answer.replace(/\r\n?/g, '\n'), { max: FAQ_ENTRY_LIMITS.answer });

export function faqFolders(prisma: PrismaClient) {
  return folderOperations<FaqFolder>(prisma, {
    tree: 'FaqFolder',
    entity: 'FaqFolder',
    items: 'entries',
    all: (tx) => tx.faqFolder.findMany({ select: { id: true, name: true, parentId: true } }),
    create: (tx, data) => tx.faqFolder.create({ data }),
    update: (tx, id, data) => tx.faqFolder.update({ where: { id }, data }),
    itemIds: async (tx, folderIds) => (await tx.faqEntry.findMany({ where: { folderId: { in: folderIds } }, select: { id: true } })).map((e) => e.id),
    deleteItems: async (tx, ids) => void (await tx.faqEntry.deleteMany({ where: { id: { in: ids } } })),
    deleteFolder: async (tx, id) => void (await tx.faqFolder.delete({ where: { id } })),
    // A channel suggests from its FAQ folder: deleting it would silently switch suggestions off.
    checkDelete: async (tx, folderIds) => {
      const channels = await tx.channel.findMany({ where: { faqFolderId: { in: folderIds } }, select: { name: true }, orderBy: { name: 'asc' } });
      if (channels.length)
        throw conflict(
          `The folder is the FAQ folder of ${channels.map((c) => `"${c.name}"`).join(', ')}: choose another FAQ folder for ${channels.length > 1 ? 'those channels' : 'that channel'} first.`,
          'id',
        );
    },
  });
}

async function findFaqEntry(prisma: Pick<PrismaClient, 'faqEntry'>, id: string): Promise<FaqEntry> {
  const entry = isUuid(id) ? await prisma.faqEntry.findUnique({ where: { id } }) : null;
  if (!entry) throw notFound('FaqEntry', id);
  return entry;
}

export async function createFaqEntry(
  prisma: PrismaClient,
  input: { question: string; answer: string; folderId?: string | number | null; published?: boolean | null },
): Promise<FaqEntry> {
  const question = cleanQuestion(input.question);
  const answer = cleanAnswer(input.answer);
  const folderId = optionalFolderId('folderId', input.folderId);
  const folders = faqFolders(prisma);
  return prisma.$transaction(async (tx) => {
    await folders.checkFolderExists(tx, 'folderId', folderId);
    return tx.faqEntry.create({ data: { question, answer, folderId, published: input.published ?? false } });
  });
}

/** Changes the question, answer and/or published flag; omitted (or null) fields stay as they are. */
export async function updateFaqEntry(
  prisma: PrismaClient,
  id: string,
  input: { question?: string | null; answer?: string | null; published?: boolean | null },
): Promise<FaqEntry> {
  const data: Prisma.FaqEntryUpdateManyMutationInput = {};
  if (input.question != null) data.question = cleanQuestion(input.question);
  if (input.answer != null) data.answer = cleanAnswer(input.answer);
  if (input.published != null) data.published = input.published;
  const entry = await findFaqEntry(prisma, id);
  if (Object.keys(data).length === 0) return entry;
  const updated = await prisma.faqEntry.updateMany({ where: { id: entry.id }, data });
  if (updated.count === 0) throw notFound('FaqEntry', id);
  return findFaqEntry(prisma, entry.id);
}

/** Files an entry in another folder (null: no folder, so no channel suggests it). */
export async function moveFaqEntry(prisma: PrismaClient, id: string, folderId: string | number | null | undefined): Promise<FaqEntry> {
  const target = optionalFolderId('folderId', folderId);
  const entry = await findFaqEntry(prisma, id);
  const folders = faqFolders(prisma);
  return prisma.$transaction(async (tx) => {
    await folders.checkFolderExists(tx, 'folderId', target);
    const moved = await tx.faqEntry.updateMany({ where: { id: entry.id }, data: { folderId: target } });
    if (moved.count === 0) throw notFound('FaqEntry', id);
    return tx.faqEntry.findUniqueOrThrow({ where: { id: entry.id } });
  });
}

export async function deleteFaqEntry(prisma: PrismaClient, id: string): Promise<string> {
  const deleted = isUuid(id) ? await prisma.faqEntry.deleteMany({ where: { id } }) : { count: 0 };
  if (deleted.count === 0) throw notFound('FaqEntry', id);
  return id;
}

/**
 * For agents and scripts: ids of the entries whose question or answer matches every word of the
 * search (the last as a prefix, see prefixSearchQuery), best first; a match in the question
 * outweighs one in the answer. With `folderId`, that folder and its subfolders; with `published`,
 * only published (true) or only draft (false) entries.
 */
export async function searchFaqEntryIds(
  prisma: PrismaClient,
  query: string,
  opts: { folderId?: string | number | null; published?: boolean | null; limit?: number } = {},
): Promise<string[]> {
  const limit = opts.limit ?? 20;
  const words = cleanSearch(query, limit);
  const folderId = optionalFolderId('folderId', opts.folderId);
  if (words.length === 0) return [];
  let folderFilter = Prisma.empty;
  if (folderId) {
    const folders = await prisma.faqFolder.findMany({ select: { id: true, name: true, parentId: true } });
    if (!folders.some((f) => f.id === folderId)) throw validation('folderId', 'no such folder');
    folderFilter = Prisma.sql`AND e."folderId" = ANY(${subtreeIds(folders, folderId)}::uuid[])`;
  }
  const publishedFilter = opts.published == null ? Prisma.empty : Prisma.sql`AND e.published = ${opts.published}`;
  const document = searchDocument([
    { column: Prisma.sql`e.question`, weight: 'A' },
    { column: Prisma.sql`e.answer`, weight: 'B' },
  ]);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH search AS (SELECT ${prefixSearchQuery(words)} AS query)
    SELECT e.id
    FROM "FaqEntry" e
    CROSS JOIN search
    CROSS JOIN LATERAL (SELECT ${document} AS document) doc
    WHERE doc.document @@ search.query ${folderFilter} ${publishedFilter}
    ORDER BY (${searchVector(Prisma.sql`e.question`)} @@ search.query) DESC, ts_rank(doc.document, search.query) DESC, e."updatedAt" DESC, e.id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/** The public, read-only page of a published entry (served by the API at /faq/:id). */
export const faqPagePath = (id: string) => `/faq/${id}`;

/** What a visitor receives: the question and the answer, or the question and a link to the entry's page. */
export function faqMessageBody(entry: Pick<FaqEntry, 'id' | 'question' | 'answer'>, asLink: boolean, origin: string): string {
  return asLink ? `${entry.question}\n${origin}${faqPagePath(entry.id)}` : `${entry.question}\n\n${entry.answer}`;
}

/**
 * Sends a published FAQ entry into a chat as the handling agent, through the chat's event log like
 * any agent message (so the visitor and every listener receive it, and a retry with the same
 * clientMessageId stores nothing twice).
 */
export async function sendFaq(
  deps: { prisma: PrismaClient; chats: Pick<ChatService, 'sendMessage'> },
  principal: Principal | null,
  ip: string,
  input: { sessionId: string; faqId: string; asLink: boolean; clientMessageId?: string | null; origin: string },
): Promise<MessageDto> {
  if (principal?.kind !== 'agent') throw forbidden('Only the agent handling the chat can send FAQ entries into it.');
  const session = await findReadableSession(deps.prisma, principal, input.sessionId);
  if (session.agentId !== principal.agent.id) throw forbidden('Only the agent handling this chat can write in it.');
  const entry = await findFaqEntry(deps.prisma, input.faqId);
  if (!entry.published) throw validation('faqId', 'this FAQ entry is a draft; publish it before sending it to a visitor');
  return deps.chats.sendMessage(principal, ip, {
    sessionId: session.id,
    body: faqMessageBody(entry, input.asLink, input.origin),
    clientMessageId: input.clientMessageId ?? randomUUID(),
  });
}
