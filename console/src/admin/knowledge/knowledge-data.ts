import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../../api';
import { readFragment } from '../../graphql';
import type { KnowledgeConfig } from './knowledge-admin';
import {
  FaqCreateFolderMutation,
  FaqCreateMutation,
  FaqDeleteFolderMutation,
  FaqDeleteMutation,
  FaqEntriesQuery,
  type FaqEntry,
  FaqEntryFields,
  FaqFoldersQuery,
  FaqMoveFolderMutation,
  FaqMoveMutation,
  FaqRenameFolderMutation,
  FaqSearchQuery,
  FaqUpdateMutation,
  type Template,
  TemplateCreateFolderMutation,
  TemplateCreateMutation,
  TemplateDeleteFolderMutation,
  TemplateDeleteMutation,
  TemplateFields,
  TemplateFoldersQuery,
  TemplateMoveFolderMutation,
  TemplateMoveMutation,
  TemplateRenameFolderMutation,
  TemplateSearchQuery,
  TemplatesQuery,
  TemplateUpdateMutation,
  TemplateVariablesQuery,
} from './operations';

// The knowledge pages' calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

/** The server calls the shared knowledge admin makes for one kind of item. */
export type KnowledgeServerCalls<Item extends { id: string }> = Pick<
  KnowledgeConfig<Item>,
  'loadFolders' | 'loadItems' | 'search' | 'createFolder' | 'renameFolder' | 'moveFolder' | 'deleteFolder' | 'deleteItem'
>;

export function templateServerCalls(client: Client): KnowledgeServerCalls<Template> {
  return {
    loadFolders: () => runQuery(client, TemplateFoldersQuery, {}).then((d) => d.replyTemplateFolders),
    loadItems: async (folderId, after) => {
      const data = await runQuery(client, TemplatesQuery, { folderId, after });
      return {
        items: data.replyTemplates.edges.map((e) => readFragment(TemplateFields, e.node)),
        endCursor: data.replyTemplates.pageInfo.endCursor ?? null,
        hasNextPage: data.replyTemplates.pageInfo.hasNextPage,
      };
    },
    search: (query, folderId) =>
      runQuery(client, TemplateSearchQuery, { query, folderId }).then((d) => d.searchReplyTemplates.map((t) => readFragment(TemplateFields, t))),
    createFolder: (name, parentId) => runMutation(client, TemplateCreateFolderMutation, { input: { name, parentId } }),
    renameFolder: (id, name) => runMutation(client, TemplateRenameFolderMutation, { id, name }),
    moveFolder: (id, parentId) => runMutation(client, TemplateMoveFolderMutation, { id, parentId }),
    deleteFolder: (id, deleteContents) => runMutation(client, TemplateDeleteFolderMutation, { id, deleteContents }),
    deleteItem: (id) => runMutation(client, TemplateDeleteMutation, { id }),
  };
}

export function faqServerCalls(client: Client): KnowledgeServerCalls<FaqEntry> {
  return {
    loadFolders: () => runQuery(client, FaqFoldersQuery, {}).then((d) => d.faqFolders),
    loadItems: async (folderId, after) => {
      const data = await runQuery(client, FaqEntriesQuery, { folderId, after });
      return {
        items: data.faqEntries.edges.map((e) => readFragment(FaqEntryFields, e.node)),
        endCursor: data.faqEntries.pageInfo.endCursor ?? null,
        hasNextPage: data.faqEntries.pageInfo.hasNextPage,
      };
    },
    search: (query, folderId) =>
      runQuery(client, FaqSearchQuery, { query, folderId }).then((d) => d.searchFaqEntries.map((e) => readFragment(FaqEntryFields, e))),
    createFolder: (name, parentId) => runMutation(client, FaqCreateFolderMutation, { input: { name, parentId } }),
    renameFolder: (id, name) => runMutation(client, FaqRenameFolderMutation, { id, name }),
    moveFolder: (id, parentId) => runMutation(client, FaqMoveFolderMutation, { id, parentId }),
    deleteFolder: (id, deleteContents) => runMutation(client, FaqDeleteFolderMutation, { id, deleteContents }),
    deleteItem: (id) => runMutation(client, FaqDeleteMutation, { id }),
  };
}

export async function loadTemplateVariables(client: Client) {
  return (await runQuery(client, TemplateVariablesQuery, {})).replyTemplateVariables;
}

/**
 * Creates a template in `folderId`, or updates `existing` and then refiles it when its folder changed
 * ('' or null: no folder). Returns the saved template.
 */
export async function saveTemplate(client: Client, existing: Template | null, fields: { name: string; body: string }, folderId: string | null) {
  if (!existing) {
    const data = await runMutation(client, TemplateCreateMutation, { input: { ...fields, folderId: folderId || null } });
    return readFragment(TemplateFields, data.createReplyTemplate);
  }
  let saved = readFragment(TemplateFields, (await runMutation(client, TemplateUpdateMutation, { id: existing.id, input: fields })).updateReplyTemplate);
  if ((saved.folder?.id ?? '') !== (folderId ?? ''))
    saved = readFragment(TemplateFields, (await runMutation(client, TemplateMoveMutation, { id: saved.id, folderId: folderId || null })).moveReplyTemplate);
  return saved;
}

/** As saveTemplate, for an FAQ entry. */
export async function saveFaqEntry(
  client: Client,
  existing: FaqEntry | null,
  fields: { question: string; answer: string; published: boolean },
  folderId: string | null,
) {
  if (!existing) {
    const data = await runMutation(client, FaqCreateMutation, { input: { ...fields, folderId: folderId || null } });
    return readFragment(FaqEntryFields, data.createFaqEntry);
  }
  let saved = readFragment(FaqEntryFields, (await runMutation(client, FaqUpdateMutation, { id: existing.id, input: fields })).updateFaqEntry);
  if ((saved.folder?.id ?? '') !== (folderId ?? ''))
    saved = readFragment(FaqEntryFields, (await runMutation(client, FaqMoveMutation, { id: saved.id, folderId: folderId || null })).moveFaqEntry);
  return saved;
}
