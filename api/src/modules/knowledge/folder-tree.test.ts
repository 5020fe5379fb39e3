import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import { MAX_FOLDER_DEPTH, checkFolderPlacement, checkSiblingName, depthOf, heightOf, optionalFolderId, subtreeIds, type FolderNode } from './folder-tree';

// a ─ b ─ c
//  └─ d
// e
const tree: FolderNode[] = [
  { id: 'a', name: 'A', parentId: null },
  { id: 'b', name: 'B', parentId: 'a' },
  { id: 'c', name: 'C', parentId: 'b' },
  { id: 'd', name: 'D', parentId: 'a' },
  { id: 'e', name: 'E', parentId: null },
];

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

/** A chain f1 ─ f2 ─ … ─ fn. */
const chain = (n: number, prefix = 'f'): FolderNode[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i + 1}`, name: `${prefix}${i + 1}`, parentId: i === 0 ? null : `${prefix}${i}` }));

describe('folder trees', () => {
  it('walks subtrees, depths and heights', () => {
    expect(subtreeIds(tree, 'a').sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(subtreeIds(tree, 'c')).toEqual(['c']);
    expect([depthOf(tree, null), depthOf(tree, 'a'), depthOf(tree, 'c')]).toEqual([0, 1, 3]);
    expect([heightOf(tree, 'a'), heightOf(tree, 'c'), heightOf(tree, 'e')]).toEqual([3, 1, 1]);
  });

  it('survives a corrupt cycle instead of looping forever', () => {
    const cyclic: FolderNode[] = [
      { id: 'x', name: 'X', parentId: 'y' },
      { id: 'y', name: 'Y', parentId: 'x' },
    ];
    expect(subtreeIds(cyclic, 'x').sort()).toEqual(['x', 'y']);
    expect(depthOf(cyclic, 'x')).toBe(2);
    expect(heightOf(cyclic, 'x')).toBe(2);
  });

  it('refuses to move a folder into itself or its own subtree (VALIDATION on parentId)', () => {
    for (const target of ['a', 'b', 'c', 'd']) {
      const error = errorOf(() => checkFolderPlacement(tree, 'a', target));
      expect([error.code, error.extensions.field]).toEqual(['VALIDATION', 'parentId']);
    }
    expect(errorOf(() => checkFolderPlacement(tree, 'b', 'b')).message).toContain('its own parent');
    expect(errorOf(() => checkFolderPlacement(tree, 'a', 'c')).message).toContain('own subfolders');
  });

  it('allows moves elsewhere, including up to the top level', () => {
    expect(() => checkFolderPlacement(tree, 'b', 'e')).not.toThrow();
    expect(() => checkFolderPlacement(tree, 'c', null)).not.toThrow();
    expect(() => checkFolderPlacement(tree, 'e', 'c')).not.toThrow();
    expect(() => checkFolderPlacement(tree, null, 'c')).not.toThrow();
  });

  it(`limits nesting to ${MAX_FOLDER_DEPTH} levels, counting the moved subtree`, () => {
    const deep = chain(MAX_FOLDER_DEPTH);
    expect(() => checkFolderPlacement(deep, null, `f${MAX_FOLDER_DEPTH - 1}`)).not.toThrow();
    expect(errorOf(() => checkFolderPlacement(deep, null, `f${MAX_FOLDER_DEPTH}`)).extensions.field).toBe('parentId');
    // A two-level subtree fits under depth MAX-2, not under MAX-1.
    const both = [...deep, ...chain(2, 'g')];
    expect(() => checkFolderPlacement(both, 'g1', `f${MAX_FOLDER_DEPTH - 2}`)).not.toThrow();
    expect(errorOf(() => checkFolderPlacement(both, 'g1', `f${MAX_FOLDER_DEPTH - 1}`)).message).toContain(`${MAX_FOLDER_DEPTH} levels`);
  });

  it('keeps sibling names unique, case-insensitively, except for the folder itself', () => {
    const error = errorOf(() => checkSiblingName(tree, 'a', 'b', null));
    expect([error.code, error.extensions.field]).toEqual(['CONFLICT', 'name']);
    expect(() => checkSiblingName(tree, 'a', 'B', 'b')).not.toThrow();
    expect(() => checkSiblingName(tree, 'e', 'B', null)).not.toThrow();
    expect(errorOf(() => checkSiblingName(tree, null, 'e', null)).code).toBe('CONFLICT');
  });

  it('reads folder ids from inputs', () => {
    expect(optionalFolderId('folderId', null)).toBeNull();
    expect(optionalFolderId('folderId', undefined)).toBeNull();
    expect(optionalFolderId('folderId', '0195f3a0-0000-7000-8000-000000000000')).toBe('0195f3a0-0000-7000-8000-000000000000');
    expect(errorOf(() => optionalFolderId('parentId', 'nope')).extensions.field).toBe('parentId');
  });
});
