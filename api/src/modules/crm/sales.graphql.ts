import { builder } from '../../graphql/builder';
import { agentOf } from '../../graphql/context';
import { SaleStage } from '../../generated/prisma/enums';
import { FOLLOW_UP_LIMITS, SALE_LIMITS } from './sales.service';
import { canReadCrm, canWriteCrm, idField } from '../../graphql/guards';

const SaleStageEnum = builder.enumType(SaleStage, {
  name: 'SaleStage',
  description: 'Where a sale stands: LEAD → QUALIFIED → PROPOSAL → NEGOTIATION → WON or LOST.',
});

builder.prismaObject('Sale', {
  description: 'A sale (opportunity) in the CRM, shown in the contact side panel. Readable by agents and by API tokens with CONTACTS_READ.',
  authScopes: canReadCrm,
  fields: (t) => ({
    id: t.exposeID('id', { ...idField, description: 'Stable identifier. Also readable by tokens with only CONTACTS_WRITE.' }),
    title: t.exposeString('title', { description: `What is being sold, 1–${SALE_LIMITS.title} characters.` }),
    amount: t.string({
      description: 'The amount as a decimal string with two decimals, e.g. "1499.50" (exact; not a float).',
      select: { amount: true },
      resolve: (sale) => sale.amount.toFixed(2),
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code, e.g. EUR.' }),
    stage: t.expose('stage', { type: SaleStageEnum, description: 'Where the sale stands.' }),
    date: t.expose('date', { type: 'DateTime', description: 'The sale date (expected or actual close).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    contact: t.relation('contact', { nullable: true, description: 'The contact it is with.' }),
    company: t.relation('company', { nullable: true, description: 'The company it is with.' }),
    owner: t.relation('owner', { nullable: true, description: 'The agent responsible for it.' }),
  }),
});

builder.prismaObject('FollowUp', {
  description: 'A to-do in the CRM with a due date, shown in the contact side panel. Readable by agents and by API tokens with CONTACTS_READ.',
  authScopes: canReadCrm,
  fields: (t) => ({
    id: t.exposeID('id', { ...idField, description: 'Stable identifier. Also readable by tokens with only CONTACTS_WRITE.' }),
    title: t.exposeString('title', { description: `What to do, 1–${FOLLOW_UP_LIMITS.title} characters.` }),
    dueAt: t.expose('dueAt', { type: 'DateTime', description: 'When it is due.' }),
    done: t.exposeBoolean('done', { description: 'True once done.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    contact: t.relation('contact', { nullable: true, description: 'The contact it concerns.' }),
    company: t.relation('company', { nullable: true, description: 'The company it concerns.' }),
    owner: t.relation('owner', { nullable: true, description: 'The agent who is to do it.' }),
  }),
});

const links = {
  contactId: 'The contact; a sale or follow-up needs a contact or a company. Given alone, the contact’s company is taken too.',
  companyId: 'The company; a sale or follow-up needs a contact or a company.',
  ownerId: 'The responsible agent; default the agent who creates it (none for API tokens).',
} as const;

const saleFields = {
  title: `What is being sold, 1–${SALE_LIMITS.title} characters.`,
  amount: `A non-negative decimal string with up to ${SALE_LIMITS.amountIntegerDigits} digits before the point and 2 after, e.g. "1499.50".`,
  currency: 'ISO 4217 code, e.g. EUR.',
} as const;

const CreateSaleInput = builder.inputType('CreateSaleInput', {
  description: 'A new sale.',
  fields: (t) => ({
    title: t.string({ required: true, description: saleFields.title }),
    amount: t.string({ description: `${saleFields.amount} Default "0".` }),
    currency: t.string({ description: `${saleFields.currency} Default EUR.` }),
    stage: t.field({ type: SaleStageEnum, description: 'Default LEAD.' }),
    date: t.field({ type: 'DateTime', description: 'The sale date; default now.' }),
    contactId: t.id({ description: links.contactId }),
    companyId: t.id({ description: links.companyId }),
    ownerId: t.id({ description: links.ownerId }),
  }),
});

const UpdateSaleInput = builder.inputType('UpdateSaleInput', {
  description: 'Changes to a sale; omitted fields stay. It keeps a contact or a company.',
  fields: (t) => ({
    title: t.string({ description: saleFields.title }),
    amount: t.string({ description: saleFields.amount }),
    currency: t.string({ description: saleFields.currency }),
    stage: t.field({ type: SaleStageEnum, description: 'The new stage.' }),
    date: t.field({ type: 'DateTime', description: 'The sale date.' }),
    contactId: t.id({ description: 'The contact; null unlinks.' }),
    companyId: t.id({ description: 'The company; null unlinks.' }),
    ownerId: t.id({ description: 'The responsible agent; null for none.' }),
  }),
});

const CreateFollowUpInput = builder.inputType('CreateFollowUpInput', {
  description: 'A new follow-up.',
  fields: (t) => ({
    title: t.string({ required: true, description: `What to do, 1–${FOLLOW_UP_LIMITS.title} characters.` }),
    dueAt: t.field({ type: 'DateTime', required: true, description: 'When it is due.' }),
    done: t.boolean({ description: 'Default false.' }),
    contactId: t.id({ description: links.contactId }),
    companyId: t.id({ description: links.companyId }),
    ownerId: t.id({ description: links.ownerId }),
  }),
});

const UpdateFollowUpInput = builder.inputType('UpdateFollowUpInput', {
  description: 'Changes to a follow-up, e.g. `done: true`; omitted fields stay. It keeps a contact or a company.',
  fields: (t) => ({
    title: t.string({ description: `What to do, 1–${FOLLOW_UP_LIMITS.title} characters.` }),
    dueAt: t.field({ type: 'DateTime', description: 'When it is due.' }),
    done: t.boolean({ description: 'True once done.' }),
    contactId: t.id({ description: 'The contact; null unlinks.' }),
    companyId: t.id({ description: 'The company; null unlinks.' }),
    ownerId: t.id({ description: 'The responsible agent; null for none.' }),
  }),
});

builder.queryFields((t) => ({
  sale: t.prismaField({
    type: 'Sale',
    description: 'One sale by id. Agents, and API tokens with CONTACTS_READ.',
    authScopes: canReadCrm,
    args: { id: t.arg.id({ required: true, description: 'The sale id.' }) },
    resolve: async (query, _root, { id }, ctx) => ctx.prisma.sale.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.sales.findSale(id)).id } }),
  }),
  followUp: t.prismaField({
    type: 'FollowUp',
    description: 'One follow-up by id. Agents, and API tokens with CONTACTS_READ.',
    authScopes: canReadCrm,
    args: { id: t.arg.id({ required: true, description: 'The follow-up id.' }) },
    resolve: async (query, _root, { id }, ctx) =>
      ctx.prisma.followUp.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.sales.findFollowUp(id)).id } }),
  }),
}));

builder.mutationFields((t) => ({
  createSale: t.prismaField({
    type: 'Sale',
    description: 'Records a sale for a contact and/or company. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { input: t.arg({ type: CreateSaleInput, required: true, description: 'The sale.' }) },
    resolve: async (query, _root, { input }, ctx) =>
      ctx.prisma.sale.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.sales.createSale(input, agentOf(ctx)?.id ?? null)).id } }),
  }),
  updateSale: t.prismaField({
    type: 'Sale',
    description: 'Changes a sale. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: {
      id: t.arg.id({ required: true, description: 'The sale.' }),
      input: t.arg({ type: UpdateSaleInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) =>
      ctx.prisma.sale.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.sales.updateSale(id, input)).id } }),
  }),
  deleteSale: t.id({
    description: 'Deletes a sale and returns its id. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { id: t.arg.id({ required: true, description: 'The sale.' }) },
    resolve: async (_root, { id }, ctx) => (await ctx.services.sales.deleteSale(id)).id,
  }),
  createFollowUp: t.prismaField({
    type: 'FollowUp',
    description: 'Records a follow-up for a contact and/or company. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { input: t.arg({ type: CreateFollowUpInput, required: true, description: 'The follow-up.' }) },
    resolve: async (query, _root, { input }, ctx) =>
      ctx.prisma.followUp.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.sales.createFollowUp(input, agentOf(ctx)?.id ?? null)).id } }),
  }),
  updateFollowUp: t.prismaField({
    type: 'FollowUp',
    description: 'Changes a follow-up, e.g. marks it done. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: {
      id: t.arg.id({ required: true, description: 'The follow-up.' }),
      input: t.arg({ type: UpdateFollowUpInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) =>
      ctx.prisma.followUp.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.sales.updateFollowUp(id, input)).id } }),
  }),
  deleteFollowUp: t.id({
    description: 'Deletes a follow-up and returns its id. Agents, and API tokens with CONTACTS_WRITE.',
    authScopes: canWriteCrm,
    args: { id: t.arg.id({ required: true, description: 'The follow-up.' }) },
    resolve: async (_root, { id }, ctx) => (await ctx.services.sales.deleteFollowUp(id)).id,
  }),
}));
