// Module knowledge, the FAQ: question-and-answer entries in folders. Owns the entries and folders
// (on the foldered-items core shared with reply templates), suggesting published ones to a visitor
// before the queue, agents' search, sending an entry into a chat and its public page.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/principal';
import { conflict, forbidden, notFound, validation } from '../../platform/errors';
import { Prisma, type FaqEntry, type FaqFolder, type PrismaClient } from '../../generated/prisma/client';
import { findReadableSession } from '../chats/chat-access';
import { isUuid } from '../../platform/ids';
import type { MessageDto } from '../chats/chat-dto';
import type { ChatService } from '../chats/chats.service';
import { folderedItems } from './foldered-items';
import { inRankOrder } from './ranked-search';
import { enforceRateLimit, type RateLimit, type RateLimiter } from '../../platform/rate-limiter';
import { cleanText } from '../../platform/validate';
import { multilineText } from '../../platform/validation';

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

export const FAQ_ENTRY_LIMITS = {
  question: 500,
  /** With the question and a blank line, an entry sent as text still fits one 4000-character message. */
  answer: 3000,
} as const;

/** The checks of an entry's fields, declared on the GraphQL inputs: values reach this service cleaned. */
export const faqQuestion = multilineText('question', { max: FAQ_ENTRY_LIMITS.question });
export const faqAnswer = multilineText('answer', { max: FAQ_ENTRY_LIMITS.answer });

/** The public, read-only page of a published entry (served by the API at /faq/:id). */
export const faqPagePath = (id: string) => `/faq/${id}`;

/** What a visitor receives: the question and the answer, or the question and a link to the entry's page. */
export function faqMessageBody(entry: Pick<FaqEntry, 'id' | 'question' | 'answer'>, asLink: boolean, origin: string): string {
  return asLink ? `${entry.question}\n${origin}${faqPagePath(entry.id)}` : `${entry.question}\n\n${entry.answer}`;
}

type FaqEntryFields = Pick<FaqEntry, 'question' | 'answer' | 'published'>;
/** The include/select of a GraphQL selection. */
type FaqEntryQuery = { include?: Prisma.FaqEntryInclude; select?: Prisma.FaqEntrySelect };

function faqEntries(prisma: PrismaClient) {
  return folderedItems<FaqFolder, FaqEntry, FaqEntryFields>(prisma, {
    folders: {
      tree: 'FaqFolder',
      entity: 'FaqFolder',
      items: 'entries',
      all: (tx) => tx.faqFolder.findMany({ select: { id: true, name: true, parentId: true } }),
      create: (tx, data) => tx.faqFolder.create({ data }),
      update: (tx, id, data) => tx.faqFolder.update({ where: { id }, data }),
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
    },
    items: {
      entity: 'FaqEntry',
      find: (db, id) => db.faqEntry.findUnique({ where: { id } }),
      create: (tx, data) => tx.faqEntry.create({ data }),
      update: (db, id, data) => db.faqEntry.update({ where: { id }, data }),
      idsInFolders: async (tx, folderIds) => (await tx.faqEntry.findMany({ where: { folderId: { in: folderIds } }, select: { id: true } })).map((e) => e.id),
      deleteMany: async (db, ids) => (await db.faqEntry.deleteMany({ where: { id: { in: ids } } })).count,
      searched: {
        table: Prisma.raw('"FaqEntry"'),
        title: Prisma.raw('item.question'),
        text: Prisma.raw('item.answer'),
        tieBreak: Prisma.raw('item."updatedAt" DESC, item.id'),
      },
    },
  });
}

export interface FaqServiceDeps {
  prisma: PrismaClient;
  chats: Pick<ChatService, 'sendMessage'>;
  rateLimiter: RateLimiter;
  limits: { faqSuggestionsPerIp: RateLimit };
}

export function createFaqService({ prisma, chats, rateLimiter, limits }: FaqServiceDeps) {
  const entries = faqEntries(prisma);

  /**
   * Ids of the published entries in the channel's FAQ folder and all its subfolders that best match
   * any word of the question, best first. Full-text search uses the 'english' configuration
   * (stemming, stop words), which PGlite and PostgreSQL both ship; the question weighs A, the answer B.
   */
  async function rankFaqEntryIds(channelId: string, question: string, limit: number): Promise<string[]> {
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
   * faqSuggestions: the top published FAQ entries for a visitor's question (see rankFaqEntryIds),
   * limited per client address. Empty when the channel has suggestions off or no folder, or the
   * question has no searchable words. `query` carries the include/select of a GraphQL selection.
   */
  async function suggest(clientAddress: string, channelId: string, question: string, query: FaqEntryQuery): Promise<FaqEntry[]> {
    await enforceRateLimit(rateLimiter, `faqSuggestions:ip:${clientAddress}`, limits.faqSuggestionsPerIp);
    const ids = await rankFaqEntryIds(channelId, question, 3);
    const where = { id: { in: ids }, published: true };
    // The order needs the id, whatever the selection.
    const args: Prisma.FaqEntryFindManyArgs = query.select ? { where, select: { ...query.select, id: true } } : { where, include: query.include };
    return inRankOrder(ids, async () => (await prisma.faqEntry.findMany(args)) as FaqEntry[]);
  }

  function createEntry(input: { question: string; answer: string; folderId?: string | number | null; published?: boolean | null }): Promise<FaqEntry> {
    const { question, answer } = input;
    return entries.create({ question, answer, published: input.published ?? false }, input.folderId);
  }

  /** Changes the question, answer and/or published flag; omitted (or null) fields stay as they are. */
  function updateEntry(id: string, input: { question?: string | null; answer?: string | null; published?: boolean | null }): Promise<FaqEntry> {
    const changes: Partial<FaqEntryFields> = {};
    if (input.question != null) changes.question = input.question;
    if (input.answer != null) changes.answer = input.answer;
    if (input.published != null) changes.published = input.published;
    return entries.update(id, changes);
  }

  /**
   * For agents and scripts: ids of the entries whose question or answer matches every word of the
   * search (the last as a prefix, see prefixSearchQuery), best first; a match in the question
   * outweighs one in the answer. With `folderId`, that folder and its subfolders; with `published`,
   * only published (true) or only draft (false) entries.
   */
  function searchEntryIds(query: string, opts: { folderId?: string | number | null; published?: boolean | null; limit?: number } = {}): Promise<string[]> {
    const conditions = opts.published == null ? [] : [Prisma.sql`item.published = ${opts.published}`];
    return entries.searchIds(query, { folderId: opts.folderId, limit: opts.limit, conditions });
  }

  /** faqEntries: those filed directly in one folder (all without one), published or drafts or both, by question. */
  function entryListArgs(filter: { folderId?: string | null; published?: boolean | null }) {
    return {
      where: { ...entries.filedIn(filter.folderId), ...(filter.published != null ? { published: filter.published } : {}) },
      orderBy: [{ question: 'asc' }, { id: 'asc' }],
    } satisfies Prisma.FaqEntryFindManyArgs;
  }

  /** The entry behind a public page: only a published one, so a draft, a deleted entry and a malformed id all read as none. */
  function findPublishedEntry(id: string): Promise<Pick<FaqEntry, 'question' | 'answer' | 'updatedAt'> | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return prisma.faqEntry.findFirst({ where: { id, published: true }, select: { question: true, answer: true, updatedAt: true } });
  }

  /**
   * Sends a published FAQ entry into a chat as the handling agent, through the chat's event log like
   * any agent message (so the visitor and every listener receive it, and a retry with the same
   * clientMessageId stores nothing twice).
   */
  async function sendFaq(
    principal: Principal | null,
    ip: string,
    input: { sessionId: string; faqId: string; asLink: boolean; clientMessageId?: string | null; origin: string },
  ): Promise<MessageDto> {
    if (principal?.kind !== 'agent') throw forbidden('Only the agent handling the chat can send FAQ entries into it.');
    const session = await findReadableSession(prisma, principal, input.sessionId);
    if (session.agentId !== principal.agent.id) throw forbidden('Only the agent handling this chat can write in it.');
    const entry = await entries.find(input.faqId);
    if (!entry.published) throw validation('faqId', 'this FAQ entry is a draft; publish it before sending it to a visitor');
    return chats.sendMessage(principal, ip, {
      sessionId: session.id,
      body: faqMessageBody(entry, input.asLink, input.origin),
      clientMessageId: input.clientMessageId ?? randomUUID(),
    });
  }

  return {
    suggest,
    createFolder: entries.folders.create,
    renameFolder: entries.folders.rename,
    moveFolder: entries.folders.move,
    deleteFolder: entries.folders.remove,
    findEntry: (id: string) => entries.find(id),
    createEntry,
    updateEntry,
    /** Files an entry in another folder (null: no folder, so no channel suggests it). */
    moveEntry: entries.move,
    deleteEntry: entries.remove,
    searchEntryIds,
    entryListArgs,
    findPublishedEntry,
    sendFaq,
  };
}

export type FaqService = ReturnType<typeof createFaqService>;
