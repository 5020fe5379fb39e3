import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../api';
import { readFragment } from '../graphql';
import {
  TemplateItemFields,
  FaqItemFields,
  InsertLibraryQuery,
  InsertSearchQuery,
  UseReplyTemplateMutation,
  SetFavouriteMutation,
  SendFaqMutation,
  CreateQuickReplyMutation,
  UpdateQuickReplyMutation,
  DeleteQuickReplyMutation,
} from './operations';

export interface TemplateItem {
  id: string;
  name: string;
  body: string;
  isFavourite: boolean;
  folderId: string | null;
}

export interface FaqItem {
  id: string;
  question: string;
  answer: string;
  pageUrl: string | null;
  folderId: string | null;
}

export interface QuickReplyItem {
  id: string;
  name: string;
  content: string;
}

export interface Folder {
  id: string;
  name: string;
  parentId: string | null;
}

export interface InsertLibrary {
  favourites: TemplateItem[];
  recent: TemplateItem[];
  templates: TemplateItem[];
  templateFolders: Folder[];
  faq: FaqItem[];
  faqFolders: Folder[];
  quickReplies: QuickReplyItem[];
}

export interface InsertSearchResults {
  templates: TemplateItem[];
  faq: FaqItem[];
  quickReplies: QuickReplyItem[];
}

type TemplateData = { id: string; name: string; body: string; isFavourite: boolean; folder: { id: string } | null };
type FaqData = { id: string; question: string; answer: string; pageUrl: string | null; folder: { id: string } | null };

const toTemplate = (t: TemplateData): TemplateItem => ({ id: t.id, name: t.name, body: t.body, isFavourite: t.isFavourite, folderId: t.folder?.id ?? null });
const toFaq = (f: FaqData): FaqItem => ({ id: f.id, question: f.question, answer: f.answer, pageUrl: f.pageUrl, folderId: f.folder?.id ?? null });
const toFolder = (f: { id: string; name: string; parent: { id: string } | null }): Folder => ({ id: f.id, name: f.name, parentId: f.parent?.id ?? null });

/** What the Insert menu reads and writes, over the API. */
export function createInsertSource(client: Client) {
  return {
    async library(): Promise<InsertLibrary> {
      const data = await runQuery(client, InsertLibraryQuery, {});
      return {
        favourites: data.favouriteReplyTemplates.map((t) => toTemplate(readFragment(TemplateItemFields, t))),
        recent: data.recentReplyTemplates.map((t) => toTemplate(readFragment(TemplateItemFields, t))),
        templates: data.replyTemplates.edges.map((e) => toTemplate(readFragment(TemplateItemFields, e.node))),
        templateFolders: data.replyTemplateFolders.map(toFolder),
        faq: data.faqEntries.edges.map((e) => toFaq(readFragment(FaqItemFields, e.node))),
        faqFolders: data.faqFolders.map(toFolder),
        quickReplies: data.myQuickReplies,
      };
    },
    async search(query: string): Promise<InsertSearchResults> {
      const data = await runQuery(client, InsertSearchQuery, { query });
      return {
        templates: data.searchReplyTemplates.map((t) => toTemplate(readFragment(TemplateItemFields, t))),
        faq: data.searchFaqEntries.map((f) => toFaq(readFragment(FaqItemFields, f))),
        quickReplies: data.myQuickReplies,
      };
    },
    async useTemplate(id: string, sessionId: string) {
      return (await runMutation(client, UseReplyTemplateMutation, { id, sessionId })).useReplyTemplate;
    },
    async setFavourite(id: string, favourite: boolean) {
      await runMutation(client, SetFavouriteMutation, { id, favourite });
    },
    async sendFaqLink(sessionId: string, faqId: string) {
      await runMutation(client, SendFaqMutation, { sessionId, faqId, asLink: true });
    },
    async createQuickReply(name: string, content: string): Promise<QuickReplyItem> {
      return (await runMutation(client, CreateQuickReplyMutation, { input: { name, content } })).createQuickReply;
    },
    async updateQuickReply(id: string, name: string, content: string): Promise<QuickReplyItem> {
      return (await runMutation(client, UpdateQuickReplyMutation, { id, input: { name, content } })).updateQuickReply;
    },
    async deleteQuickReply(id: string) {
      await runMutation(client, DeleteQuickReplyMutation, { id });
    },
  };
}

export type InsertSource = ReturnType<typeof createInsertSource>;

/** "Billing / Refunds": a folder's path, for group headings. */
export function folderPath(folders: Folder[], id: string | null): string {
  const byId = new Map(folders.map((f) => [f.id, f]));
  const names: string[] = [];
  let current = id ? byId.get(id) : undefined;
  for (let depth = 0; current && depth < 10; depth += 1) {
    names.unshift(current.name);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return names.join(' / ');
}

/** Items grouped by folder path: unfiled first, then folders alphabetically by path. */
export function groupByFolder<T extends { folderId: string | null }>(items: T[], folders: Folder[]): { label: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const label = folderPath(folders, item.folderId);
    groups.set(label, [...(groups.get(label) ?? []), item]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
    .map(([label, list]) => ({ label: label || 'Not in a folder', items: list }));
}
