import { conflict, notFound, validation } from '../../platform/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { text } from '../../platform/validation';

/** Folders of reply templates and of FAQ entries share these rules. */
export const MAX_FOLDER_NAME_LENGTH = 100;
/** A top-level folder is depth 1. Deeper trees are unusable in an Insert menu. */
export const MAX_FOLDER_DEPTH = 8;

/** Folders are listed by name, then id for a stable order among equal names. */
export const FOLDER_ORDER = [{ name: 'asc' }, { id: 'asc' }] satisfies Prisma.FaqFolderOrderByWithRelationInput[];

export interface FolderNode {
  id: string;
  name: string;
  parentId: string | null;
}

/** A folder's name, checked on the GraphQL inputs: `create` and `rename` get it cleaned. */
export const folderName = text('name', { max: MAX_FOLDER_NAME_LENGTH });

/** A folder id given in an input (parentId, folderId): null for "top level"; VALIDATION when malformed. */
export function optionalFolderId(field: string, value: string | number | null | undefined): string | null {
  if (value == null || value === '') return null;
  const id = String(value);
  if (!isUuid(id)) throw validation(field, 'is not a valid folder id');
  return id;
}

/** The folder and all folders below it, the folder first. */
export function subtreeIds(folders: readonly FolderNode[], rootId: string): string[] {
  const children = new Map<string | null, string[]>();
  for (const f of folders) children.set(f.parentId, [...(children.get(f.parentId) ?? []), f.id]);
  const result: string[] = [];
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    if (result.includes(id)) continue; // a corrupt cycle must not loop forever
    result.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return result;
}

/** 1 for a top-level folder; counts the path up to the root. */
export function depthOf(folders: readonly FolderNode[], id: string | null): number {
  const byId = new Map(folders.map((f) => [f.id, f]));
  let depth = 0;
  const seen = new Set<string>();
  for (let at = id; at != null && !seen.has(at); at = byId.get(at)?.parentId ?? null) {
    seen.add(at);
    depth += 1;
  }
  return depth;
}

/** Levels in the subtree under (and including) a folder: 1 for a folder without subfolders. */
export function heightOf(folders: readonly FolderNode[], id: string): number {
  const seen = new Set<string>();
  const height = (at: string): number => {
    if (seen.has(at)) return 0; // a corrupt cycle must not recurse forever
    seen.add(at);
    return 1 + Math.max(0, ...folders.filter((f) => f.parentId === at).map((c) => height(c.id)));
  };
  return height(id);
}

/**
 * Checks that a folder (with its whole subtree) may go under `newParentId` (null: top level):
 * not under itself or one of its own subfolders, and no deeper than MAX_FOLDER_DEPTH.
 */
export function checkFolderPlacement(folders: readonly FolderNode[], folderId: string | null, newParentId: string | null): void {
  if (newParentId == null) {
    if (folderId && heightOf(folders, folderId) > MAX_FOLDER_DEPTH) throw validation('parentId', `folders nest at most ${MAX_FOLDER_DEPTH} levels deep`);
    return;
  }
  if (folderId && subtreeIds(folders, folderId).includes(newParentId))
    throw validation('parentId', newParentId === folderId ? 'a folder cannot be its own parent' : 'a folder cannot move into one of its own subfolders');
  const height = folderId ? heightOf(folders, folderId) : 1;
  if (depthOf(folders, newParentId) + height > MAX_FOLDER_DEPTH) throw validation('parentId', `folders nest at most ${MAX_FOLDER_DEPTH} levels deep`);
}

/** Folder names are unique among siblings (case-insensitively), so a path names one folder. */
export function checkSiblingName(folders: readonly FolderNode[], parentId: string | null, name: string, exceptId: string | null): void {
  const lower = name.toLowerCase();
  const taken = folders.find((f) => f.parentId === parentId && f.id !== exceptId && f.name.toLowerCase() === lower);
  if (taken) throw conflict(`A folder named "${taken.name}" already exists there.`, 'name');
}

/**
 * Serialises every change to one folder tree (and to what is filed in it) for the rest of the
 * transaction, so two concurrent moves cannot together build a cycle, and nothing is filed into a
 * folder that is being deleted.
 */
export async function lockFolderTree(tx: Prisma.TransactionClient, tree: 'ReplyTemplateFolder' | 'FaqFolder'): Promise<void> {
  // ::text because Prisma cannot read a void column.
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`knowledge-tree:${tree}`}))::text`;
}

/** How one kind of folder tree is stored: reply-template folders or FAQ folders. */
export interface FolderModel<F extends FolderNode> {
  tree: 'ReplyTemplateFolder' | 'FaqFolder';
  /** What NOT_FOUND names. */
  entity: string;
  /** What the folders hold, for messages: "templates", "entries". */
  items: string;
  all(tx: Prisma.TransactionClient): Promise<FolderNode[]>;
  create(tx: Prisma.TransactionClient, data: { name: string; parentId: string | null }): Promise<F>;
  update(tx: Prisma.TransactionClient, id: string, data: { name?: string; parentId?: string | null }): Promise<F>;
  /** Ids of the items filed directly in any of these folders. */
  itemIds(tx: Prisma.TransactionClient, folderIds: string[]): Promise<string[]>;
  deleteItems(tx: Prisma.TransactionClient, ids: string[]): Promise<void>;
  /** Deletes one folder; the database cascades to its subfolders. */
  deleteFolder(tx: Prisma.TransactionClient, id: string): Promise<void>;
  /** Refuses (CONFLICT) when something outside the tree still depends on these folders. */
  checkDelete?(tx: Prisma.TransactionClient, folderIds: string[]): Promise<void>;
}

export interface FolderDeletion {
  folderIds: string[];
  itemIds: string[];
}

/** Create, rename, move and delete for one folder tree, each in one serialised transaction. */
export function folderOperations<F extends FolderNode>(prisma: PrismaClient, model: FolderModel<F>) {
  const inTree = <R>(work: (tx: Prisma.TransactionClient, folders: FolderNode[]) => Promise<R>) =>
    prisma.$transaction(async (tx) => {
      await lockFolderTree(tx, model.tree);
      return work(tx, await model.all(tx));
    });

  const existing = (folders: FolderNode[], id: string): FolderNode => {
    const folder = isUuid(id) ? folders.find((f) => f.id === id) : undefined;
    if (!folder) throw notFound(model.entity, id);
    return folder;
  };

  /** A folder referenced from an input (a new parent, a target folder): VALIDATION when it does not exist. */
  const referenced = (folders: FolderNode[], field: string, id: string | null) => {
    if (id != null && !folders.some((f) => f.id === id)) throw validation(field, 'no such folder');
  };

  return {
    /** Validates a folder id given for filing an item; inside a transaction that holds the tree lock. */
    async checkFolderExists(tx: Prisma.TransactionClient, field: string, id: string | null): Promise<void> {
      await lockFolderTree(tx, model.tree);
      if (id != null && !(await model.all(tx)).some((f) => f.id === id)) throw validation(field, 'no such folder');
    },

    create(input: { name: string; parentId?: string | number | null }): Promise<F> {
      const { name } = input;
      const parentId = optionalFolderId('parentId', input.parentId);
      return inTree(async (tx, folders) => {
        referenced(folders, 'parentId', parentId);
        checkFolderPlacement(folders, null, parentId);
        checkSiblingName(folders, parentId, name, null);
        return model.create(tx, { name, parentId });
      });
    },

    rename(id: string, name: string): Promise<F> {
      return inTree(async (tx, folders) => {
        const folder = existing(folders, id);
        checkSiblingName(folders, folder.parentId, name, folder.id);
        return model.update(tx, folder.id, { name });
      });
    },

    move(id: string, newParentId: string | number | null | undefined): Promise<F> {
      const parentId = optionalFolderId('parentId', newParentId);
      return inTree(async (tx, folders) => {
        const folder = existing(folders, id);
        referenced(folders, 'parentId', parentId);
        checkFolderPlacement(folders, folder.id, parentId);
        checkSiblingName(folders, parentId, folder.name, folder.id);
        return model.update(tx, folder.id, { parentId });
      });
    },

    /**
     * Deletes an empty folder. A folder with subfolders or items is refused (CONFLICT) unless
     * `deleteContents` is true: then the whole subtree goes, items included. Nothing is silently
     * moved or left unfiled.
     */
    remove(id: string, deleteContents: boolean): Promise<FolderDeletion> {
      return inTree(async (tx, folders) => {
        const folder = existing(folders, id);
        const folderIds = subtreeIds(folders, folder.id);
        const itemIds = await model.itemIds(tx, folderIds);
        if (!deleteContents && (folderIds.length > 1 || itemIds.length > 0))
          throw conflict(
            `Folder "${folder.name}" is not empty: it holds ${folderIds.length - 1} subfolder(s) and ${itemIds.length} ${model.items} (counting subfolders). Move them out first, or pass deleteContents: true to delete them all.`,
            'deleteContents',
          );
        await model.checkDelete?.(tx, folderIds);
        await model.deleteItems(tx, itemIds);
        await model.deleteFolder(tx, folder.id);
        return { folderIds, itemIds };
      });
    },
  };
}
