import type { Component, JSX } from 'solid-js';

// The folder tree of a knowledge admin page (FAQ, reply templates) and what a page tells the shared admin about its items.

export interface FolderNode {
  id: string;
  name: string;
  parent?: { id: string } | null;
}

export interface ItemPage<Item> {
  items: Item[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ItemEditorProps<Item> {
  /** null: a new item, filed in `folderId`. */
  item: Item | null;
  folderId: string | null;
  folders: FolderOption[];
  onClose(): void;
  onSaved(item: Item): void;
}

export interface FolderOption {
  id: string;
  path: string;
}

/** What differs between reply templates and FAQ; the page layout, folders, search and paging are shared. */
export interface KnowledgeConfig<Item extends { id: string }> {
  title: string;
  intro: string;
  /** "template", "entry". */
  noun: string;
  loadFolders(): Promise<FolderNode[]>;
  loadItems(folderId: string | null, after: string | null): Promise<ItemPage<Item>>;
  search(query: string, folderId: string | null): Promise<Item[]>;
  createFolder(name: string, parentId: string | null): Promise<unknown>;
  renameFolder(id: string, name: string): Promise<unknown>;
  moveFolder(id: string, parentId: string | null): Promise<unknown>;
  deleteFolder(id: string, deleteContents: boolean): Promise<unknown>;
  deleteItem(id: string): Promise<unknown>;
  itemTitle(item: Item): string;
  itemPreview(item: Item): string;
  itemFolderId(item: Item): string | null;
  itemTags?(item: Item): JSX.Element;
  Editor: Component<ItemEditorProps<Item>>;
}

export const MAX_FOLDER_NAME_LENGTH = 100;

/** Folders as "Parent / Child" paths, in tree order. */
export function folderOptions(folders: readonly FolderNode[]): FolderOption[] {
  const children = new Map<string | null, FolderNode[]>();
  for (const folder of folders) {
    const key = folder.parent?.id ?? null;
    children.set(key, [...(children.get(key) ?? []), folder]);
  }
  const result: FolderOption[] = [];
  const walk = (parentId: string | null, prefix: string, seen: Set<string>) => {
    for (const folder of [...(children.get(parentId) ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(folder.id)) continue;
      seen.add(folder.id);
      const path = prefix ? `${prefix} / ${folder.name}` : folder.name;
      result.push({ id: folder.id, path });
      walk(folder.id, path, seen);
    }
  };
  walk(null, '', new Set());
  return result;
}

/** The folder and every folder below it. */
export function subtree(folders: readonly FolderNode[], rootId: string): Set<string> {
  const ids = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const f of folders)
      if (f.parent && ids.has(f.parent.id) && !ids.has(f.id)) {
        ids.add(f.id);
        grew = true;
      }
  }
  return ids;
}

export type FolderDialogState = { mode: 'create'; parentId: string | null } | { mode: 'rename' | 'move' | 'delete'; folder: FolderNode };
