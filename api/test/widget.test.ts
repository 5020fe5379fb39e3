import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailConfigFromEnv } from '../src/platform/config';
import type { Prisma, PrismaClient } from '../src/generated/prisma/client';
import { channelWithAgents, gqlFromNewAddresses } from './chat-fixtures';
import { startTestApp, type GraphqlResult, type TestApp } from './harness';

const WIDGET_CHANNEL = `query($id: ID!) { widgetChannel(channelId: $id) {
  id name language badgeHeader header description theme color font logoUrl showAgentPhoto welcomeMessage queueMessage
  prechatEnabled prechatRequiredFields faqSuggestionsEnabled offlineHeader offlineMessage offlineCreatesRequest offlineRequiredFields
  postchatEnabled postchatRating postchatTranscript identityVerification reopenWindowMinutes maxAttachmentBytes
  availability { online reason queueLength }
} }`;
const ROTATE = `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { secret } }`;
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id } } }`;

let app: TestApp;
let prisma: PrismaClient;
let admin: { token: string };
let gql: ReturnType<typeof gqlFromNewAddresses>;

beforeAll(async () => {
  // Each call comes from its own address: per-IP limits stay out of the way.
  app = await startTestApp({ trustProxy: true });
  prisma = app.services.prisma;
  admin = await app.agentWithToken({ role: 'ADMIN' });
  gql = gqlFromNewAddresses(app, '203.0.113');
});
afterAll(() => app?.stop());

const errorOf = (result: GraphqlResult) => result.errors?.[0];

async function newChannel(data: Partial<Prisma.ChannelCreateInput> = {}) {
  const { channel, agents } = await channelWithAgents(app, { agent: { canRespond: true } }, data);
  return { channel, agent: agents.agent! };
}

async function channelWithSecret() {
  const { channel, agent } = await newChannel();
  const rotated = await gql(ROTATE, { id: channel.id }, admin.token);
  expect(rotated.errors).toBeUndefined();
  return { channel, agent, secret: rotated.data.rotateChannelIdentitySecret.secret as string };
}

describe('widgetChannel', () => {
  it('gives anyone the channel’s public configuration and availability', async () => {
    const { channel } = await newChannel({
      language: 'nb',
      badgeHeader: 'Spør oss',
      widgetHeader: 'Kundeservice',
      widgetTheme: 'DARK',
      widgetColor: '#aa3300',
      widgetLogoUrl: 'https://example.com/logo.png',
      showAgentPhoto: false,
      queueMessage: 'Du er nummer {queuePosition}. Ventetid {averageWait}.',
      prechatRequiredFields: ['NAME', 'EMAIL', 'PHONE'],
      offlineRequiredFields: ['EMAIL', 'NAME'],
      offlineCreatesRequest: false,
      postchatTranscript: true,
    });
    const result = await gql(WIDGET_CHANNEL, { id: channel.id });
    expect(result.errors).toBeUndefined();
    expect(result.data.widgetChannel).toMatchObject({
      id: channel.id,
      language: 'nb',
      badgeHeader: 'Spør oss',
      header: 'Kundeservice',
      theme: 'DARK',
      color: '#aa3300',
      logoUrl: 'https://example.com/logo.png',
      showAgentPhoto: false,
      queueMessage: 'Du er nummer {queuePosition}. Ventetid {averageWait}.',
      prechatEnabled: true,
      prechatRequiredFields: ['NAME', 'EMAIL', 'PHONE'],
      faqSuggestionsEnabled: false,
      offlineRequiredFields: ['EMAIL', 'NAME'],
      offlineCreatesRequest: false,
      // The test server has no SMTP_URL: offering a transcript would only fail.
      postchatTranscript: false,
      identityVerification: false,
      reopenWindowMinutes: app.config.chat.reopenWindowMinutes,
      maxAttachmentBytes: app.config.attachments.maxBytes,
      availability: { online: true, reason: null, queueLength: 0 },
    });
  });

  it('has no field that could carry a secret or an internal setting', async () => {
    // Introspection needs an agent session (anonymous callers are refused by default).
    const result = await app.gql(`{ __type(name: "WidgetChannel") { fields { name } } }`, {}, (await app.agentWithToken()).token);
    const names = (result.data.__type.fields as { name: string }[]).map((f) => f.name);
    expect(names.filter((name) => /secret|warn|member|agent(?!Photo)|folder|hours/i.test(name))).toEqual([]);
    // Whatever the channel row holds, the secret never appears in the answer.
    const { channel, secret } = await channelWithSecret();
    const body = JSON.stringify((await gql(WIDGET_CHANNEL, { id: channel.id })).data);
    expect(body).not.toContain(secret);
    expect(body).toContain('"identityVerification":true');
  });

  it('reports why the channel is offline, so the widget shows the offline form', async () => {
    const empty = await prisma.channel.create({ data: { name: `No agents ${randomUUID()}` } });
    expect((await gql(WIDGET_CHANNEL, { id: empty.id })).data.widgetChannel.availability).toEqual({
      online: false,
      reason: 'NO_AGENT_PRESENT',
      queueLength: 0,
    });

    const { channel } = await newChannel({ offlineAfterQueueLength: 1 });
    await gql(START, { input: { channelId: channel.id, message: 'First in line' } });
    expect((await gql(WIDGET_CHANNEL, { id: channel.id })).data.widgetChannel.availability).toEqual({
      online: false,
      reason: 'QUEUE_TOO_LONG',
      queueLength: 1,
    });
  });

  it('lists no pre-chat fields when the pre-chat form is off, and FAQ suggestions only with a folder', async () => {
    const folder = await prisma.faqFolder.create({ data: { name: `Widget FAQ ${randomUUID()}` } });
    const { channel } = await newChannel({
      prechatEnabled: false,
      prechatRequiredFields: ['EMAIL'],
      faqSuggestionsEnabled: true,
      faqFolder: { connect: { id: folder.id } },
    });
    const config = (await gql(WIDGET_CHANNEL, { id: channel.id })).data.widgetChannel;
    expect(config).toMatchObject({ prechatEnabled: false, prechatRequiredFields: [], faqSuggestionsEnabled: true });
    const { channel: noFolder } = await newChannel({ faqSuggestionsEnabled: true });
    expect((await gql(WIDGET_CHANNEL, { id: noFolder.id })).data.widgetChannel.faqSuggestionsEnabled).toBe(false);
  });

  it('offers the transcript when the server can send mail and the channel allows it', async () => {
    const withMail = await startTestApp({ mail: { ...mailConfigFromEnv({}), smtpUrl: 'smtp://127.0.0.1:1' } });
    try {
      const on = await withMail.services.prisma.channel.create({ data: { name: 'Transcripts on' } });
      const off = await withMail.services.prisma.channel.create({ data: { name: 'Transcripts off', postchatTranscript: false } });
      const postchatOff = await withMail.services.prisma.channel.create({ data: { name: 'Post-chat off', postchatEnabled: false } });
      const transcript = async (id: string) => (await withMail.gql(WIDGET_CHANNEL, { id })).data.widgetChannel;
      expect(await transcript(on.id)).toMatchObject({ postchatTranscript: true, postchatRating: true });
      expect(await transcript(off.id)).toMatchObject({ postchatTranscript: false, postchatRating: true });
      expect(await transcript(postchatOff.id)).toMatchObject({ postchatEnabled: false, postchatTranscript: false, postchatRating: false });
    } finally {
      await withMail.stop();
    }
  });

  it('shows an archived channel as offline (ARCHIVED, ahead of any other reason), so visitors get back to their open chats', async () => {
    const { channel } = await newChannel({ archivedAt: new Date(), openingHoursEnabled: true });
    const result = await gql(WIDGET_CHANNEL, { id: channel.id });
    expect(result.errors).toBeUndefined();
    expect(result.data.widgetChannel).toMatchObject({ id: channel.id, availability: { online: false, reason: 'ARCHIVED', queueLength: 0 } });
  });

  it('is NOT_FOUND for unknown and malformed channels', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const result = await gql(WIDGET_CHANNEL, { id });
      expect(result.data).toBeNull();
      expect(errorOf(result)?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});
