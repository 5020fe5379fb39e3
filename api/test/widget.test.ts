import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailConfigFromEnv } from '../src/config';
import type { Prisma, PrismaClient } from '../src/generated/prisma/client';
import { signIdentity } from '../src/services/identity';
import { channelWithAgents } from './chat-fixtures';
import { startTestApp, type GraphqlResult, type TestApp } from './harness';

const WIDGET_CHANNEL = `query($id: ID!) { widgetChannel(channelId: $id) {
  id name language badgeHeader header description theme color font logoUrl showAgentPhoto welcomeMessage queueMessage
  prechatEnabled prechatRequiredFields faqSuggestionsEnabled offlineHeader offlineMessage offlineCreatesRequest offlineRequiredFields
  postchatEnabled postchatRating postchatTranscript identityVerification reopenWindowMinutes maxAttachmentBytes
  availability { online reason queueLength }
} }`;
const SECRET = `query($id: ID!) { channelIdentitySecret(channelId: $id) { channelId secret rotatedAt } }`;
const ROTATE = `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { channelId secret rotatedAt } }`;
const DISABLE = `mutation($id: ID!) { disableChannelIdentityVerification(channelId: $id) { channelId secret rotatedAt } }`;
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id } } }`;
const OFFLINE = `mutation($input: OfflineFormInput!) { submitOfflineForm(input: $input) { requestNumber visitorToken } }`;
const IDENTIFY = `mutation($input: IdentifyVisitorInput!) { identifyVisitor(input: $input) { id name email emailVerified } }`;
const SESSION_VISITOR = `query($id: ID!) { chatSession(id: $id) { visitor { id email emailVerified } } }`;

let app: TestApp;
let prisma: PrismaClient;
let admin: { token: string };
let ipCounter = 0;

beforeAll(async () => {
  // Each call comes from its own address (X-Forwarded-For), so per-IP limits stay out of the way.
  app = await startTestApp({ trustProxy: true });
  prisma = app.services.prisma;
  admin = await app.agentWithToken({ role: 'ADMIN' });
});
afterAll(() => app?.stop());

function gql(query: string, variables: Record<string, unknown>, token?: string | null): Promise<GraphqlResult> {
  ipCounter += 1;
  return app.gql(query, variables, token, { 'x-forwarded-for': `203.0.113.${ipCounter % 250}` });
}

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
    const result = await gql(`{ __type(name: "WidgetChannel") { fields { name } } }`, {});
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
    expect((await gql(WIDGET_CHANNEL, { id: empty.id })).data.widgetChannel.availability).toEqual({ online: false, reason: 'NO_AGENT_PRESENT', queueLength: 0 });

    const { channel } = await newChannel({ offlineAfterQueueLength: 1 });
    await gql(START, { input: { channelId: channel.id, message: 'First in line' } });
    expect((await gql(WIDGET_CHANNEL, { id: channel.id })).data.widgetChannel.availability).toEqual({ online: false, reason: 'QUEUE_TOO_LONG', queueLength: 1 });
  });

  it('lists no pre-chat fields when the pre-chat form is off, and FAQ suggestions only with a folder', async () => {
    const folder = await prisma.faqFolder.create({ data: { name: `Widget FAQ ${randomUUID()}` } });
    const { channel } = await newChannel({ prechatEnabled: false, prechatRequiredFields: ['EMAIL'], faqSuggestionsEnabled: true, faqFolder: { connect: { id: folder.id } } });
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

describe('channel identity secret (admins)', () => {
  it('is created, shown and rotated by admins only', async () => {
    const { channel, agent } = await newChannel();
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret).toEqual({ channelId: channel.id, secret: null, rotatedAt: null });

    const first = (await gql(ROTATE, { id: channel.id }, admin.token)).data.rotateChannelIdentitySecret;
    expect(first.secret).toMatch(/^lcs_[A-Za-z0-9_-]{43}$/);
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret.secret).toBe(first.secret);
    const second = (await gql(ROTATE, { id: channel.id }, admin.token)).data.rotateChannelIdentitySecret;
    expect(second.secret).not.toBe(first.secret);
    expect(new Date(second.rotatedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.rotatedAt).getTime());

    const { token: visitorToken } = await app.services.auth.createVisitor();
    for (const [token, code] of [
      [agent.token, 'FORBIDDEN'],
      [visitorToken, 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      for (const query of [SECRET, ROTATE, DISABLE]) {
        const result = await gql(query, { id: channel.id }, token);
        expect(errorOf(result)?.extensions?.code).toBe(code);
      }
    }
    // None of those refused calls changed it.
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret.secret).toBe(second.secret);
  });

  it('is NOT_FOUND for an unknown channel', async () => {
    for (const query of [SECRET, ROTATE, DISABLE]) expect(errorOf(await gql(query, { id: randomUUID() }, admin.token))?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('identity verification in startChat', () => {
  it('marks a correctly signed email verified for agents, case-insensitively', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
    const started = await gql(START, { input: { channelId: channel.id, message: 'Hi', email: email.toUpperCase(), emailSignature: signIdentity(secret, email).toUpperCase() } });
    expect(started.errors).toBeUndefined();
    const seen = await gql(SESSION_VISITOR, { id: started.data.startChat.session.id }, agent.token);
    expect(seen.data.chatSession.visitor).toMatchObject({ email, emailVerified: true });
  });

  it('refuses an unsigned claim to a verified email, but not to the visitor it was verified for', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = `grace-${randomUUID().slice(0, 8)}@example.com`;
    const verified = await gql(START, { input: { channelId: channel.id, message: 'Signed in', email, emailSignature: signIdentity(secret, email) } });
    const visitorToken = verified.data.startChat.visitorToken as string;

    const impostor = await gql(START, { input: { channelId: channel.id, message: 'I am Grace', email } });
    expect(impostor.data).toBeNull();
    expect(errorOf(impostor)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED', field: 'email' });
    // Nothing was created for the impostor.
    expect(await prisma.visitor.count({ where: { email } })).toBe(1);

    // The verified visitor on a page where the site passes no signature: still Grace, still verified.
    await gql(`mutation($id: ID!) { endChat(sessionId: $id) { id } }`, { id: verified.data.startChat.session.id }, visitorToken);
    const again = await gql(START, { input: { channelId: channel.id, message: 'Back again', email } }, visitorToken);
    expect(again.errors).toBeUndefined();
    expect((await gql(SESSION_VISITOR, { id: again.data.startChat.session.id }, agent.token)).data.chatSession.visitor).toMatchObject({ email, emailVerified: true });

    // A channel without a secret verifies nothing and refuses nothing.
    const { channel: open } = await newChannel();
    expect((await gql(START, { input: { channelId: open.id, message: 'Elsewhere', email } })).errors).toBeUndefined();
  });

  it('refuses a wrong signature, and one made with the secret before a rotation', async () => {
    const { channel, secret } = await channelWithSecret();
    const email = `linus-${randomUUID().slice(0, 8)}@example.com`;
    const wrong = await gql(START, { input: { channelId: channel.id, message: 'Hi', email, emailSignature: signIdentity(secret, `other-${email}`) } });
    expect(errorOf(wrong)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_INVALID', field: 'emailSignature' });

    await gql(ROTATE, { id: channel.id }, admin.token);
    const stale = await gql(START, { input: { channelId: channel.id, message: 'Hi', email, emailSignature: signIdentity(secret, email) } });
    expect(errorOf(stale)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_INVALID' });
  });

  it('names the field for malformed input', async () => {
    const { channel, secret } = await channelWithSecret();
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'someone@example.com', emailSignature: 'abc' }, 'emailSignature'],
      [{ email: 'someone@example.com', emailSignature: 'g'.repeat(64) }, 'emailSignature'],
      [{ emailSignature: signIdentity(secret, 'someone@example.com') }, 'email'],
      [{ email: 'not an email', emailSignature: signIdentity(secret, 'not an email') }, 'email'],
    ];
    for (const [input, field] of cases) {
      const result = await gql(START, { input: { channelId: channel.id, message: 'Hi', ...input } });
      expect(errorOf(result)?.extensions).toMatchObject({ code: 'VALIDATION', field });
    }
  });

  it('ignores signatures once verification is turned off, and verifies nothing', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = `margaret-${randomUUID().slice(0, 8)}@example.com`;
    await gql(START, { input: { channelId: channel.id, message: 'Hi', email, emailSignature: signIdentity(secret, email) } });
    const disabled = await gql(DISABLE, { id: channel.id }, admin.token);
    expect(disabled.data.disableChannelIdentityVerification).toMatchObject({ channelId: channel.id, secret: null });
    expect((await gql(WIDGET_CHANNEL, { id: channel.id })).data.widgetChannel.identityVerification).toBe(false);

    const signed = await gql(START, { input: { channelId: channel.id, message: 'Signed', email, emailSignature: signIdentity(secret, email) } });
    expect(signed.errors).toBeUndefined();
    const unsigned = await gql(START, { input: { channelId: channel.id, message: 'Unsigned', email } });
    expect(unsigned.errors).toBeUndefined();
    for (const started of [signed, unsigned])
      expect((await gql(SESSION_VISITOR, { id: started.data.startChat.session.id }, agent.token)).data.chatSession.visitor.emailVerified).toBe(false);
  });

  it('drops the verified mark when a verified visitor gives another email unsigned', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = `alan-${randomUUID().slice(0, 8)}@example.com`;
    const first = await gql(START, { input: { channelId: channel.id, message: 'Hi', email, emailSignature: signIdentity(secret, email) } });
    const token = first.data.startChat.visitorToken as string;
    await gql(`mutation($id: ID!) { endChat(sessionId: $id) { id } }`, { id: first.data.startChat.session.id }, token);
    const other = await gql(START, { input: { channelId: channel.id, message: 'Hi', email: `other-${email}` } }, token);
    expect((await gql(SESSION_VISITOR, { id: other.data.startChat.session.id }, agent.token)).data.chatSession.visitor).toMatchObject({
      email: `other-${email}`,
      emailVerified: false,
    });
  });
});

describe('identity verification in the offline form', () => {
  it('refuses an unsigned claim to a verified email and verifies a signed one', async () => {
    const { channel, secret } = await channelWithSecret();
    const email = `barbara-${randomUUID().slice(0, 8)}@example.com`;
    const signed = await gql(OFFLINE, { input: { channelId: channel.id, message: 'Call me', email, emailSignature: signIdentity(secret, email) } });
    expect(signed.errors).toBeUndefined();
    const visitor = await prisma.visitor.findFirstOrThrow({ where: { email } });
    expect(visitor.emailVerified).toBe(true);

    const impostor = await gql(OFFLINE, { input: { channelId: channel.id, message: 'Call me too', email } });
    expect(errorOf(impostor)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    expect(await prisma.request.count({ where: { requesterEmail: email } })).toBe(1);
  });
});

describe('identifyVisitor', () => {
  it('updates the caller’s own visitor, verifying a signed email', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const started = await gql(START, { input: { channelId: channel.id, message: 'Anonymous for now' } });
    const token = started.data.startChat.visitorToken as string;
    const email = `katherine-${randomUUID().slice(0, 8)}@example.com`;

    const identified = await gql(IDENTIFY, { input: { channelId: channel.id, name: 'Katherine', email, emailSignature: signIdentity(secret, email) } }, token);
    expect(identified.errors).toBeUndefined();
    expect(identified.data.identifyVisitor).toMatchObject({ name: 'Katherine', email, emailVerified: true });
    expect((await gql(SESSION_VISITOR, { id: started.data.startChat.session.id }, agent.token)).data.chatSession.visitor).toMatchObject({ email, emailVerified: true });

    // Another visitor cannot take that identity without the signature.
    const other = await gql(START, { input: { channelId: channel.id, message: 'Hello' } });
    const refused = await gql(IDENTIFY, { input: { channelId: channel.id, email } }, other.data.startChat.visitorToken);
    expect(errorOf(refused)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
  });

  it('is for visitor tokens only, validates its input and is rate-limited', async () => {
    const { channel, agent } = await newChannel();
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'X' } }))?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'X' } }, agent.token))?.extensions?.code).toBe('FORBIDDEN');

    const { token } = await app.services.auth.createVisitor();
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, email: 'nope' } }, token))?.extensions).toMatchObject({ code: 'VALIDATION', field: 'email' });
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'x'.repeat(101) } }, token))?.extensions).toMatchObject({ code: 'VALIDATION', field: 'name' });
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: randomUUID(), name: 'X' } }, token))?.extensions?.code).toBe('NOT_FOUND');

    const results: GraphqlResult[] = [];
    for (let i = 0; i < 12; i++) results.push(await gql(IDENTIFY, { input: { channelId: channel.id, name: `Name ${i}` } }, token));
    const limited = results.filter((r) => errorOf(r)?.extensions?.code === 'RATE_LIMITED');
    // Three calls above already counted against the 10 per minute.
    expect(results.filter((r) => !r.errors)).toHaveLength(7);
    expect(limited).toHaveLength(5);
    expect(errorOf(limited[0]!)?.extensions?.retryAfter).toBeGreaterThan(0);
  });
});
