import type { VisitorField } from '../../generated/prisma/client';
import { validation } from '../../platform/errors';
import { cleanEmail, cleanOptionalText } from '../../platform/validate';

/** What a visitor may tell about themselves in the pre-chat and offline forms. */
export interface VisitorFieldsInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  country?: string | null;
}

export const VISITOR_FIELD_LIMITS = { name: 100, phone: 50, company: 100, country: 100 } as const;

const FIELD_KEYS: Record<VisitorField, keyof VisitorFieldsInput> = {
  NAME: 'name',
  EMAIL: 'email',
  PHONE: 'phone',
  COMPANY: 'company',
  COUNTRY: 'country',
};

/** Cleans the form fields (lengths, email syntax) and enforces the ones the channel requires. */
export function cleanVisitorFields(input: VisitorFieldsInput, required: readonly VisitorField[]) {
  const fields = {
    name: cleanOptionalText('name', input.name, VISITOR_FIELD_LIMITS.name),
    email: input.email != null && input.email.trim() !== '' ? cleanEmail('email', input.email) : null,
    phone: cleanOptionalText('phone', input.phone, VISITOR_FIELD_LIMITS.phone),
    company: cleanOptionalText('company', input.company, VISITOR_FIELD_LIMITS.company),
    country: cleanOptionalText('country', input.country, VISITOR_FIELD_LIMITS.country),
  };
  for (const field of required) {
    const key = FIELD_KEYS[field];
    if (fields[key] == null) throw validation(key, 'is required');
  }
  return fields;
}
