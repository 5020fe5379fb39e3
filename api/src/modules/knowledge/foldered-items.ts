import { notFound, prismaFailure, validation } from '../../platform/errors';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { folderOperations, optionalFolderId, subtreeIds, type FolderModel, type FolderNode } from './folder-tree';
import { rankedSearchIds, type SearchedTable } from './ranked-search';
import { cleanSearch } from '../../platform/text-search';

type Db = Prisma.TransactionClient;

/** How one kind of item filed in a folder tree is stored; `Fields` are its columns besides the folder. */
export interface ItemModel<I extends { id: string }, Fields> {
  /** What NOT_FOUND names, e.g. "FaqEntry". */
  entity: string;
  find(db: Db, id: string): Promise<I | null>;
  create(tx: Db, data: Fields & { folderId: string | null }): Promise<I>;
  /** Writes one item; fails with Prisma's RECORD_MISSING when it is gone. */
  update(db: Db, id: string, data: Partial<Fields> | { folderId: string | null }): Promise<I>;
  /** Ids of the items filed directly in any of these folders. */
  idsInFolders(tx: Db, folderIds: string[]): Promise<string[]>;
  /** Deletes these items; how many there were. */
  deleteMany(db: Db, ids: string[]): Promise<number>;
  /** The item's table for searching: title (a name, a question) and text (a body, an answer). */
  searched: SearchedTable;
}

/** An item kind and the folder tree it is filed in: reply templates, FAQ entries. */
export interface FolderedItemsModel<F extends FolderNode, I extends { id: string }, Fields> {
  folders: Omit<FolderModel<F>, 'itemIds' | 'deleteItems'>;
  items: ItemModel<I, Fields>;
}

/**
 * The one core of FAQ entries and reply templates: the folder operations of their tree, and
 * finding, creating, changing, refiling, deleting and searching an item. Each service cleans its
 * own fields first; the core checks ids and folders and answers NOT_FOUND naming the item's entity.
 */
export function folderedItems<F extends FolderNode, I extends { id: string }, Fields>(prisma: PrismaClient, model: FolderedItemsModel<F, I, Fields>) {
  const { items } = model;
  const folders = folderOperations<F>(prisma, {
    ...model.folders,
    itemIds: items.idsInFolders,
    deleteItems: async (tx, ids) => void (await items.deleteMany(tx, ids)),
  });

  async function find(id: string, db: Db = prisma): Promise<I> {
    const item = isUuid(id) ? await items.find(db, id) : null;
    if (!item) throw notFound(items.entity, id);
    return item;
  }

  /** One write to an item found a moment ago: deleted meanwhile, it is NOT_FOUND like any missing id. */
  async function write(db: Db, id: string, data: Partial<Fields> | { folderId: string | null }): Promise<I> {
    try {
      return await items.update(db, id, data);
    } catch (error) {
      if (prismaFailure(error) === 'RECORD_MISSING') throw notFound(items.entity, id);
      throw error;
    }
  }

  /** Files the new item in `folderId` (none: top level), which must exist. */
  function create(fields: Fields, folderId: string | number | null | undefined): Promise<I> {
    const target = optionalFolderId('folderId', folderId);
    return prisma.$transaction(async (tx) => {
      await folders.checkFolderExists(tx, 'folderId', target);
      return items.create(tx, { ...fields, folderId: target });
    });
  }

  /** Changes the given fields; with none, the item is returned as it is. */
  async function update(id: string, changes: Partial<Fields>): Promise<I> {
    const item = await find(id);
    if (Object.keys(changes).length === 0) return item;
    return write(prisma, item.id, changes);
  }

  /** Files an item in another folder (null: none, at the top level). */
  async function move(id: string, folderId: string | number | null | undefined): Promise<I> {
    const target = optionalFolderId('folderId', folderId);
    const item = await find(id);
    return prisma.$transaction(async (tx) => {
      await folders.checkFolderExists(tx, 'folderId', target);
      return write(tx, item.id, { folderId: target });
    });
  }

  /** Deletes an item and returns its id. */
  async function remove(id: string): Promise<string> {
    const deleted = isUuid(id) ? await items.deleteMany(prisma, [id]) : 0;
    if (deleted === 0) throw notFound(items.entity, id);
    return id;
  }

  /**
   * Ids of the items whose title or text matches every word of the search (the last as a prefix),
   * best first. With `folderId`, only that folder and its subfolders; `conditions` (on `item`) narrow further.
   */
  async function searchIds(query: string, opts: { folderId?: string | number | null; limit?: number; conditions?: Prisma.Sql[] } = {}): Promise<string[]> {
    const limit = opts.limit ?? 20;
    const words = cleanSearch(query, limit);
    const folderId = optionalFolderId('folderId', opts.folderId);
    if (words.length === 0) return [];
    const conditions: Prisma.Sql[] = [];
    if (folderId) {
      const tree = await model.folders.all(prisma);
      if (!tree.some((f) => f.id === folderId)) throw validation('folderId', 'no such folder');
      conditions.push(Prisma.sql`item."folderId" = ANY(${subtreeIds(tree, folderId)}::uuid[])`);
    }
    return rankedSearchIds(prisma, items.searched, words, [...conditions, ...(opts.conditions ?? [])], limit);
  }

  /** The filter of a list of items: those filed directly in `folderId`, or all without one. */
  function filedIn(folderId: string | null | undefined): { folderId?: string } {
    if (folderId == null) return {};
    if (!isUuid(folderId)) throw validation('folderId', 'is not a valid id');
    return { folderId };
  }

  return { folders, find, create, update, move, remove, searchIds, filedIn };
}
