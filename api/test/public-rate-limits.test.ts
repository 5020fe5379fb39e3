import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLimitsFromEnv } from '../src/platform/config';
import { startTestApp, type GraphqlResult, type TestApp } from './harness';

const WIDGET_CHANNEL = `query($id: ID!) { widgetChannel(channelId: $id) { id name } }`;
const SUGGEST = `query($channelId: ID!, $question: String!) { faqSuggestions(channelId: $channelId, question: $question) { id question } }`;

let app: TestApp;
let channelId: string;

beforeAll(async () => {
  const chat = chatLimitsFromEnv({ WIDGET_CHANNEL_LIMIT_PER_IP: '3', FAQ_SUGGESTIONS_LIMIT_PER_IP: '2' });
  // Each test's calls come from addresses of their own (X-Forwarded-For).
  app = await startTestApp({ trustProxy: true, chat });
  const folder = await app.services.prisma.faqFolder.create({ data: { name: 'Rate limited FAQ' } });
  await app.services.prisma.faqEntry.create({ data: { folderId: folder.id, published: true, question: 'How do I reset my password?', answer: 'Settings.' } });
  channelId = (await app.services.prisma.channel.create({ data: { name: 'Rate limited', faqSuggestionsEnabled: true, faqFolderId: folder.id } })).id;
});
afterAll(() => app?.stop());

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const widgetChannel = (ip: string, id = channelId) => app.gql(WIDGET_CHANNEL, { id }, null, from(ip));
const suggest = (ip: string) => app.gql(SUGGEST, { channelId, question: 'reset password' }, null, from(ip));

function expectRateLimited(result: GraphqlResult) {
  expect(result.data?.widgetChannel ?? result.data?.faqSuggestions ?? null).toBeNull();
  const extensions = result.errors?.[0]?.extensions;
  expect(extensions?.code).toBe('RATE_LIMITED');
  expect(extensions?.retryAfter).toBeGreaterThan(0);
  expect(extensions?.retryAfter).toBeLessThanOrEqual(60);
}

describe('per-IP limits on the public widget queries', () => {
  it('widgetChannel answers up to the limit per minute, then RATE_LIMITED with retryAfter; other addresses are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await widgetChannel('198.51.100.1')).data?.widgetChannel.id).toBe(channelId);
    expectRateLimited(await widgetChannel('198.51.100.1'));
    // Unknown channels count too: probing ids costs the same.
    expectRateLimited(await widgetChannel('198.51.100.1', '00000000-0000-4000-8000-000000000000'));
    expect((await widgetChannel('198.51.100.2')).data?.widgetChannel.id).toBe(channelId);
    // A separate counter: FAQ suggestions still work from the limited address.
    expect((await suggest('198.51.100.1')).data?.faqSuggestions).toHaveLength(1);
  });

  it('faqSuggestions answers up to the limit per minute, then RATE_LIMITED with retryAfter; other addresses are unaffected', async () => {
    for (let i = 0; i < 2; i++)
      expect((await suggest('198.51.100.7')).data?.faqSuggestions.map((e: { question: string }) => e.question)).toEqual(['How do I reset my password?']);
    expectRateLimited(await suggest('198.51.100.7'));
    expect((await suggest('198.51.100.8')).errors).toBeUndefined();
    expect((await widgetChannel('198.51.100.7')).errors).toBeUndefined();
  });
});
