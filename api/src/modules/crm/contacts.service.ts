// Module crm: the records around a chat. Owns contacts and companies (this file: their search, the
// contact suggestions for a chat, linking a chat to a contact), sales and follow-ups (sales.service)
// and support requests (requests.service). Imports identity, channels and chats.
import type { Principal } from '../../platform/principal';
import { forbidden, notFound, validation } from '../../platform/errors';
import type { ChatSession, Company, Contact, Prisma, PrismaClient } from '../../generated/prisma/client';
import type { ChatEventLog } from '../chats/chat-events';
import type { ChatService } from '../chats/chats.service';
import { findReadableSession } from '../chats/chat-access';
import { isUuid } from '../../platform/ids';
import { cleanEmail, cleanOptionalText, cleanText } from '../../platform/validate';

export const CONTACT_LIMITS = {
  firstName: 100,
  lastName: 100,
  phone: 50,
  title: 100,
  country: 100,
} as const;

export const COMPANY_LIMITS = {
  name: 200,
  domain: 253,
  phone: 50,
  country: 100,
} as const;

/** Search texts (contacts, companies, requests): longer ones are rejected, further words ignored. */
export const CRM_SEARCH_LIMITS = { length: 200, words: 5 } as const;

/** contactSuggestions: how many by default and at most. */
export const SUGGESTION_LIMITS = { default: 5, max: 20 } as const;

export interface ContactInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  country?: string | null;
  companyId?: string | null;
}

export interface CompanyInput {
  name?: string | null;
  domain?: string | null;
  phone?: string | null;
  country?: string | null;
}

/** A uuid that names a row, or VALIDATION naming the field. */
export function cleanId(field: string, value: string | number | null | undefined): string | null {
  if (value == null || value === '') return null;
  const id = String(value);
  if (!isUuid(id)) throw validation(field, 'is not a valid id');
  return id;
}

const optionalEmail = (field: string, value: string | null | undefined) => (value?.trim() ? cleanEmail(field, value) : null);

/**
 * Validates a contact. `undefined` leaves a field out (for updates: unchanged); `null` or an empty
 * string clears it. A contact needs a first name, a last name or an email.
 */
export function cleanContactInput(input: ContactInput, existing?: Contact): Prisma.ContactUncheckedUpdateInput {
  const data: Prisma.ContactUncheckedUpdateInput = {};
  if (input.firstName !== undefined) data.firstName = cleanOptionalText('firstName', input.firstName, CONTACT_LIMITS.firstName) ?? '';
  if (input.lastName !== undefined) data.lastName = cleanOptionalText('lastName', input.lastName, CONTACT_LIMITS.lastName) ?? '';
  if (input.email !== undefined) data.email = optionalEmail('email', input.email);
  if (input.phone !== undefined) data.phone = cleanOptionalText('phone', input.phone, CONTACT_LIMITS.phone);
  if (input.title !== undefined) data.title = cleanOptionalText('title', input.title, CONTACT_LIMITS.title);
  if (input.country !== undefined) data.country = cleanOptionalText('country', input.country, CONTACT_LIMITS.country);
  if (input.companyId !== undefined) data.companyId = cleanId('companyId', input.companyId);

  const firstName = data.firstName !== undefined ? data.firstName : (existing?.firstName ?? '');
  const lastName = data.lastName !== undefined ? data.lastName : (existing?.lastName ?? '');
  const email = data.email !== undefined ? data.email : (existing?.email ?? null);
  if (!firstName && !lastName && !email) throw validation('lastName', 'a contact needs a first name, a last name or an email');
  return data;
}

export function cleanCompanyInput(input: CompanyInput, creating: boolean): Prisma.CompanyUpdateInput {
  const data: Prisma.CompanyUpdateInput = {};
  if (creating || input.name !== undefined) data.name = cleanText('name', input.name ?? '', { max: COMPANY_LIMITS.name });
  if (input.domain !== undefined) {
    const domain = cleanOptionalText('domain', input.domain, COMPANY_LIMITS.domain)?.toLowerCase() ?? null;
    if (domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw validation('domain', 'is not a valid domain name, e.g. example.com');
    data.domain = domain;
  }
  if (input.phone !== undefined) data.phone = cleanOptionalText('phone', input.phone, COMPANY_LIMITS.phone);
  if (input.country !== undefined) data.country = cleanOptionalText('country', input.country, COMPANY_LIMITS.country);
  return data;
}

/** The words of a search text: whitespace-separated, at most CRM_SEARCH_LIMITS.words. */
export function searchWords(field: string, search: string | null | undefined): string[] {
  if (search == null) return [];
  if (search.length > CRM_SEARCH_LIMITS.length) throw validation(field, `must be at most ${CRM_SEARCH_LIMITS.length} characters`);
  return search.trim().split(/\s+/).filter(Boolean).slice(0, CRM_SEARCH_LIMITS.words);
}

const contains = (value: string) => ({ contains: value, mode: 'insensitive' as const });

/**
 * Every word must appear (case-insensitively, anywhere) in the first name, last name, email,
 * phone or company name: "jon smi" finds Jonathan Smith. The trigram index serves the ILIKEs.
 */
export function contactSearchWhere(search: string | null | undefined): Prisma.ContactWhereInput {
  const words = searchWords('search', search);
  return {
    AND: words.map((word) => ({
      OR: [
        { firstName: contains(word) },
        { lastName: contains(word) },
        { email: contains(word) },
        { phone: contains(word) },
        { company: { name: contains(word) } },
      ],
    })),
  };
}

/** Every word must appear in the company's name or domain. */
export function companySearchWhere(search: string | null | undefined): Prisma.CompanyWhereInput {
  const words = searchWords('search', search);
  return { AND: words.map((word) => ({ OR: [{ name: contains(word) }, { domain: contains(word) }] })) };
}

/** "Jane van der Berg" → Jane / van der Berg; a single word is the first name. */
export function splitName(name: string | null | undefined): { firstName: string; lastName: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { firstName: '', lastName: '' };
  return { firstName: words[0]!, lastName: words.slice(1).join(' ') };
}

export type ContactMatch = 'EMAIL' | 'NAME';

export interface ContactSuggestion {
  contact: Contact;
  matchedBy: ContactMatch;
  /** 1 for an exact email; otherwise pg_trgm similarity of the full names, 0–1. */
  score: number;
}

export interface ContactListFilter {
  search?: string | null;
  companyId?: string | null;
}

export interface ContactFromChatInput extends Omit<ContactInput, 'companyId'> {
  /** Also create a company, named `companyName` or the visitor's company. */
  createCompany?: boolean | null;
  /** Put the contact in this existing company instead. */
  companyId?: string | null;
  companyName?: string | null;
}

export interface ContactFromChatResult {
  contact: Contact;
  company: Company | null;
  session: ChatSession;
}

export interface ContactServiceDeps {
  prisma: PrismaClient;
  /** Linking a chat appends a CONTACT_LINKED event to it... */
  events: Pick<ChatEventLog, 'append'>;
  /** ...which the chat's agents are then told of. */
  chats: Pick<ChatService, 'announce'>;
}

type Db = PrismaClient | Prisma.TransactionClient;

export function createContactService({ prisma, events, chats }: ContactServiceDeps) {
  /** NOT_FOUND unless the contact exists (none: nothing to check), read in `db` when it is the caller's transaction. */
  async function requireContact(id: string | null | undefined, db: Db = prisma) {
    if (id == null) return;
    if (!(await db.contact.findUnique({ where: { id }, select: { id: true } }))) throw notFound('Contact', id);
  }

  /** NOT_FOUND unless the company exists (none: nothing to check), read in `db` when it is the caller's transaction. */
  async function requireCompany(id: string | null | undefined, db: Db = prisma) {
    if (id == null) return;
    if (!(await db.company.findUnique({ where: { id }, select: { id: true } }))) throw notFound('Company', id);
  }

  async function findContact(id: string): Promise<Contact> {
    const contact = isUuid(id) ? await prisma.contact.findUnique({ where: { id } }) : null;
    if (!contact) throw notFound('Contact', id);
    return contact;
  }

  async function findCompany(id: string): Promise<Company> {
    const company = isUuid(id) ? await prisma.company.findUnique({ where: { id } }) : null;
    if (!company) throw notFound('Company', id);
    return company;
  }

  async function createContact(input: ContactInput): Promise<Contact> {
    const data = cleanContactInput(input);
    await requireCompany(data.companyId as string | null | undefined);
    return prisma.contact.create({ data: data as Prisma.ContactUncheckedCreateInput });
  }

  async function updateContact(id: string, changes: ContactInput): Promise<Contact> {
    const existing = await findContact(id);
    const data = cleanContactInput(changes, existing);
    await requireCompany(data.companyId as string | null | undefined);
    return prisma.contact.update({ where: { id: existing.id }, data });
  }

  /** Deletes a contact. Its chats, requests, sales and follow-ups stay, unlinked. */
  async function deleteContact(id: string): Promise<Contact> {
    const existing = await findContact(id);
    return prisma.contact.delete({ where: { id: existing.id } });
  }

  async function createCompany(input: CompanyInput): Promise<Company> {
    return prisma.company.create({ data: cleanCompanyInput(input, true) as Prisma.CompanyCreateInput });
  }

  async function updateCompany(id: string, changes: CompanyInput): Promise<Company> {
    const existing = await findCompany(id);
    return prisma.company.update({ where: { id: existing.id }, data: cleanCompanyInput(changes, false) });
  }

  /** Deletes a company. Its contacts, chats, requests, sales and follow-ups stay, without a company. */
  async function deleteCompany(id: string): Promise<Company> {
    const existing = await findCompany(id);
    return prisma.company.delete({ where: { id: existing.id } });
  }

  /** The `contacts` list: searched, optionally one company's, by last name then first name. */
  function contactListArgs({ search, companyId }: ContactListFilter) {
    return {
      where: { AND: [contactSearchWhere(search), companyId != null ? { companyId: cleanId('companyId', companyId) } : {}] },
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }],
    } satisfies Prisma.ContactFindManyArgs;
  }

  /** The `companies` list: searched, by name. */
  function companyListArgs(search: string | null | undefined) {
    return { where: companySearchWhere(search), orderBy: [{ name: 'asc' }, { id: 'asc' }] } satisfies Prisma.CompanyFindManyArgs;
  }

  /**
   * Contacts that may be this visitor: every contact with exactly their email first, then contacts
   * whose first or last name is similar to one of the words of their name, most similar full name
   * first. Similarity is pg_trgm's: a candidate needs a word similarity above 0.6 between a name
   * word and the contact's first or last name (`%>`, served by the trigram index), and candidates
   * are ranked by `similarity()` of the whole names.
   */
  async function suggestContacts(
    visitor: { name: string | null; email: string | null },
    limit: number = SUGGESTION_LIMITS.default,
  ): Promise<ContactSuggestion[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > SUGGESTION_LIMITS.max)
      throw validation('first', `must be a whole number from 1 to ${SUGGESTION_LIMITS.max}`);
    const email = visitor.email?.trim().toLowerCase() || null;
    const byEmail = email ? await prisma.contact.findMany({ where: { email }, orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }], take: limit }) : [];
    const suggestions: ContactSuggestion[] = byEmail.map((contact) => ({ contact, matchedBy: 'EMAIL', score: 1 }));

    const name = (visitor.name ?? '').trim().replace(/\s+/g, ' ').slice(0, 200);
    const words = name
      .split(' ')
      .filter((word) => Array.from(word).length >= 2)
      .slice(0, 5);
    const room = limit - suggestions.length;
    if (room <= 0 || words.length === 0) return suggestions;

    const excluded = suggestions.map((s) => s.contact.id);
    const rows = await prisma.$queryRaw<{ id: string; score: number }[]>`
      SELECT c.id, similarity(c."firstName" || ' ' || c."lastName", ${name})::float8 AS score
      FROM "Contact" c
      WHERE (c."firstName" %> ANY(${words}::text[]) OR c."lastName" %> ANY(${words}::text[]))
        AND NOT (c.id = ANY(${excluded}::uuid[]))
      ORDER BY score DESC, c."lastName", c."firstName", c.id
      LIMIT ${room}`;
    const contacts = new Map((await prisma.contact.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).map((c) => [c.id, c]));
    for (const row of rows) {
      const contact = contacts.get(row.id);
      if (contact) suggestions.push({ contact, matchedBy: 'NAME', score: Math.round(row.score * 1000) / 1000 });
    }
    return suggestions;
  }

  /** Chat-side CRM actions are console actions: an agent who can read the session. */
  async function agentReadableSession(principal: Principal | null, sessionId: string): Promise<ChatSession> {
    if (principal?.kind !== 'agent') throw forbidden('Requires an agent session.');
    return findReadableSession(prisma, principal, sessionId);
  }

  async function contactSuggestionsForChat(principal: Principal | null, sessionId: string, limit?: number | null): Promise<ContactSuggestion[]> {
    const session = await agentReadableSession(principal, sessionId);
    const visitor = await prisma.visitor.findUniqueOrThrow({ where: { id: session.visitorId }, select: { name: true, email: true } });
    return suggestContacts(visitor, limit ?? SUGGESTION_LIMITS.default);
  }

  /**
   * Links a chat to a contact (and to the contact's company), or unlinks it with `contactId` null.
   * Appends a CONTACT_LINKED event for the agents (visitors do not see CRM links). Linking to the
   * contact it already has changes nothing and appends nothing.
   */
  async function linkChatToContact(principal: Principal | null, sessionId: string, contactId: string | null): Promise<ChatSession> {
    const session = await agentReadableSession(principal, sessionId);
    const contact = contactId == null ? null : await findContact(contactId);
    if ((contact?.id ?? null) === session.contactId) return session;
    const { updated, event } = await prisma.$transaction(async (tx) => {
      const event = await events.append(
        tx,
        session.id,
        { type: 'CONTACT_LINKED', audience: 'AGENTS', contactId: contact?.id ?? null },
        {
          contact: contact ? { connect: { id: contact.id } } : { disconnect: true },
          company: contact?.companyId ? { connect: { id: contact.companyId } } : { disconnect: true },
        },
      );
      return { updated: await tx.chatSession.findUniqueOrThrow({ where: { id: session.id } }), event };
    });
    chats.announce(updated, [event]);
    return updated;
  }

  /**
   * Creates a contact from what the visitor gave in the forms (name split into first and last,
   * email, phone, country), with the input's fields taking precedence, optionally creates their
   * company too, and links the chat to the contact, all in one transaction.
   */
  async function createContactFromChat(principal: Principal | null, sessionId: string, input: ContactFromChatInput): Promise<ContactFromChatResult> {
    const session = await agentReadableSession(principal, sessionId);
    const visitor = await prisma.visitor.findUniqueOrThrow({ where: { id: session.visitorId } });
    const name = splitName(visitor.name);
    const pick = <T>(given: T | undefined, fallback: T) => (given === undefined ? fallback : given);
    const companyId = cleanId('companyId', input.companyId);
    if (input.createCompany && companyId) throw validation('companyId', 'give either companyId or createCompany, not both');

    const contactData = cleanContactInput({
      firstName: pick(input.firstName, name.firstName),
      lastName: pick(input.lastName, name.lastName),
      email: pick(input.email, visitor.email),
      phone: pick(input.phone, visitor.phone),
      title: pick(input.title, null),
      country: pick(input.country, visitor.country),
    });
    let companyData: Prisma.CompanyCreateInput | null = null;
    if (input.createCompany) {
      const companyName = pick(input.companyName, visitor.company);
      if (!companyName?.trim()) throw validation('companyName', 'is required to create a company: the visitor gave no company');
      const name = cleanText('companyName', companyName, { max: COMPANY_LIMITS.name });
      companyData = cleanCompanyInput({ name, country: visitor.country }, true) as Prisma.CompanyCreateInput;
    }
    await requireCompany(companyId);

    const result = await prisma.$transaction(async (tx) => {
      const company = companyData
        ? await tx.company.create({ data: companyData })
        : companyId
          ? await tx.company.findUniqueOrThrow({ where: { id: companyId } })
          : null;
      const contact = await tx.contact.create({ data: { ...(contactData as Prisma.ContactUncheckedCreateInput), companyId: company?.id ?? null } });
      const event = await events.append(
        tx,
        session.id,
        { type: 'CONTACT_LINKED', audience: 'AGENTS', contactId: contact.id },
        { contact: { connect: { id: contact.id } }, company: company ? { connect: { id: company.id } } : { disconnect: true } },
      );
      const updated = await tx.chatSession.findUniqueOrThrow({ where: { id: session.id } });
      return { contact, company, session: updated, event };
    });
    chats.announce(result.session, [result.event]);
    return { contact: result.contact, company: result.company, session: result.session };
  }

  return {
    requireContact,
    requireCompany,
    findContact,
    createContact,
    updateContact,
    deleteContact,
    findCompany,
    createCompany,
    updateCompany,
    deleteCompany,
    contactListArgs,
    companyListArgs,
    contactSuggestionsForChat,
    linkChatToContact,
    createContactFromChat,
  };
}

export type ContactService = ReturnType<typeof createContactService>;
