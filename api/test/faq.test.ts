import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../src/generated/prisma/client';
import { startTestApp, type TestApp } from './harness';

const SUGGEST = `query($channelId: ID!, $question: String!) {
  faqSuggestions(channelId: $channelId, question: $question) { id question answer published folder { name } }
}`;

let app: TestApp;
let prisma: PrismaClient;
let channelId: string;
let disabledChannelId: string;
let folderlessChannelId: string;

beforeAll(async () => {
  app = await startTestApp();
  prisma = app.services.prisma;

  const support = await prisma.faqFolder.create({ data: { name: 'Support' } });
  const billing = await prisma.faqFolder.create({ data: { name: 'Billing', parentId: support.id } });
  const invoices = await prisma.faqFolder.create({ data: { name: 'Invoices', parentId: billing.id } });
  const other = await prisma.faqFolder.create({ data: { name: 'Other channel' } });

  await prisma.faqEntry.createMany({
    data: [
      { folderId: support.id, published: true, question: 'How do I reset my password?', answer: 'Open Settings, then Account, then Reset.' },
      {
        folderId: support.id,
        published: true,
        question: 'How do I change my email address?',
        answer: 'Under Account you confirm the change with your password.',
      },
      { folderId: billing.id, published: true, question: 'Which payment methods do you accept?', answer: 'Card, and invoices for annual plans.' },
      { folderId: invoices.id, published: true, question: 'Where can I download an invoice?', answer: 'Every invoice is a PDF under Billing.' },
      // Strong matches that must never be suggested: a draft, another folder, no folder.
      { folderId: support.id, published: false, question: 'Draft: password reset password reset', answer: 'Reset your password.' },
      { folderId: other.id, published: true, question: 'Forgot password? Reset password here', answer: 'Password reset.' },
      { folderId: null, published: true, question: 'Password reset without a folder', answer: 'Reset password.' },
    ],
  });

  const name = () => `FAQ channel ${randomUUID()}`;
  channelId = (await prisma.channel.create({ data: { name: name(), faqSuggestionsEnabled: true, faqFolderId: support.id } })).id;
  disabledChannelId = (await prisma.channel.create({ data: { name: name(), faqSuggestionsEnabled: false, faqFolderId: support.id } })).id;
  folderlessChannelId = (await prisma.channel.create({ data: { name: name(), faqSuggestionsEnabled: true } })).id;
});
afterAll(() => app?.stop());

async function suggest(question: string, channel = channelId) {
  const result = await app.gql(SUGGEST, { channelId: channel, question });
  expect(result.errors).toBeUndefined();
  return result.data.faqSuggestions as { id: string; question: string; answer: string; published: boolean; folder: { name: string } | null }[];
}

describe('faqSuggestions', () => {
  it('ranks the best match first: a word in the question outweighs the same word in the answer', async () => {
    const entries = await suggest('I forgot my password, how can I reset it?');
    expect(entries.map((e) => e.question)).toEqual(['How do I reset my password?', 'How do I change my email address?']);
    expect(entries[0]).toMatchObject({ published: true, folder: { name: 'Support' } });
    // One matching word each: in the question (weight A) beats in the answer (weight B).
    expect((await suggest('password')).map((e) => e.question)).toEqual(['How do I reset my password?', 'How do I change my email address?']);
  });

  it('matches any word of the question, with English stemming', async () => {
    // "passwords" and "resetting" stem to "password" and "reset"; "zebra" matches nothing and does not stop the rest.
    const entries = await suggest('zebra passwords resetting');
    expect(entries[0]?.question).toBe('How do I reset my password?');
  });

  it('includes entries from subfolders at any depth', async () => {
    expect((await suggest('download invoice')).map((e) => [e.question, e.folder?.name])).toEqual([
      ['Where can I download an invoice?', 'Invoices'],
      ['Which payment methods do you accept?', 'Billing'],
    ]);
  });

  it('never returns unpublished entries or entries outside the channel folder tree', async () => {
    const entries = await suggest('password reset forgot draft folder');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.published)).toBe(true);
    expect(entries.map((e) => e.question)).not.toEqual(expect.arrayContaining([expect.stringMatching(/Draft|Forgot|without a folder/)]));
  });

  it('returns at most 3 entries', async () => {
    const folderId = (await prisma.channel.findUniqueOrThrow({ where: { id: channelId } })).faqFolderId!;
    await prisma.faqEntry.createMany({
      data: [
        ...[1, 2, 3, 4, 5].map((n) => ({ folderId, published: true, question: `Shipping question ${n}`, answer: 'About shipping.' })),
        // Drafts that would outrank them all: the limit applies after leaving drafts out.
        ...[1, 2, 3].map((n) => ({ folderId, published: false, question: `Shipping shipping draft ${n}`, answer: 'Shipping shipping.' })),
      ],
    });
    const entries = await suggest('shipping');
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.question.startsWith('Shipping question'))).toBe(true);
  });

  it('returns [] when the channel has suggestions off or no FAQ folder', async () => {
    expect(await suggest('reset password', channelId)).not.toEqual([]);
    expect(await suggest('reset password', disabledChannelId)).toEqual([]);
    expect(await suggest('reset password', folderlessChannelId)).toEqual([]);
  });

  it('returns [] for a question without searchable words', async () => {
    expect(await suggest('')).toEqual([]);
    expect(await suggest('   ?!  ...')).toEqual([]);
    expect(await suggest('the and of it')).toEqual([]); // English stop words only
  });

  it('treats tsquery and SQL syntax in the question as plain words', async () => {
    for (const question of ["password' OR 'x'='x'; --", 'password & !reset | (:* <-> "', 'reset\\\' ); DROP TABLE "FaqEntry"; --', 'or or or password']) {
      const entries = await suggest(question);
      expect(entries[0]?.question).toBe('How do I reset my password?');
    }
    expect(await prisma.faqEntry.count()).toBeGreaterThan(0);
    expect(await suggest('Hvordan endrer jeg passordet? Ærlig talt – 密码')).toEqual([]);
  });

  it('rejects a question over 500 characters with VALIDATION naming question', async () => {
    expect(await suggest('password '.repeat(55).slice(0, 500))).not.toEqual([]);
    const result = await app.gql(SUGGEST, { channelId, question: 'x'.repeat(501) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'question' });
    expect(result.data).toBeNull();
  });

  it('answers NOT_FOUND for an unknown or malformed channel id', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const result = await app.gql(SUGGEST, { channelId: id, question: 'password' });
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});
