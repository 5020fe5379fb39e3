import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { prefixSearchQuery, searchDocument, searchVector } from '../../platform/text-search';

/**
 * A knowledge table searched as you type (reply templates, FAQ entries, quick replies): a title
 * that weighs A and a text that weighs B. The table is aliased `item` in every fragment.
 */
export interface SearchedTable {
  /** The quoted table name, e.g. `"FaqEntry"`. */
  table: Prisma.Sql;
  title: Prisma.Sql;
  text: Prisma.Sql;
  /** How equally ranked rows are ordered, after the rank. */
  tieBreak: Prisma.Sql;
}

/**
 * Ids of the rows that match every word (the last as a prefix, see prefixSearchQuery) and every
 * condition, best first: a match in the title outweighs one in the text.
 */
export async function rankedSearchIds(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  searched: SearchedTable,
  words: string[],
  conditions: Prisma.Sql[],
  limit: number,
): Promise<string[]> {
  const document = searchDocument([
    { column: searched.title, weight: 'A' },
    { column: searched.text, weight: 'B' },
  ]);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH search AS (SELECT ${prefixSearchQuery(words)} AS query)
    SELECT item.id
    FROM ${searched.table} item
    CROSS JOIN search
    CROSS JOIN LATERAL (SELECT ${document} AS document) doc
    WHERE ${Prisma.join([...conditions, Prisma.sql`doc.document @@ search.query`], ' AND ')}
    ORDER BY (${searchVector(searched.title)} @@ search.query) DESC, ts_rank(doc.document, search.query) DESC, ${searched.tieBreak}
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/** Rows loaded by id, put back in the order of `ids` (a search's rank); nothing is loaded for no ids. */
export async function inRankOrder<T extends { id: string }>(ids: string[], load: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length === 0) return [];
  const rows = await load(ids);
  const position = new Map(ids.map((id, index) => [id, index]));
  return rows.filter((row) => position.has(row.id)).sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}
