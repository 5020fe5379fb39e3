import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma, PrismaClient } from '../src/generated/prisma/client';
import { signIdentity } from '../src/modules/chats/visitor-identity';
import { channelWithAgents, gqlFromNewAddresses } from './chat-fixtures';
import { configFromEnv } from '../src/platform/config';
import { startTestApp, subscribe, type GraphqlResult, type TestApp } from './harness';

const STATUS = `query($id: ID!) { channelIdentityVerification(channelId: $id) { channelId enabled secretChangedAt } }`;
const SECRET = `query($id: ID!) { channelIdentitySecret(channelId: $id) { channelId secret changedAt } }`;
const ROTATE = `mutation($id: ID!) { rotateChannelIdentitySecret(channelId: $id) { channelId secret changedAt } }`;
const DISABLE = `mutation($id: ID!) { disableChannelIdentityVerification(channelId: $id) { channelId enabled secretChangedAt } }`;
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id } } }`;
const OFFLINE = `mutation($input: OfflineFormInput!) { submitOfflineForm(input: $input) { requestNumber visitorToken } }`;
const IDENTIFY = `mutation($input: IdentifyVisitorInput!) { identifyVisitor(input: $input) { id name email emailVerified } }`;
const SESSION_VISITOR = `query($id: ID!) { chatSession(id: $id) { lastEventSeq visitor { id name email emailVerified } } }`;
const END = `mutation($id: ID!) { endChat(sessionId: $id) { id } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { cursor } }`;
const EVENTS = `subscription($id: ID!, $after: Int) { chatEvents(sessionId: $id, after: $after) { cursor type sessionId } }`;

let app: TestApp;
let prisma: PrismaClient;
let admin: { token: string };
let gql: ReturnType<typeof gqlFromNewAddresses>;

beforeAll(async () => {
  // Each call comes from its own address: per-IP limits stay out of the way.
  // IDENTIFY_LIMIT_PER_VISITOR is 10 by default; the configured value is the one enforced.
  app = await startTestApp({ trustProxy: true, chat: configFromEnv({ IDENTIFY_LIMIT_PER_VISITOR: '6' }).chat });
  prisma = app.services.prisma;
  admin = await app.agentWithToken({ role: 'ADMIN' });
  gql = gqlFromNewAddresses(app, '198.51.100');
});
afterAll(() => app?.stop());

const errorOf = (result: GraphqlResult) => result.errors?.[0];
const uniqueEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;

async function newChannel(data: Partial<Prisma.ChannelCreateInput> = {}) {
  const { channel, agents } = await channelWithAgents(app, { agent: { canRespond: true } }, data);
  return { channel, agent: agents.agent! };
}

async function channelWithSecret(data: Partial<Prisma.ChannelCreateInput> = {}) {
  const { channel, agent } = await newChannel(data);
  const rotated = await gql(ROTATE, { id: channel.id }, admin.token);
  expect(rotated.errors).toBeUndefined();
  return { channel, agent, secret: rotated.data.rotateChannelIdentitySecret.secret as string };
}

async function rotate(channelId: string): Promise<string> {
  const rotated = await gql(ROTATE, { id: channelId }, admin.token);
  expect(rotated.errors).toBeUndefined();
  return rotated.data.rotateChannelIdentitySecret.secret;
}

/** startChat that must succeed. */
async function started(input: Record<string, unknown>, token?: string) {
  const result = await gql(START, { input: { message: 'Hello', ...input } }, token);
  expect(result.errors).toBeUndefined();
  return { sessionId: result.data.startChat.session.id as string, token: result.data.startChat.visitorToken as string };
}

/** The chat's visitor as an agent of its channel sees it. */
async function seenByAgent(sessionId: string, agentToken: string) {
  const result = await gql(SESSION_VISITOR, { id: sessionId }, agentToken);
  expect(result.errors).toBeUndefined();
  return result.data.chatSession.visitor as { id: string; name: string | null; email: string | null; emailVerified: boolean };
}

describe('channel identity secret (admins)', () => {
  it('is created, shown and rotated by admins only', async () => {
    const { channel, agent } = await newChannel();
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret).toEqual({ channelId: channel.id, secret: null, changedAt: null });

    const first = (await gql(ROTATE, { id: channel.id }, admin.token)).data.rotateChannelIdentitySecret;
    expect(first.secret).toMatch(/^lcs_[A-Za-z0-9_-]{43}$/);
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret.secret).toBe(first.secret);
    const second = (await gql(ROTATE, { id: channel.id }, admin.token)).data.rotateChannelIdentitySecret;
    expect(second.secret).not.toBe(first.secret);
    expect(new Date(second.changedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.changedAt).getTime());

    const { token: visitorToken } = await app.services.auth.createVisitor();
    for (const [token, code] of [
      [agent.token, 'FORBIDDEN'],
      [visitorToken, 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      for (const query of [STATUS, SECRET, ROTATE, DISABLE]) {
        const result = await gql(query, { id: channel.id }, token);
        expect(errorOf(result)?.extensions?.code).toBe(code);
      }
    }
    // None of those refused calls changed it.
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret.secret).toBe(second.secret);
  });

  it('tells whether verification is on and when the secret last changed, without the secret', async () => {
    const { channel } = await newChannel();
    expect((await gql(STATUS, { id: channel.id }, admin.token)).data.channelIdentityVerification).toEqual({
      channelId: channel.id,
      enabled: false,
      secretChangedAt: null,
    });
    const rotated = (await gql(ROTATE, { id: channel.id }, admin.token)).data.rotateChannelIdentitySecret;
    const on = await gql(STATUS, { id: channel.id }, admin.token);
    expect(on.data.channelIdentityVerification).toEqual({ channelId: channel.id, enabled: true, secretChangedAt: rotated.changedAt });
    expect(JSON.stringify(on)).not.toContain(rotated.secret);

    // Turning it off is a change of the secret too: signatures made before it never count again.
    const off = (await gql(DISABLE, { id: channel.id }, admin.token)).data.disableChannelIdentityVerification;
    expect(off).toMatchObject({ channelId: channel.id, enabled: false });
    expect(new Date(off.secretChangedAt).getTime()).toBeGreaterThanOrEqual(new Date(rotated.changedAt).getTime());
    expect((await gql(STATUS, { id: channel.id }, admin.token)).data.channelIdentityVerification).toEqual(off);
    expect((await gql(SECRET, { id: channel.id }, admin.token)).data.channelIdentitySecret).toEqual({
      channelId: channel.id,
      secret: null,
      changedAt: off.secretChangedAt,
    });
  });

  it('is NOT_FOUND for an unknown channel', async () => {
    for (const query of [STATUS, SECRET, ROTATE, DISABLE])
      expect(errorOf(await gql(query, { id: randomUUID() }, admin.token))?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('identity verification in startChat', () => {
  it('marks a correctly signed email verified for agents, case-insensitively', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('ada');
    const chat = await started({ channelId: channel.id, email: email.toUpperCase(), emailSignature: signIdentity(secret, email).toUpperCase() });
    expect(await seenByAgent(chat.sessionId, agent.token)).toMatchObject({ email, emailVerified: true });
  });

  it('refuses an unsigned claim to a verified email, but not to the visitor it was verified for', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('grace');
    const grace = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });

    const impostor = await gql(START, { input: { channelId: channel.id, message: 'I am Grace', email } });
    expect(impostor.data).toBeNull();
    expect(errorOf(impostor)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED', field: 'email' });
    // Nothing was created for the impostor.
    expect(await prisma.visitor.count({ where: { email } })).toBe(1);

    // The verified visitor on a page where the site passes no signature: still Grace, still verified.
    await gql(END, { id: grace.sessionId }, grace.token);
    const again = await started({ channelId: channel.id, message: 'Back again', email }, grace.token);
    expect(await seenByAgent(again.sessionId, agent.token)).toMatchObject({ email, emailVerified: true });

    // A channel without a secret verifies nothing and refuses nothing.
    const { channel: open } = await newChannel();
    await started({ channelId: open.id, message: 'Elsewhere', email });
  });

  it('refuses a wrong signature, and one made with the secret before a rotation', async () => {
    const { channel, secret } = await channelWithSecret();
    const email = uniqueEmail('linus');
    const wrong = await gql(START, { input: { channelId: channel.id, message: 'Hi', email, emailSignature: signIdentity(secret, `other-${email}`) } });
    expect(errorOf(wrong)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_INVALID', field: 'emailSignature' });

    await rotate(channel.id);
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

  it('ignores signatures, even malformed ones, when the channel has no secret', async () => {
    const { channel, agent } = await newChannel({ offlineRequiredFields: [] });
    const email = uniqueEmail('nosecret');
    for (const input of [{ email, emailSignature: 'abc' }, { email, emailSignature: 'g'.repeat(64) }, { emailSignature: signIdentity('whatever', email) }]) {
      const chat = await started({ channelId: channel.id, ...input });
      expect((await seenByAgent(chat.sessionId, agent.token)).emailVerified).toBe(false);
      const offline = await gql(OFFLINE, { input: { channelId: channel.id, message: 'Call me', ...input } });
      expect(offline.errors).toBeUndefined();
      const identified = await gql(IDENTIFY, { input: { channelId: channel.id, ...input } }, chat.token);
      expect(identified.errors).toBeUndefined();
      expect(identified.data.identifyVisitor.emailVerified).toBe(false);
    }
  });

  it('drops the verified mark when a verified visitor gives another email unsigned', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('alan');
    const first = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });
    await gql(END, { id: first.sessionId }, first.token);
    const other = await started({ channelId: channel.id, email: `other-${email}` }, first.token);
    expect(await seenByAgent(other.sessionId, agent.token)).toMatchObject({ email: `other-${email}`, emailVerified: false });
  });
});

describe('verification belongs to the channel and its current secret', () => {
  it('a visitor verified in one channel is not verified in another channel with its own secret', async () => {
    const a = await channelWithSecret();
    const c = await channelWithSecret();
    const email = uniqueEmail('grace');
    const inA = await started({ channelId: a.channel.id, email, emailSignature: signIdentity(a.secret, email) });
    const inC = await started({ channelId: c.channel.id, email }, inA.token);
    expect(await seenByAgent(inC.sessionId, c.agent.token)).toMatchObject({ email, emailVerified: false });
    expect(await seenByAgent(inA.sessionId, a.agent.token)).toMatchObject({ email, emailVerified: true });
    // The visitor's own view follows the chat's channel too.
    expect((await gql(SESSION_VISITOR, { id: inC.sessionId }, inA.token)).data.chatSession.visitor.emailVerified).toBe(false);

    // Signed with C's secret, it is verified in C as well.
    const identified = await gql(IDENTIFY, { input: { channelId: c.channel.id, email, emailSignature: signIdentity(c.secret, email) } }, inA.token);
    expect(identified.data.identifyVisitor).toMatchObject({ email, emailVerified: true });
    expect((await seenByAgent(inC.sessionId, c.agent.token)).emailVerified).toBe(true);
  });

  it('a secret rotation ends verification: the visitor must sign again with the new secret', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('grace');
    const grace = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });
    expect((await seenByAgent(grace.sessionId, agent.token)).emailVerified).toBe(true);

    const newSecret = await rotate(channel.id);
    expect((await seenByAgent(grace.sessionId, agent.token)).emailVerified).toBe(false);
    // The email stays protected, from the visitor it was verified for too, until the site signs it anew.
    for (const token of [grace.token, null]) {
      const unsigned = await gql(START, { input: { channelId: channel.id, message: 'Still me', email } }, token);
      expect(errorOf(unsigned)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    }
    const noEmail = await gql(IDENTIFY, { input: { channelId: channel.id, name: 'Grace' } }, grace.token);
    expect(errorOf(noEmail)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    const resigned = await gql(IDENTIFY, { input: { channelId: channel.id, email, emailSignature: signIdentity(newSecret, email) } }, grace.token);
    expect(resigned.data.identifyVisitor).toMatchObject({ email, emailVerified: true });
    expect((await seenByAgent(grace.sessionId, agent.token)).emailVerified).toBe(true);
  });

  it('turning verification off and on again leaves nothing verified, and verified emails still protected', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('margaret');
    const margaret = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });

    expect((await gql(DISABLE, { id: channel.id }, admin.token)).errors).toBeUndefined();
    expect((await seenByAgent(margaret.sessionId, agent.token)).emailVerified).toBe(false);
    // Off: signatures are ignored and nothing is refused.
    const whileOff = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });
    expect((await seenByAgent(whileOff.sessionId, agent.token)).emailVerified).toBe(false);
    await gql(END, { id: whileOff.sessionId }, whileOff.token);

    const newSecret = await rotate(channel.id);
    expect((await seenByAgent(margaret.sessionId, agent.token)).emailVerified).toBe(false);
    const impostor = await gql(START, { input: { channelId: channel.id, message: 'Me again', email } });
    expect(errorOf(impostor)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    const signed = await gql(IDENTIFY, { input: { channelId: channel.id, email, emailSignature: signIdentity(newSecret, email) } }, margaret.token);
    expect(signed.data.identifyVisitor.emailVerified).toBe(true);
  });

  it('a verification older than the channel’s last secret change does not count', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('hedy');
    const hedy = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });
    expect((await seenByAgent(hedy.sessionId, agent.token)).emailVerified).toBe(true);
    // As if the secret had changed after the verification (e.g. written by another instance).
    await prisma.channel.update({ where: { id: channel.id }, data: { identitySecretChangedAt: new Date(Date.now() + 60_000) } });
    expect((await seenByAgent(hedy.sessionId, agent.token)).emailVerified).toBe(false);
  });
});

describe('a verified email cannot reach a verifying channel through another one', () => {
  it('startChat without an email does not bring in a verified email stored through another channel', async () => {
    const a = await channelWithSecret({ offlineRequiredFields: [] });
    const { channel: b } = await newChannel();
    const email = uniqueEmail('grace');
    await started({ channelId: a.channel.id, email, emailSignature: signIdentity(a.secret, email) });

    // Channel B checks nothing: the impostor's visitor now holds Grace's email.
    const inB = await started({ channelId: b.id, email });
    await gql(END, { id: inB.sessionId }, inB.token);
    const inA = await gql(START, { input: { channelId: a.channel.id, message: 'Hello' } }, inB.token);
    expect(inA.data).toBeNull();
    expect(errorOf(inA)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED', field: 'email' });
    const visitorId = (await seenByAgent(inB.sessionId, admin.token)).id;
    expect(await prisma.chatSession.count({ where: { visitorId, channelId: a.channel.id } })).toBe(0);
    // The same goes for the offline form of A.
    const offline = await gql(OFFLINE, { input: { channelId: a.channel.id, message: 'Call me' } }, inB.token);
    expect(errorOf(offline)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
  });

  it('a visitor chatting in a verifying channel cannot take a verified email through another channel', async () => {
    const a = await channelWithSecret();
    const { channel: b } = await newChannel();
    const email = uniqueEmail('grace');
    await started({ channelId: a.channel.id, email, emailSignature: signIdentity(a.secret, email) });

    const inA = await started({ channelId: a.channel.id, name: 'Mallory' });
    const viaStart = await gql(START, { input: { channelId: b.id, message: 'Hi', email } }, inA.token);
    expect(errorOf(viaStart)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    const viaOffline = await gql(OFFLINE, { input: { channelId: b.id, message: 'Hi', email } }, inA.token);
    expect(errorOf(viaOffline)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    // identifyVisitor names a channel where the visitor has no open chat: refused outright.
    const viaIdentifyElsewhere = await gql(IDENTIFY, { input: { channelId: b.id, email } }, inA.token);
    expect(errorOf(viaIdentifyElsewhere)?.extensions?.code).toBe('FORBIDDEN');

    // With open chats in both, B's rules (none) are not enough: A's apply to the email too.
    const inB = await started({ channelId: b.id, message: 'Hi' }, inA.token);
    const viaIdentify = await gql(IDENTIFY, { input: { channelId: b.id, email } }, inA.token);
    expect(errorOf(viaIdentify)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    expect(await seenByAgent(inA.sessionId, a.agent.token)).toMatchObject({ name: 'Mallory', email: null, emailVerified: false });

    // Once the chat in A is over, B's rules alone apply.
    await gql(END, { id: inA.sessionId }, inA.token);
    const afterA = await gql(IDENTIFY, { input: { channelId: b.id, email } }, inA.token);
    expect(afterA.data.identifyVisitor).toMatchObject({ email, emailVerified: false });
    expect(inB.token).toBe(inA.token);
  });
});

describe('identifyVisitor', () => {
  it('updates the caller’s own visitor, verifying a signed email', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const chat = await started({ channelId: channel.id, message: 'Anonymous for now' });
    const email = uniqueEmail('katherine');

    const identified = await gql(
      IDENTIFY,
      { input: { channelId: channel.id, name: 'Katherine', email, emailSignature: signIdentity(secret, email) } },
      chat.token,
    );
    expect(identified.errors).toBeUndefined();
    expect(identified.data.identifyVisitor).toMatchObject({ name: 'Katherine', email, emailVerified: true });
    expect(await seenByAgent(chat.sessionId, agent.token)).toMatchObject({ email, emailVerified: true });

    // Another visitor cannot take that identity without the signature.
    const other = await started({ channelId: channel.id, message: 'Hello' });
    const refused = await gql(IDENTIFY, { input: { channelId: channel.id, email } }, other.token);
    expect(errorOf(refused)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
  });

  it('needs an open chat of the visitor in that channel', async () => {
    const { channel } = await newChannel();
    const { token: noChat } = await app.services.auth.createVisitor();
    const refused = await gql(IDENTIFY, { input: { channelId: channel.id, name: 'Nobody' } }, noChat);
    expect(errorOf(refused)?.extensions?.code).toBe('FORBIDDEN');

    const chat = await started({ channelId: channel.id });
    expect((await gql(IDENTIFY, { input: { channelId: channel.id, name: 'Queued' } }, chat.token)).errors).toBeUndefined();
    await gql(END, { id: chat.sessionId }, chat.token);
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'Ended' } }, chat.token))?.extensions?.code).toBe('FORBIDDEN');
  });

  it('is for visitor tokens only, validates its input and is rate-limited', async () => {
    const { channel, agent } = await newChannel();
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'X' } }))?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'X' } }, agent.token))?.extensions?.code).toBe('FORBIDDEN');

    const { token } = await started({ channelId: channel.id });
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, email: 'nope' } }, token))?.extensions).toMatchObject({
      code: 'VALIDATION',
      field: 'email',
    });
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: channel.id, name: 'x'.repeat(101) } }, token))?.extensions).toMatchObject({
      code: 'VALIDATION',
      field: 'name',
    });
    expect(errorOf(await gql(IDENTIFY, { input: { channelId: randomUUID(), name: 'X' } }, token))?.extensions?.code).toBe('NOT_FOUND');

    const results: GraphqlResult[] = [];
    for (let i = 0; i < 12; i++) results.push(await gql(IDENTIFY, { input: { channelId: channel.id, name: `Name ${i}` } }, token));
    const limited = results.filter((r) => errorOf(r)?.extensions?.code === 'RATE_LIMITED');
    // Three calls above already counted against IDENTIFY_LIMIT_PER_VISITOR (6 per minute here).
    expect(results.filter((r) => !r.errors)).toHaveLength(3);
    expect(limited).toHaveLength(9);
    expect(errorOf(limited[0]!)?.extensions?.retryAfter).toBeGreaterThan(0);
  });

  it('tells the agents of the visitor’s open chats with VISITOR_UPDATED, and not the visitor', async () => {
    const { channel, agent } = await newChannel();
    const { channel: other, agent: otherAgent } = await newChannel();
    const chat = await started({ channelId: channel.id, name: 'Before' });
    const elsewhere = await started({ channelId: other.id }, chat.token);
    const agentFeed = subscribe(app.ws(`Bearer ${agent.token}`), EVENTS, { id: chat.sessionId, after: 0 });
    const otherAgentFeed = subscribe(app.ws(`Bearer ${otherAgent.token}`), EVENTS, { id: elsewhere.sessionId, after: 0 });
    const visitorFeed = subscribe(app.ws(`Bearer ${chat.token}`), EVENTS, { id: chat.sessionId, after: 0 });
    try {
      const email = uniqueEmail('ida');
      expect((await gql(IDENTIFY, { input: { channelId: channel.id, name: 'After', email } }, chat.token)).errors).toBeUndefined();
      const event = await agentFeed.waitFor((e) => e.chatEvents.type === 'VISITOR_UPDATED');
      await otherAgentFeed.waitFor((e) => e.chatEvents.type === 'VISITOR_UPDATED');
      const seen = await gql(SESSION_VISITOR, { id: chat.sessionId }, agent.token);
      expect(seen.data.chatSession).toMatchObject({ lastEventSeq: event.chatEvents.cursor, visitor: { name: 'After', email } });
      // Stored in the event log, so an agent who resumes later gets it too.
      expect(await prisma.chatEvent.count({ where: { sessionId: chat.sessionId, type: 'VISITOR_UPDATED' } })).toBe(1);

      // The same details again change nothing and tell nobody.
      expect((await gql(IDENTIFY, { input: { channelId: channel.id, name: 'After', email } }, chat.token)).errors).toBeUndefined();
      expect((await gql(SESSION_VISITOR, { id: chat.sessionId }, agent.token)).data.chatSession.lastEventSeq).toBe(event.chatEvents.cursor);

      // The visitor's feed has caught up past the update without seeing it.
      const sent = await gql(SEND, { input: { sessionId: chat.sessionId, body: 'still here', clientMessageId: randomUUID() } }, chat.token);
      const cursor = sent.data.sendMessage.cursor as number;
      expect(cursor).toBeGreaterThan(event.chatEvents.cursor);
      await visitorFeed.waitFor((e) => e.chatEvents.cursor === cursor);
      expect(visitorFeed.values().map((e) => e.chatEvents.type)).not.toContain('VISITOR_UPDATED');
      // A visitor replaying the log does not get it either.
      const replay = subscribe(app.ws(`Bearer ${chat.token}`), EVENTS, { id: chat.sessionId, after: 0 });
      await replay.waitFor((e) => e.chatEvents.cursor === cursor);
      expect(replay.values().map((e) => e.chatEvents.type)).not.toContain('VISITOR_UPDATED');
      replay.stop();
    } finally {
      agentFeed.stop();
      otherAgentFeed.stop();
      visitorFeed.stop();
    }
  });

  it('tells the agents when a rotation ends the verification of a visitor in an open chat', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('joan');
    const chat = await started({ channelId: channel.id, email, emailSignature: signIdentity(secret, email) });
    const before = (await gql(SESSION_VISITOR, { id: chat.sessionId }, agent.token)).data.chatSession.lastEventSeq as number;
    const agentFeed = subscribe(app.ws(`Bearer ${agent.token}`), EVENTS, { id: chat.sessionId, after: before });
    try {
      await rotate(channel.id);
      const event = await agentFeed.waitFor((e) => e.chatEvents.type === 'VISITOR_UPDATED');
      expect(event.chatEvents.cursor).toBe(before + 1);
    } finally {
      agentFeed.stop();
    }
  });
});

describe('identity verification in the offline form', () => {
  it('refuses an unsigned claim to a verified email and verifies a signed one', async () => {
    const { channel, agent, secret } = await channelWithSecret();
    const email = uniqueEmail('barbara');
    const signed = await gql(OFFLINE, { input: { channelId: channel.id, message: 'Call me', email, emailSignature: signIdentity(secret, email) } });
    expect(signed.errors).toBeUndefined();
    const offlineSession = await prisma.chatSession.findFirstOrThrow({ where: { channelId: channel.id, visitor: { email } } });
    expect((await seenByAgent(offlineSession.id, agent.token)).emailVerified).toBe(true);

    const impostor = await gql(OFFLINE, { input: { channelId: channel.id, message: 'Call me too', email } });
    expect(errorOf(impostor)?.extensions).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', reason: 'SIGNATURE_REQUIRED' });
    expect(await prisma.request.count({ where: { requesterEmail: email } })).toBe(1);
  });
});
