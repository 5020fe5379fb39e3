// Module knowledge: what agents and visitors reuse. Owns reply templates and their folders (this
// file: variables, favourites, recent uses, filling one in for a chat), quick replies and the FAQ,
// the foldered ones on one core (foldered-items.ts). Imports chats and crm.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/principal';
import { forbidden, notFound, prismaFailure, validation } from '../../platform/errors';
import { Prisma, type Agent, type ChatSession, type PrismaClient, type ReplyTemplate, type ReplyTemplateFolder } from '../../generated/prisma/client';
import { findReadableSession } from '../chats/chat-access';
import type { MessageDto } from '../chats/chat-dto';
import type { ChatService } from '../chats/chats.service';
import { folderedItems } from './foldered-items';
import { formatRequestNumber } from '../crm/requests.service';
import { alsoChecked, multilineText, text, wholeNumber } from '../../platform/validation';

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

/*
 * The checks of a template's fields and of the recent-list limit, declared on the GraphQL
 * arguments: values reach this service cleaned.
 */

/** Strips control characters (keeping newlines and tabs), normalises line ends, trims, enforces the limit, checks variables. */
export const templateBody = alsoChecked(multilineText('body', { max: MAX_TEMPLATE_BODY_LENGTH }), (body) => parseTemplateVariables(body));
export const templateName = text('name', { max: MAX_TEMPLATE_NAME_LENGTH });
export const recentTemplatesLimit = wholeNumber('limit', 1, MAX_RECENT_TEMPLATES);

/** A template filled in for one chat, with the template itself. */
export interface RenderedReplyTemplate extends RenderedTemplate {
  template: ReplyTemplate;
}

type TemplateFields = Pick<ReplyTemplate, 'name' | 'body'>;

function replyTemplates(prisma: PrismaClient) {
  return folderedItems<ReplyTemplateFolder, ReplyTemplate, TemplateFields>(prisma, {
    folders: {
      tree: 'ReplyTemplateFolder',
      entity: 'ReplyTemplateFolder',
      items: 'templates',
      all: (tx) => tx.replyTemplateFolder.findMany({ select: { id: true, name: true, parentId: true } }),
      create: (tx, data) => tx.replyTemplateFolder.create({ data }),
      update: (tx, id, data) => tx.replyTemplateFolder.update({ where: { id }, data }),
      deleteFolder: async (tx, id) => void (await tx.replyTemplateFolder.delete({ where: { id } })),
    },
    items: {
      entity: 'ReplyTemplate',
      find: (db, id) => db.replyTemplate.findUnique({ where: { id } }),
      create: (tx, data) => tx.replyTemplate.create({ data }),
      update: (db, id, data) => db.replyTemplate.update({ where: { id }, data }),
      idsInFolders: async (tx, folderIds) =>
        (await tx.replyTemplate.findMany({ where: { folderId: { in: folderIds } }, select: { id: true } })).map((t) => t.id),
      // Agents' favourites and recent uses of a template go with it.
      deleteMany: async (db, ids) => (await db.replyTemplate.deleteMany({ where: { id: { in: ids } } })).count,
      searched: {
        table: Prisma.raw('"ReplyTemplate"'),
        title: Prisma.raw('item.name'),
        text: Prisma.raw('item.body'),
        tieBreak: Prisma.raw('lower(item.name), item.id'),
      },
    },
  });
}

export interface TemplateServiceDeps {
  prisma: PrismaClient;
  chats: Pick<ChatService, 'sendMessage'>;
}

export function createTemplateService({ prisma, chats }: TemplateServiceDeps) {
  const templates = replyTemplates(prisma);

  function createTemplate(input: { name: string; body: string; folderId?: string | number | null }): Promise<ReplyTemplate> {
    const { name, body } = input;
    return templates.create({ name, body }, input.folderId);
  }

  /** Changes the name and/or body; omitted (or null) fields stay as they are. */
  function updateTemplate(id: string, input: { name?: string | null; body?: string | null }): Promise<ReplyTemplate> {
    const changes: Partial<TemplateFields> = {};
    if (input.name != null) changes.name = input.name;
    if (input.body != null) changes.body = input.body;
    return templates.update(id, changes);
  }

  /**
   * Ids of the templates whose name or body matches every word of the search (the last as a
   * prefix, see prefixSearchQuery), best first: a match in the name outweighs one in the body.
   * With `folderId`, only that folder and its subfolders.
   */
  function searchTemplateIds(query: string, opts: { folderId?: string | number | null; limit?: number } = {}): Promise<string[]> {
    return templates.searchIds(query, opts);
  }

  /** replyTemplates: those filed directly in one folder (all without one), by name. */
  function templateListArgs(folderId: string | null | undefined) {
    return { where: templates.filedIn(folderId), orderBy: BY_NAME } satisfies Prisma.ReplyTemplateFindManyArgs;
  }

  /** The templates an agent marked as favourites, by name. */
  function favouriteListArgs(agentId: string) {
    return { where: { favourites: { some: { agentId } } }, orderBy: BY_NAME } satisfies Prisma.ReplyTemplateFindManyArgs;
  }

  /** Ids of the templates an agent used most recently, newest first. */
  async function recentTemplateIds(agentId: string, limit: number): Promise<string[]> {
    const uses = await prisma.replyTemplateUse.findMany({
      where: { agentId },
      orderBy: [{ lastUsedAt: 'desc' }, { templateId: 'asc' }],
      take: limit,
      select: { templateId: true },
    });
    return uses.map((u) => u.templateId);
  }

  /** What the variables are filled with for one chat, as seen by the agent using the template. */
  async function templateValuesForSession(session: ChatSession, agent: Agent): Promise<TemplateValues> {
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

  /** A template filled in for a chat the agent may read (the caller has checked that). */
  async function renderForSession(templateId: string, session: ChatSession, agent: Agent): Promise<RenderedReplyTemplate> {
    const template = await templates.find(templateId);
    const rendered = renderTemplateBody(template.body, await templateValuesForSession(session, agent));
    return { template, ...rendered };
  }

  async function recordTemplateUse(agentId: string, templateId: string): Promise<void> {
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

  /**
   * renderReplyTemplate: a template filled in for a chat the calling agent can read, as they would
   * send it, without recording a use.
   */
  async function renderTemplate(principal: Principal | null, templateId: string, sessionId: string): Promise<RenderedReplyTemplate> {
    if (principal?.kind !== 'agent') throw forbidden('Only agents can fill in reply templates.');
    const session = await findReadableSession(prisma, principal, sessionId);
    return renderForSession(templateId, session, principal.agent);
  }

  /** "Use template": records it in the agent's recently used, and renders it for the chat they handle. */
  async function useTemplate(principal: Principal | null, templateId: string, sessionId: string): Promise<RenderedReplyTemplate> {
    const session = await findReadableSession(prisma, principal, sessionId);
    if (principal?.kind !== 'agent' || session.agentId !== principal.agent.id) throw forbidden('Only the agent handling this chat can use a template in it.');
    const rendered = await renderForSession(templateId, session, principal.agent);
    await recordTemplateUse(principal.agent.id, rendered.template.id);
    return rendered;
  }

  /**
   * Fills a template in for the chat the agent handles and sends it as their message, then records
   * the use. A variable without a value refuses the whole send (see assertFullyRendered).
   */
  async function sendTemplate(
    principal: Principal | null,
    ip: string,
    input: { templateId: string; sessionId: string; clientMessageId?: string | null },
  ): Promise<MessageDto> {
    const session = await findReadableSession(prisma, principal, input.sessionId);
    if (principal?.kind !== 'agent' || session.agentId !== principal.agent.id) throw forbidden('Only the agent handling this chat can write in it.');
    const rendered = await renderForSession(input.templateId, session, principal.agent);
    assertFullyRendered(rendered);
    const message = await chats.sendMessage(principal, ip, {
      sessionId: session.id,
      body: rendered.text,
      clientMessageId: input.clientMessageId ?? randomUUID(),
    });
    await recordTemplateUse(principal.agent.id, rendered.template.id);
    return message;
  }

  /** Marks or unmarks a template as one of the agent's favourites; idempotent. */
  async function setFavourite(agentId: string, templateId: string, favourite: boolean): Promise<ReplyTemplate> {
    const template = await templates.find(templateId);
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

  return {
    createFolder: templates.folders.create,
    renameFolder: templates.folders.rename,
    moveFolder: templates.folders.move,
    deleteFolder: templates.folders.remove,
    findTemplate: (id: string) => templates.find(id),
    createTemplate,
    updateTemplate,
    /** Files a template in another folder (null: top level). */
    moveTemplate: templates.move,
    /** Deletes a template; agents' favourites and recent uses of it go with it. Returns its id. */
    deleteTemplate: templates.remove,
    searchTemplateIds,
    templateListArgs,
    favouriteListArgs,
    recentTemplateIds,
    renderTemplate,
    useTemplate,
    sendTemplate,
    setFavourite,
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;

const BY_NAME = [{ name: 'asc' }, { id: 'asc' }] satisfies Prisma.ReplyTemplateOrderByWithRelationInput[];

/** Refuses a rendered text that still has variables without a value: it must not reach a visitor. */
export function assertFullyRendered(rendered: RenderedTemplate, field = 'templateId'): void {
  if (rendered.unresolved.length === 0) return;
  const why = rendered.unresolved.map((name) =>
    name === 'request.number' ? '{{request.number}} (no request has been created from this chat yet)' : `{{${name}}} (not known for this chat)`,
  );
  throw validation(field, `cannot be sent as is: ${why.join(', ')} has no value. Insert it and edit the text instead.`);
}
