// Module knowledge: what agents and visitors reuse. Owns reply templates and their folders,
// quick replies and the FAQ (folders, entries, suggestions before the queue, public pages).
// Imports chats and crm.
import { forbidden, notFound, prismaFailure, validation } from '../../platform/errors';
import { Prisma, type Agent, type ChatSession, type PrismaClient, type ReplyTemplate, type ReplyTemplateFolder } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { folderOperations, optionalFolderId, subtreeIds, type FolderDeletion } from './folder-tree';
import { formatRequestNumber } from '../crm/requests.service';
import { cleanSearch, prefixSearchQuery, searchDocument, searchVector } from '../../platform/text-search';
import { cleanText } from '../../platform/validate';

export const MAX_TEMPLATE_NAME_LENGTH = 100;
/** A template fills the chat input, so it is at most a message long (before variables are filled in). */
export const MAX_TEMPLATE_BODY_LENGTH = 4000;
export const MAX_RECENT_TEMPLATES = 50;

/** Every variable a template may use, with what it is filled with. Anything else is rejected on save. */
export const TEMPLATE_VARIABLES = {
  'visitor.name': 'The visitor’s name, as given in the pre-chat form.',
  'visitor.email': 'The visitor’s email address, as given in the pre-chat form.',
  'agent.name': 'The name of the agent using the template.',
  'agent.nickname': 'The nickname of the agent using the template; their name when they have no nickname.',
  'channel.name': 'The name of the chat’s channel.',
  'request.number': 'The number (e.g. R-42) of the newest request created from the chat.',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

const isTemplateVariable = (name: string): name is TemplateVariable => Object.hasOwn(TEMPLATE_VARIABLES, name);

/** `{{ name }}`: anything but braces between double braces; spaces around the name are allowed. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * The variables a template body uses, in order of first use. Throws VALIDATION (field `body`)
 * for an unknown variable or a `{{` that opens no variable, so a typo is caught when the
 * template is saved rather than sent as a blank.
 */
export function parseTemplateVariables(body: string, field = 'body'): TemplateVariable[] {
  const used: TemplateVariable[] = [];
  const unknown: string[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (isTemplateVariable(name)) {
      if (!used.includes(name)) used.push(name);
    } else if (!unknown.includes(match[0])) unknown.push(match[0]);
  }
  const known = TEMPLATE_VARIABLE_NAMES.map((n) => `{{${n}}}`).join(', ');
  if (unknown.length) throw validation(field, `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; use ${known}`);
  if (body.replace(PLACEHOLDER, '').includes('{{')) throw validation(field, `has a "{{" that does not form a variable; write variables as ${known}`);
  return used;
}

/** The known variables a stored body uses, in order of first use; never throws (for reading, not saving). */
export function templateVariablesUsed(body: string): TemplateVariable[] {
  const used: TemplateVariable[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (isTemplateVariable(name) && !used.includes(name)) used.push(name);
  }
  return used;
}

export type TemplateValues = Partial<Record<TemplateVariable, string | null>>;

export interface RenderedTemplate {
  text: string;
  /**
   * Variables with no value here; they stay in `text` as written, for the agent to see. Also any
   * unknown name, which only a body written around the API (straight into the database) can hold.
   */
  unresolved: string[];
}

/**
 * Fills the variables in one pass (a value that itself looks like `{{agent.name}}` is not filled in
 * again). A variable without a value stays visible as `{{name}}` and is listed in `unresolved`:
 * it is never replaced by a blank.
 */
export function renderTemplateBody(body: string, values: TemplateValues): RenderedTemplate {
  const unresolved: string[] = [];
  const text = body.replace(PLACEHOLDER, (placeholder, raw: string) => {
    const name = raw.trim();
    const value = isTemplateVariable(name) ? values[name]?.trim() : undefined;
    if (value) return value;
    if (!unresolved.includes(name)) unresolved.push(name);
    return placeholder;
  });
  return { text, unresolved };
}

/** Strips control characters (keeping newlines and tabs), normalises line ends, trims, enforces the limit, checks variables. */
export function cleanTemplateBody(body: string): string {
  const cleaned = cleanText('body', body.replace(/\r\n?/g, '\n'), { max: MAX_TEMPLATE_BODY_LENGTH });
  parseTemplateVariables(cleaned);
  return cleaned;
}

export const cleanTemplateName = (name: string) => cleanText('name', name, { max: MAX_TEMPLATE_NAME_LENGTH });

/** What the variables are filled with for one chat, as seen by the agent using the template. */
export async function templateValuesForSession(prisma: PrismaClient, session: ChatSession, agent: Agent): Promise<TemplateValues> {
  const [visitor, channel, request] = await Promise.all([
    prisma.visitor.findUnique({ where: { id: session.visitorId }, select: { name: true, email: true } }),
    prisma.channel.findUniqueOrThrow({ where: { id: session.channelId }, select: { name: true } }),
    prisma.request.findFirst({ where: { sourceSessionId: session.id }, orderBy: [{ createdAt: 'desc' }, { number: 'desc' }], select: { number: true } }),
  ]);
  return {
    'visitor.name': visitor?.name ?? null,
    'visitor.email': visitor?.email ?? null,
    'agent.name': agent.name,
    'agent.nickname': agent.nickname || agent.name,
    'channel.name': channel.name,
    'request.number': request ? formatRequestNumber(request.number) : null,
  };
}

export function templateFolders(prisma: PrismaClient) {
  return folderOperations<ReplyTemplateFolder>(prisma, {
    tree: 'ReplyTemplateFolder',
    entity: 'ReplyTemplateFolder',
    items: 'templates',
    all: (tx) => tx.replyTemplateFolder.findMany({ select: { id: true, name: true, parentId: true } }),
    create: (tx, data) => tx.replyTemplateFolder.create({ data }),
    update: (tx, id, data) => tx.replyTemplateFolder.update({ where: { id }, data }),
    itemIds: async (tx, folderIds) => (await tx.replyTemplate.findMany({ where: { folderId: { in: folderIds } }, select: { id: true } })).map((t) => t.id),
    deleteItems: async (tx, ids) => void (await tx.replyTemplate.deleteMany({ where: { id: { in: ids } } })),
    deleteFolder: async (tx, id) => void (await tx.replyTemplateFolder.delete({ where: { id } })),
  });
}

export type ReplyTemplateFolderDeletion = FolderDeletion;

async function findTemplate(prisma: Pick<PrismaClient, 'replyTemplate'>, id: string): Promise<ReplyTemplate> {
  const template = isUuid(id) ? await prisma.replyTemplate.findUnique({ where: { id } }) : null;
  if (!template) throw notFound('ReplyTemplate', id);
  return template;
}

export async function createTemplate(prisma: PrismaClient, input: { name: string; body: string; folderId?: string | number | null }): Promise<ReplyTemplate> {
  const name = cleanTemplateName(input.name);
  const body = cleanTemplateBody(input.body);
  const folderId = optionalFolderId('folderId', input.folderId);
  const folders = templateFolders(prisma);
  return prisma.$transaction(async (tx) => {
    await folders.checkFolderExists(tx, 'folderId', folderId);
    return tx.replyTemplate.create({ data: { name, body, folderId } });
  });
}

/** Changes the name and/or body; omitted (or null) fields stay as they are. */
export async function updateTemplate(prisma: PrismaClient, id: string, input: { name?: string | null; body?: string | null }): Promise<ReplyTemplate> {
  const data: Prisma.ReplyTemplateUpdateInput = {};
  if (input.name != null) data.name = cleanTemplateName(input.name);
  if (input.body != null) data.body = cleanTemplateBody(input.body);
  const template = await findTemplate(prisma, id);
  if (Object.keys(data).length === 0) return template;
  try {
    return await prisma.replyTemplate.update({ where: { id: template.id }, data });
  } catch (error) {
    if (prismaFailure(error) === 'RECORD_MISSING') throw notFound('ReplyTemplate', id);
    throw error;
  }
}

/** Files a template in another folder (null: top level). */
export async function moveTemplate(prisma: PrismaClient, id: string, folderId: string | number | null | undefined): Promise<ReplyTemplate> {
  const target = optionalFolderId('folderId', folderId);
  const template = await findTemplate(prisma, id);
  const folders = templateFolders(prisma);
  return prisma.$transaction(async (tx) => {
    await folders.checkFolderExists(tx, 'folderId', target);
    const moved = await tx.replyTemplate.updateMany({ where: { id: template.id }, data: { folderId: target } });
    if (moved.count === 0) throw notFound('ReplyTemplate', id);
    return tx.replyTemplate.findUniqueOrThrow({ where: { id: template.id } });
  });
}

/** Deletes a template; agents' favourites and recent uses of it go with it. Returns its id. */
export async function deleteTemplate(prisma: PrismaClient, id: string): Promise<string> {
  const deleted = isUuid(id) ? await prisma.replyTemplate.deleteMany({ where: { id } }) : { count: 0 };
  if (deleted.count === 0) throw notFound('ReplyTemplate', id);
  return id;
}

/**
 * Ids of the templates whose name or body matches every word of the search (the last as a
 * prefix, see prefixSearchQuery), best first: a match in the name outweighs one in the body.
 * With `folderId`, only that folder and its subfolders.
 */
export async function searchTemplateIds(
  prisma: PrismaClient,
  query: string,
  opts: { folderId?: string | number | null; limit?: number } = {},
): Promise<string[]> {
  const limit = opts.limit ?? 20;
  const words = cleanSearch(query, limit);
  const folderId = optionalFolderId('folderId', opts.folderId);
  if (words.length === 0) return [];
  let folderFilter = Prisma.empty;
  if (folderId) {
    const folders = await prisma.replyTemplateFolder.findMany({ select: { id: true, name: true, parentId: true } });
    if (!folders.some((f) => f.id === folderId)) throw validation('folderId', 'no such folder');
    folderFilter = Prisma.sql`AND t."folderId" = ANY(${subtreeIds(folders, folderId)}::uuid[])`;
  }
  const document = searchDocument([
    { column: Prisma.sql`t.name`, weight: 'A' },
    { column: Prisma.sql`t.body`, weight: 'B' },
  ]);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH search AS (SELECT ${prefixSearchQuery(words)} AS query)
    SELECT t.id
    FROM "ReplyTemplate" t
    CROSS JOIN search
    CROSS JOIN LATERAL (SELECT ${document} AS document) doc
    WHERE doc.document @@ search.query ${folderFilter}
    ORDER BY (${searchVector(Prisma.sql`t.name`)} @@ search.query) DESC, ts_rank(doc.document, search.query) DESC, lower(t.name), t.id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}

/**
 * Renders a template for a chat the agent may read: the filled text plus the variables left
 * unfilled. The chat access check is the caller's (it has the principal).
 */
export async function renderTemplateForSession(prisma: PrismaClient, templateId: string, session: ChatSession, agent: Agent) {
  const template = await findTemplate(prisma, templateId);
  const rendered = renderTemplateBody(template.body, await templateValuesForSession(prisma, session, agent));
  return { template, ...rendered };
}

/** "Use template": records it in the agent's recently used, and renders it for the chat they handle. */
export async function useTemplate(prisma: PrismaClient, templateId: string, session: ChatSession, agent: Agent) {
  if (session.agentId !== agent.id) throw forbidden('Only the agent handling this chat can use a template in it.');
  const rendered = await renderTemplateForSession(prisma, templateId, session, agent);
  await recordTemplateUse(prisma, agent.id, rendered.template.id);
  return rendered;
}

export async function recordTemplateUse(prisma: PrismaClient, agentId: string, templateId: string): Promise<void> {
  const now = new Date();
  try {
    // One statement, so concurrent uses neither lose a count nor collide on the key.
    await prisma.$executeRaw`
      INSERT INTO "ReplyTemplateUse" ("agentId", "templateId", "useCount", "lastUsedAt")
      VALUES (${agentId}::uuid, ${templateId}::uuid, 1, ${now})
      ON CONFLICT ("agentId", "templateId") DO UPDATE SET "useCount" = "ReplyTemplateUse"."useCount" + 1, "lastUsedAt" = EXCLUDED."lastUsedAt"`;
  } catch (error) {
    // The template was deleted meanwhile (foreign key).
    if (prismaFailure(error) === 'FOREIGN_KEY_VIOLATION') throw notFound('ReplyTemplate', templateId);
    throw error;
  }
}

/** Marks or unmarks a template as one of the agent's favourites; idempotent. */
export async function setTemplateFavourite(prisma: PrismaClient, agentId: string, templateId: string, favourite: boolean): Promise<ReplyTemplate> {
  const template = await findTemplate(prisma, templateId);
  if (!favourite) {
    await prisma.replyTemplateFavourite.deleteMany({ where: { agentId, templateId: template.id } });
    return template;
  }
  try {
    await prisma.replyTemplateFavourite.upsert({
      where: { agentId_templateId: { agentId, templateId: template.id } },
      create: { agentId, templateId: template.id },
      update: {},
    });
  } catch (error) {
    const failure = prismaFailure(error);
    if (failure === 'FOREIGN_KEY_VIOLATION' || failure === 'RECORD_MISSING') throw notFound('ReplyTemplate', templateId);
    // Two concurrent "favourite" calls: the other one inserted it, which is what we wanted.
    if (failure !== 'UNIQUE_VIOLATION') throw error;
  }
  return template;
}

export function cleanRecentLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT_TEMPLATES)
    throw validation('limit', `must be a whole number from 1 to ${MAX_RECENT_TEMPLATES}`);
  return limit;
}

/** Refuses a rendered text that still has variables without a value: it must not reach a visitor. */
export function assertFullyRendered(rendered: RenderedTemplate, field = 'templateId'): void {
  if (rendered.unresolved.length === 0) return;
  const why = rendered.unresolved.map((name) =>
    name === 'request.number' ? '{{request.number}} (no request has been created from this chat yet)' : `{{${name}}} (not known for this chat)`,
  );
  throw validation(field, `cannot be sent as is: ${why.join(', ')} has no value. Insert it and edit the text instead.`);
}
