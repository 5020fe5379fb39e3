import { builder } from '../../graphql/builder';
import type { Context } from '../../graphql/context';
import type { Prisma } from '../../generated/prisma/client';
import { COMPANY_LIMITS, CONTACT_LIMITS, CRM_SEARCH_LIMITS, SUGGESTION_LIMITS, type ContactSuggestion } from './contacts.service';
import { canReadChats, canReadCrm, canReadRequests, canWriteCrm, checkedPageSize, idField, namedConnection } from '../../graphql/guards';
import { sessionsVisibleTo } from '../chats/chat-reads.service';

const newestFirst = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.RequestOrderByWithRelationInput[];
const byName = [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }] satisfies Prisma.ContactOrderByWithRelationInput[];
const latestDateFirst = [{ date: 'desc' }, { id: 'desc' }] satisfies Prisma.SaleOrderByWithRelationInput[];
const newestChatFirst = [{ requestedAt: 'desc' }, { id: 'desc' }] satisfies Prisma.ChatSessionOrderByWithRelationInput[];
const openFirstByDueDate = [{ done: 'asc' }, { dueAt: 'asc' }, { id: 'asc' }] satisfies Prisma.FollowUpOrderByWithRelationInput[];

/** The records a company or contact lists, as their connection types name and describe them. */
const listedItems = {
  Contact: { one: 'contact', many: 'contacts' },
  Request: { one: 'request', many: 'requests' },
  Sale: { one: 'sale', many: 'sales' },
  FollowUp: { one: 'follow-up', many: 'follow-ups' },
  ChatSession: { one: 'chat session', many: 'chat sessions' },
} as const;

/**
 * The arguments after the relation's name of `t.relatedConnection` for a company's or contact's
 * list: pages by id with their total count and a checked size, in types named
 * `<Owner><Item>Connection` and `<Owner><Item>Edge`.
 */
function relatedPage<Options extends { description: string }>(owner: 'Company' | 'Contact', item: keyof typeof listedItems, options: Options) {
  const { one, many } = listedItems[item];
  return [
    { cursor: 'id', totalCount: true, maxSize: checkedPageSize, ...options },
    namedConnection(`${owner}${item}Connection`, `A page of a ${owner.toLowerCase()}’s ${many}.`),
    { name: `${owner}${item}Edge`, description: `A ${one} in a page.` },
  ] as const;
}

export const CompanyType = builder.prismaObject('Company', {
  description: 'A company in the CRM. Readable by agents and by API tokens with CONTACTS_READ.',
  authScopes: canReadCrm,
  fields: (t) => ({
    id: t.exposeID('id', { ...idField, description: 'Stable identifier. Also readable by tokens with only CONTACTS_WRITE.' }),
    name: t.exposeString('name', { description: `The company name, 1–${COMPANY_LIMITS.name} characters.` }),
    domain: t.exposeString('domain', { nullable: true, description: 'Its web domain, lower-cased, e.g. example.com.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Switchboard phone number.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    contacts: t.relatedConnection(
      'contacts',
      ...relatedPage('Company', 'Contact', { description: 'Its contacts, by last name then first name.', query: { orderBy: byName } }),
    ),
    requests: t.relatedConnection(
      'requests',
      ...relatedPage('Company', 'Request', {
        authScopes: canReadRequests,
        description: 'Its requests, newest first. Also needs an agent or REQUESTS_READ.',
        query: { orderBy: newestFirst },
      }),
    ),
    sales: t.relatedConnection(
      'sales',
      ...relatedPage('Company', 'Sale', { description: 'Its sales, latest date first.', query: { orderBy: latestDateFirst } }),
    ),
    followUps: t.relatedConnection(
      'followUps',
      ...relatedPage('Company', 'FollowUp', {
        description: 'Its follow-ups: open ones first, each group by due date.',
        query: { orderBy: openFirstByDueDate },
      }),
    ),
  }),
});

export const ContactType = builder.prismaObject('Contact', {
  description: 'A person in the CRM. Readable by agents and by API tokens with CONTACTS_READ.',
  authScopes: canReadCrm,
  fields: (t) => ({
    id: t.exposeID('id', { ...idField, description: 'Stable identifier. Also readable by tokens with only CONTACTS_WRITE.' }),
    firstName: t.exposeString('firstName', { description: `First name; may be empty. At most ${CONTACT_LIMITS.firstName} characters.` }),
    lastName: t.exposeString('lastName', { description: `Last name; may be empty. At most ${CONTACT_LIMITS.lastName} characters.` }),
    name: t.string({
      description: 'First and last name together, as shown in lists.',
      select: { firstName: true, lastName: true },
      resolve: (c) => [c.firstName, c.lastName].filter(Boolean).join(' '),
    }),
    email: t.exposeString('email', { nullable: true, description: 'Email address, lower-cased.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone number.' }),
    title: t.exposeString('title', { nullable: true, description: 'Job title.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    company: t.relation('company', { nullable: true, description: 'The company the contact works for.' }),
    requests: t.relatedConnection(
      'requests',
      ...relatedPage('Contact', 'Request', {
        authScopes: canReadRequests,
        description: 'The contact’s requests, newest first. Also needs an agent or REQUESTS_READ.',
        query: { orderBy: newestFirst },
      }),
    ),
    sales: t.relatedConnection(
      'sales',
      ...relatedPage('Contact', 'Sale', { description: 'The contact’s sales, latest date first.', query: { orderBy: latestDateFirst } }),
    ),
    followUps: t.relatedConnection(
      'followUps',
      ...relatedPage('Contact', 'FollowUp', {
        description: 'The contact’s follow-ups: open ones first, each group by due date.',
        query: { orderBy: openFirstByDueDate },
      }),
    ),
    chatSessions: t.relatedConnection(
      'chatSessions',
      ...relatedPage('Contact', 'ChatSession', {
        authScopes: canReadChats,
        description: 'Chats linked to this contact, newest first. Agents see those of their own channels (admins all); API tokens also need CHATS_READ.',
        query: (_args: unknown, ctx: Context) => ({ where: sessionsVisibleTo(ctx.principal), orderBy: newestChatFirst }),
      }),
    ),
  }),
});

builder.prismaObjectFields('ChatSession', (t) => ({
  contact: t.relation('contact', {
    nullable: true,
    authScopes: canReadCrm,
    description: 'The CRM contact this chat is linked to (`linkChatToContact`). Agents and CONTACTS_READ.',
  }),
  company: t.relation('company', {
    nullable: true,
    authScopes: canReadCrm,
    description: 'The CRM company this chat is linked to: that of its contact. Agents and CONTACTS_READ.',
  }),
}));

const ContactMatchEnum = builder.enumType('ContactMatch', {
  description: 'Why a contact is suggested: EMAIL (exactly the visitor’s email) or NAME (a name similar to the visitor’s).',
  values: ['EMAIL', 'NAME'] as const,
});

const ContactSuggestionRef = builder.objectRef<ContactSuggestion>('ContactSuggestion').implement({
  description: 'A contact that may be the visitor of a chat.',
  fields: (t) => ({
    contact: t.field({ type: ContactType, description: 'The contact.', resolve: (s) => s.contact }),
    matchedBy: t.field({ type: ContactMatchEnum, description: 'EMAIL or NAME.', resolve: (s) => s.matchedBy }),
    score: t.exposeFloat('score', {
      description: '1 for an email match; for a name match the pg_trgm similarity of the full names, from 0 to 1.',
    }),
  }),
});

const contactFields = {
  firstName: `First name, up to ${CONTACT_LIMITS.firstName} characters.`,
  lastName: `Last name, up to ${CONTACT_LIMITS.lastName} characters.`,
  email: 'Email address; its syntax is checked and it is stored lower-cased.',
  phone: `Phone number, up to ${CONTACT_LIMITS.phone} characters.`,
  title: `Job title, up to ${CONTACT_LIMITS.title} characters.`,
  country: `Country, up to ${CONTACT_LIMITS.country} characters.`,
} as const;

const CreateContactInput = builder.inputType('CreateContactInput', {
  description: 'A new contact. It needs a first name, a last name or an email.',
  fields: (t) => ({
    firstName: t.string({ description: contactFields.firstName }),
    lastName: t.string({ description: contactFields.lastName }),
    email: t.string({ description: contactFields.email }),
    phone: t.string({ description: contactFields.phone }),
    title: t.string({ description: contactFields.title }),
    country: t.string({ description: contactFields.country }),
    companyId: t.id({ description: 'The company the contact works for.' }),
  }),
});

const UpdateContactInput = builder.inputType('UpdateContactInput', {
  description: 'Changes to a contact: omitted fields stay, null (or empty) clears one. It keeps a first name, a last name or an email.',
  fields: (t) => ({
    firstName: t.string({ description: contactFields.firstName }),
    lastName: t.string({ description: contactFields.lastName }),
    email: t.string({ description: contactFields.email }),
    phone: t.string({ description: contactFields.phone }),
    title: t.string({ description: contactFields.title }),
    country: t.string({ description: contactFields.country }),
    companyId: t.id({ description: 'The company the contact works for; null removes it.' }),
  }),
});

const companyFields = {
  name: `The company name, 1–${COMPANY_LIMITS.name} characters.`,
  domain: 'Its web domain, e.g. example.com.',
  phone: `Switchboard phone, up to ${COMPANY_LIMITS.phone} characters.`,
  country: `Country, up to ${COMPANY_LIMITS.country} characters.`,
} as const;

const CreateCompanyInput = builder.inputType('CreateCompanyInput', {
  description: 'A new company.',
  fields: (t) => ({
    name: t.string({ required: true, description: companyFields.name }),
    domain: t.string({ description: companyFields.domain }),
    phone: t.string({ description: companyFields.phone }),
    country: t.string({ description: companyFields.country }),
  }),
});

const UpdateCompanyInput = builder.inputType('UpdateCompanyInput', {
  description: 'Changes to a company: omitted fields stay, null (or empty) clears an optional one.',
  fields: (t) => ({
    name: t.string({ description: companyFields.name }),
    domain: t.string({ description: companyFields.domain }),
    phone: t.string({ description: companyFields.phone }),
    country: t.string({ description: companyFields.country }),
  }),
});

const CreateContactFromChatInput = builder.inputType('CreateContactFromChatInput', {
  description:
    'A contact made from a chat. Omitted fields come from what the visitor gave in the forms (their name split into first and last); a given field, even null, wins.',
  fields: (t) => ({
    createCompany: t.boolean({ description: 'Also create a company, named `companyName` or the visitor’s company, and put the contact in it.' }),
    companyName: t.string({ description: `Name of the company to create, up to ${COMPANY_LIMITS.name} characters; default the visitor’s company.` }),
    companyId: t.id({ description: 'Put the contact in this existing company instead (not with createCompany).' }),
    firstName: t.string({ description: contactFields.firstName }),
    lastName: t.string({ description: contactFields.lastName }),
    email: t.string({ description: contactFields.email }),
    phone: t.string({ description: contactFields.phone }),
    title: t.string({ description: contactFields.title }),
    country: t.string({ description: contactFields.country }),
  }),
});

const ContactFromChatPayload = builder
  .objectRef<{ contact: { id: string }; company: { id: string } | null; session: { id: string } }>('ContactFromChatPayload')
  .implement({
    description: 'The contact created from a chat, its company, and the chat now linked to it.',
    fields: (t) => ({
      contact: t.prismaField({
        type: 'Contact',
        description: 'The new contact.',
        resolve: (query, p, _args, ctx) => ctx.prisma.contact.findUniqueOrThrow({ ...query, where: { id: p.contact.id } }),
      }),
      company: t.prismaField({
        type: 'Company',
        nullable: true,
        description: 'Its company: the one created, the one given, or null.',
        resolve: (query, p, _args, ctx) => (p.company ? ctx.prisma.company.findUniqueOrThrow({ ...query, where: { id: p.company.id } }) : null),
      }),
      session: t.prismaField({
        type: 'ChatSession',
        description: 'The chat, now linked to the contact.',
        resolve: (query, p, _args, ctx) => ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: p.session.id } }),
      }),
    }),
  });

const searchDescription = `Words that must each appear in the name, email, phone or company name (case-insensitive); at most ${CRM_SEARCH_LIMITS.length} characters, the first ${CRM_SEARCH_LIMITS.words} words count.`;

builder.queryFields((t) => ({
  contact: t.prismaField({
    type: 'Contact',
    description: 'One contact by id. Agents, and API tokens with CONTACTS_READ.',
    authScopes: canReadCrm,
    args: { id: t.arg.id({ required: true, description: 'The contact id.' }) },
    resolve: async (query, _root, { id }, ctx) =>
      ctx.prisma.contact.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.contacts.findContact(id)).id } }),
  }),
  contacts: t.prismaConnection(
    {
      type: 'Contact',
      cursor: 'id',
      maxSize: checkedPageSize,
      description: 'Contacts by last name then first name, optionally searched. Agents, and API tokens with CONTACTS_READ.',
      authScopes: canReadCrm,
      args: {
        search: t.arg.string({ description: searchDescription }),
        companyId: t.arg.id({ description: 'Only the contacts of this company.' }),
      },
      resolve: (query, _root, { search, companyId }, ctx) =>
        ctx.prisma.contact.findMany({ ...query, ...ctx.services.contacts.contactListArgs({ search, companyId }) }),
    },
    { name: 'ContactConnection', description: 'A page of contacts.' },
    { name: 'ContactEdge', description: 'A contact in a page.' },
  ),
  company: t.prismaField({
    type: 'Company',
    description: 'One company by id. Agents, and API tokens with CONTACTS_READ.',
    authScopes: canReadCrm,
    args: { id: t.arg.id({ required: true, description: 'The company id.' }) },
    resolve: async (query, _root, { id }, ctx) =>
      ctx.prisma.company.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.contacts.findCompany(id)).id } }),
  }),
  companies: t.prismaConnection(
    {
      type: 'Company',
      cursor: 'id',
      maxSize: checkedPageSize,
      description: 'Companies by name, optionally searched. Agents, and API tokens with CONTACTS_READ.',
      authScopes: canReadCrm,
      args: {
        search: t.arg.string({
          description: `Words that must each appear in the name or domain (case-insensitive); at most ${CRM_SEARCH_LIMITS.length} characters.`,
        }),
      },
      resolve: (query, _root, { search }, ctx) => ctx.prisma.company.findMany({ ...query, ...ctx.services.contacts.companyListArgs(search) }),
    },
    { name: 'CompanyConnection', description: 'A page of companies.' },
    { name: 'CompanyEdge', description: 'A company in a page.' },
  ),
  contactSuggestions: t.field({
    type: [ContactSuggestionRef],
    description:
      'Contacts that may be the visitor of a chat, for the side panel: exact email matches first, then contacts with a similar name (pg_trgm similarity), most similar first. Agents who can read the chat.',
    authScopes: { agent: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      first: t.arg.int({ description: `How many at most, 1–${SUGGESTION_LIMITS.max} (default ${SUGGESTION_LIMITS.default}).` }),
    },
    resolve: (_root, { sessionId, first }, ctx) => ctx.services.contacts.contactSuggestionsForChat(ctx.principal, sessionId, first),
  }),
}));

builder.mutationFields((t) => ({
  createContact: t.prismaField({
    type: 'Contact',
    description: 'Creates a contact. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { input: t.arg({ type: CreateContactInput, required: true, description: 'The contact.' }) },
    resolve: async (query, _root, { input }, ctx) =>
      ctx.prisma.contact.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.contacts.createContact(input)).id } }),
  }),
  updateContact: t.prismaField({
    type: 'Contact',
    description: 'Changes a contact. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: {
      id: t.arg.id({ required: true, description: 'The contact.' }),
      input: t.arg({ type: UpdateContactInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) =>
      ctx.prisma.contact.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.contacts.updateContact(id, input)).id } }),
  }),
  deleteContact: t.id({
    description: 'Deletes a contact and returns its id. Its chats, requests, sales and follow-ups stay, unlinked. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { id: t.arg.id({ required: true, description: 'The contact.' }) },
    resolve: async (_root, { id }, ctx) => (await ctx.services.contacts.deleteContact(id)).id,
  }),
  createCompany: t.prismaField({
    type: 'Company',
    description: 'Creates a company. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { input: t.arg({ type: CreateCompanyInput, required: true, description: 'The company.' }) },
    resolve: async (query, _root, { input }, ctx) =>
      ctx.prisma.company.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.contacts.createCompany(input)).id } }),
  }),
  updateCompany: t.prismaField({
    type: 'Company',
    description: 'Changes a company. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: {
      id: t.arg.id({ required: true, description: 'The company.' }),
      input: t.arg({ type: UpdateCompanyInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) =>
      ctx.prisma.company.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.contacts.updateCompany(id, input)).id } }),
  }),
  deleteCompany: t.id({
    description:
      'Deletes a company and returns its id. Its contacts, chats, requests, sales and follow-ups stay, without a company. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { id: t.arg.id({ required: true, description: 'The company.' }) },
    resolve: async (_root, { id }, ctx) => (await ctx.services.contacts.deleteCompany(id)).id,
  }),
  linkChatToContact: t.prismaField({
    type: 'ChatSession',
    description:
      'Links a chat to a contact (and the contact’s company), or unlinks it with `contactId: null`. Appends a CONTACT_LINKED event that agents receive (visitors do not). Agents who can read the chat.',
    authScopes: { agent: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      contactId: t.arg.id({ description: 'The contact; null unlinks.' }),
    },
    resolve: async (query, _root, { sessionId, contactId }, ctx) => {
      const session = await ctx.services.contacts.linkChatToContact(ctx.principal, sessionId, contactId ?? null);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
  createContactFromChat: t.field({
    type: ContactFromChatPayload,
    description:
      'Creates a contact (and with createCompany a company) prefilled from the visitor’s form data, and links the chat to it. Agents who can read the chat.',
    authScopes: { agent: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      input: t.arg({ type: CreateContactFromChatInput, description: 'Overrides and options; omit to take everything from the visitor.' }),
    },
    resolve: (_root, { sessionId, input }, ctx) => ctx.services.contacts.createContactFromChat(ctx.principal, sessionId, { ...input }),
  }),
}));
