// Module crm, sales: opportunities (an amount, a currency and a stage) and follow-ups (to-dos with a
// due date). Owns creating and changing both for a contact, a company or both, each with an owning
// agent and its links checked to exist; a record's list of them is its relation.
import { notFound, validation } from '../../platform/errors';
import type { FollowUp, Prisma, PrismaClient, Sale, SaleStage } from '../../generated/prisma/client';
import { isUuid } from '../../platform/ids';
import { cleanId, type ContactService } from './contacts.service';
import { cleanText } from '../../platform/validate';

export const SALE_LIMITS = {
  title: 200,
  /** Decimal(14, 2): up to 12 digits before the point and 2 after. */
  amountIntegerDigits: 12,
} as const;

export const FOLLOW_UP_LIMITS = { title: 200 } as const;

/** A sale or follow-up hangs off a contact, a company, or both; the owner is an agent. */
interface CrmLinks {
  contactId?: string | number | null;
  companyId?: string | number | null;
  ownerId?: string | number | null;
}

export interface SaleInput extends CrmLinks {
  title?: string | null;
  /** A decimal string such as "1499.50". */
  amount?: string | null;
  /** ISO 4217, e.g. EUR. */
  currency?: string | null;
  stage?: SaleStage | null;
  date?: Date | null;
}

export interface FollowUpInput extends CrmLinks {
  title?: string | null;
  dueAt?: Date | null;
  done?: boolean | null;
}

const AMOUNT_PATTERN = new RegExp(`^\\d{1,${SALE_LIMITS.amountIntegerDigits}}(\\.\\d{1,2})?$`);

export function cleanAmount(value: string): string {
  const amount = value.trim();
  if (!AMOUNT_PATTERN.test(amount))
    throw validation(
      'amount',
      `must be a non-negative decimal with at most ${SALE_LIMITS.amountIntegerDigits} digits before the point and 2 after, e.g. "1499.50"`,
    );
  return amount;
}

export function cleanCurrency(value: string): string {
  const currency = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw validation('currency', 'must be a three-letter ISO 4217 code, e.g. EUR');
  return currency;
}

function cleanDate(field: string, value: Date): Date {
  if (Number.isNaN(value.getTime())) throw validation(field, 'is not a valid date');
  return value;
}

function cleanSaleFields(input: SaleInput, creating: boolean): Prisma.SaleUncheckedUpdateInput {
  const data: Prisma.SaleUncheckedUpdateInput = {};
  if (creating || input.title !== undefined) data.title = cleanText('title', input.title ?? '', { max: SALE_LIMITS.title });
  if (input.amount != null) data.amount = cleanAmount(input.amount);
  if (input.currency != null) data.currency = cleanCurrency(input.currency);
  if (input.stage != null) data.stage = input.stage;
  if (input.date != null) data.date = cleanDate('date', input.date);
  return data;
}

function cleanFollowUpFields(input: FollowUpInput, creating: boolean): Prisma.FollowUpUncheckedUpdateInput {
  const data: Prisma.FollowUpUncheckedUpdateInput = {};
  if (creating || input.title !== undefined) data.title = cleanText('title', input.title ?? '', { max: FOLLOW_UP_LIMITS.title });
  if (creating && input.dueAt == null) throw validation('dueAt', 'is required');
  if (input.dueAt != null) data.dueAt = cleanDate('dueAt', input.dueAt);
  if (input.done != null) data.done = input.done;
  return data;
}

export interface SalesServiceDeps {
  prisma: PrismaClient;
  /** Checks that the company a sale or follow-up names exists. */
  contacts: Pick<ContactService, 'requireCompany'>;
}

export function createSalesService({ prisma, contacts }: SalesServiceDeps) {
  /**
   * Resolves contact/company/owner ids: each must exist (NOT_FOUND otherwise). A contact's company
   * is taken when a new row names no company. The result must keep a contact or a company.
   */
  async function cleanLinks(input: CrmLinks, current: { contactId: string | null; companyId: string | null } | null) {
    const data: { contactId?: string | null; companyId?: string | null; ownerId?: string | null } = {};
    if (input.contactId !== undefined) data.contactId = cleanId('contactId', input.contactId);
    if (input.companyId !== undefined) data.companyId = cleanId('companyId', input.companyId);
    if (input.ownerId !== undefined) data.ownerId = cleanId('ownerId', input.ownerId);

    if (data.contactId) {
      const contact = await prisma.contact.findUnique({ where: { id: data.contactId }, select: { companyId: true } });
      if (!contact) throw notFound('Contact', data.contactId);
      if (data.companyId === undefined && !current) data.companyId = contact.companyId;
    }
    await contacts.requireCompany(data.companyId);
    if (data.ownerId && !(await prisma.agent.findUnique({ where: { id: data.ownerId }, select: { id: true } }))) throw notFound('Agent', data.ownerId);

    const contactId = data.contactId !== undefined ? data.contactId : (current?.contactId ?? null);
    const companyId = data.companyId !== undefined ? data.companyId : (current?.companyId ?? null);
    if (!contactId && !companyId) throw validation('contactId', 'give a contact or a company (companyId) it belongs to');
    return data;
  }

  async function findSale(id: string): Promise<Sale> {
    const sale = isUuid(id) ? await prisma.sale.findUnique({ where: { id } }) : null;
    if (!sale) throw notFound('Sale', id);
    return sale;
  }

  /** A new sale; the owner defaults to the agent who creates it. */
  async function createSale(input: SaleInput, defaultOwnerId: string | null): Promise<Sale> {
    const fields = cleanSaleFields(input, true);
    const links = await cleanLinks({ ...input, ownerId: input.ownerId === undefined ? defaultOwnerId : input.ownerId }, null);
    return prisma.sale.create({ data: { ...fields, ...links } as Prisma.SaleUncheckedCreateInput });
  }

  /** Changes the given fields; omitted ones stay. A sale keeps a contact or a company. */
  async function updateSale(id: string, changes: SaleInput): Promise<Sale> {
    const existing = await findSale(id);
    const fields = cleanSaleFields(changes, false);
    const links = await cleanLinks(changes, existing);
    return prisma.sale.update({ where: { id: existing.id }, data: { ...fields, ...links } });
  }

  async function deleteSale(id: string): Promise<Sale> {
    const existing = await findSale(id);
    return prisma.sale.delete({ where: { id: existing.id } });
  }

  async function findFollowUp(id: string): Promise<FollowUp> {
    const followUp = isUuid(id) ? await prisma.followUp.findUnique({ where: { id } }) : null;
    if (!followUp) throw notFound('FollowUp', id);
    return followUp;
  }

  /** A new follow-up (a to-do with a due date); the owner defaults to the agent who creates it. */
  async function createFollowUp(input: FollowUpInput, defaultOwnerId: string | null): Promise<FollowUp> {
    const fields = cleanFollowUpFields(input, true);
    const links = await cleanLinks({ ...input, ownerId: input.ownerId === undefined ? defaultOwnerId : input.ownerId }, null);
    return prisma.followUp.create({ data: { ...fields, ...links } as Prisma.FollowUpUncheckedCreateInput });
  }

  /** Changes the given fields (e.g. `done: true`); omitted ones stay. */
  async function updateFollowUp(id: string, changes: FollowUpInput): Promise<FollowUp> {
    const existing = await findFollowUp(id);
    const fields = cleanFollowUpFields(changes, false);
    const links = await cleanLinks(changes, existing);
    return prisma.followUp.update({ where: { id: existing.id }, data: { ...fields, ...links } });
  }

  async function deleteFollowUp(id: string): Promise<FollowUp> {
    const existing = await findFollowUp(id);
    return prisma.followUp.delete({ where: { id: existing.id } });
  }

  return { findSale, createSale, updateSale, deleteSale, findFollowUp, createFollowUp, updateFollowUp, deleteFollowUp };
}

export type SalesService = ReturnType<typeof createSalesService>;
