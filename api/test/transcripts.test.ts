import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, mailConfigFromEnv } from '../src/platform/config';
import { channelWithAgents, NEXT, send, startChat } from './chat-fixtures';
import { pdfBytes } from './file-fixtures';
import { startTestApp, tempDir, type GraphqlResult, type TestApp } from './harness';

/** What the loopback SMTP server received. */
interface Received {
  from: string;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  text: string;
}

/** Decodes the single text/plain body nodemailer writes (quoted-printable or base64, or 7bit). */
function decodeMessage(raw: string): Omit<Received, 'from' | 'to' | 'raw'> {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = rest.join('\n\n');
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  let text: string;
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    text = Buffer.from(bytes, 'latin1').toString('utf8');
  } else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else text = body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

/** Decodes RFC 2047 encoded words in a header (=?UTF-8?Q?...?= or =?UTF-8?B?...?=). */
const decodeHeader = (value: string) =>
  value.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_, mode: string, data: string) =>
    mode.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );

let smtp: SMTPServer;
let smtpPort: number;
const inbox: Received[] = [];
let app: TestApp;
let storage: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = chunks.join('');
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...decodeMessage(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  storage = await tempDir('lc-transcripts-');
  const roomy = { limit: 10_000, windowSeconds: 60 };
  app = await startTestApp({
    mail: { ...mailConfigFromEnv({}), smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'Support <support@example.com>' },
    attachments: { ...configFromEnv({}).attachments, dir: storage.dir },
    chat: { ...configFromEnv({}).chat, startChatPerIp: roomy, startChatPerVisitor: roomy, sendMessagePerVisitor: roomy, sendMessagePerIp: roomy },
  });
});
afterAll(async () => {
  await app?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await storage?.remove();
});

const SEND_TRANSCRIPT = `mutation($id: ID!, $email: String!, $tz: String) { sendTranscript(sessionId: $id, email: $email, timeZone: $tz) { sentTo messageCount } }`;
const codeOf = (r: GraphqlResult) => r.errors?.[0]?.extensions?.code;

async function waitForMail(to: string, timeoutMs = 10_000): Promise<Received> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = inbox.find((m) => m.to.includes(to));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no mail to ${to}; inbox: ${inbox.map((m) => m.to).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A chat with a visitor named Kari, taken by an agent nicknamed Mona, with some messages. */
async function conversation() {
  const { channel, agents } = await channelWithAgents(app, { mona: { canRespond: true }, member: {} }, { name: `Support ${randomUUID().slice(0, 6)}` });
  await app.services.prisma.agent.update({ where: { id: agents.mona!.agent.id }, data: { nickname: 'Mona' } });
  const { sessionId, visitorToken } = await startChat(app, channel.id, 'My invoice is wrong', { name: 'Kari Nordmann', email: 'kari@example.com' });
  await app.gql(NEXT, { ids: [channel.id] }, agents.mona!.token);
  await send(app, agents.mona!.token, sessionId, 'Let me check that.\nOne moment.');
  await send(app, visitorToken, sessionId, 'Thanks 🙂');
  return { channel, agents, sessionId, visitorToken };
}

describe('sendTranscript', () => {
  it('mails the chat log to the visitor over SMTP, as the visitor saw it, with times in their time zone', async () => {
    const { channel, agents, sessionId, visitorToken } = await conversation();
    // An agent-only system message (a rejected transfer) must not reach the visitor's mailbox.
    const session = await app.services.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    await app.services.prisma.$transaction((tx) =>
      app.services.chats.appendMessage(tx, session, {
        authorKind: 'SYSTEM',
        systemType: 'TRANSFER_REJECTED',
        body: 'Ola rejected the transfer.',
        clientMessageId: null,
        audience: 'AGENTS',
      }),
    );
    // A file in the chat appears by name and size.
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({
        query: `mutation($s: ID!, $f: File!, $c: String!) { sendAttachment(sessionId: $s, file: $f, clientMessageId: $c) { id } }`,
        variables: { s: sessionId, f: null, c: 'file-1' },
      }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.f'] }));
    form.set('0', new File([new Uint8Array(pdfBytes())], 'invoice.pdf'));
    const uploaded = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitorToken}`, 'x-graphql-yoga-csrf': '1' },
      body: form,
    }).then((r) => r.json());
    expect(uploaded.errors).toBeUndefined();

    const to = `kari+${randomUUID().slice(0, 6)}@example.com`;
    const result = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: `  ${to.toUpperCase()} `, tz: 'Asia/Kolkata' }, visitorToken);
    expect(result.errors).toBeUndefined();
    const messages = await app.services.prisma.message.findMany({ where: { sessionId }, orderBy: { seq: 'asc' } });
    const visible = messages.filter((m) => m.systemType !== 'TRANSFER_REJECTED');
    expect(result.data.sendTranscript).toEqual({ sentTo: to, messageCount: visible.length });

    const mail = await waitForMail(to);
    expect(mail.from).toBe('support@example.com');
    expect(mail.headers.from).toBe('Support <support@example.com>');
    expect(mail.headers.to).toBe(to);
    expect(decodeHeader(mail.headers.subject!)).toMatch(new RegExp(`^Transcript of your chat with ${channel.name} \\(`));
    const time = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
      messages[0]!.createdAt,
    );
    const at = (body: string) => time(messages.find((m) => m.body === body)!.createdAt);
    expect(mail.text).toContain(`Hello Kari Nordmann,\n\nHere is the transcript of your chat with ${channel.name}.`);
    expect(mail.text).toContain(`${day} (Asia/Kolkata)`);
    expect(mail.text).toContain(`[${at('My invoice is wrong')}] Kari Nordmann: My invoice is wrong`);
    expect(mail.text).toContain(`[${at('Let me check that.\nOne moment.')}] Mona: Let me check that.\n        One moment.`);
    expect(mail.text).toContain(`[${at('Thanks 🙂')}] Kari Nordmann: Thanks 🙂`);
    expect(mail.text).toContain(`] Kari Nordmann: [file: invoice.pdf, ${pdfBytes().length} bytes]`);
    expect(mail.text).not.toContain('rejected the transfer');
    // The agent's reply follows the visitor's question.
    expect(mail.text.indexOf('My invoice is wrong')).toBeLessThan(mail.text.indexOf('Let me check that.'));

    // An agent who can read the chat can send it too.
    const byAgent = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'agent-copy@example.com' }, agents.mona!.token);
    expect(byAgent.errors).toBeUndefined();
    expect((await waitForMail('agent-copy@example.com')).text).toContain('(UTC)');
  });

  it('uses the "Chat transcript" reply template as the introduction, with its variables filled in', async () => {
    const { sessionId, visitorToken, channel } = await conversation();
    const template = await app.services.prisma.replyTemplate.create({
      data: {
        name: 'Chat transcript',
        body: 'Hi {{visitor.name}}! {{agent.nickname}} from {{channel.name}} sends you this copy. Request: {{request.number}}.',
      },
    });
    try {
      const result = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'templated@example.com' }, visitorToken);
      expect(result.errors).toBeUndefined();
      const mail = await waitForMail('templated@example.com');
      expect(mail.text.startsWith(`Hi Kari Nordmann! Mona from ${channel.name} sends you this copy. Request:.\n\n`)).toBe(true);
      expect(mail.text).not.toContain('Here is the transcript');
      expect(mail.text).toContain('Kari Nordmann: My invoice is wrong');
    } finally {
      await app.services.prisma.replyTemplate.delete({ where: { id: template.id } });
    }
  });

  it('allows 3 transcripts per chat per hour, then RATE_LIMITED with retryAfter', async () => {
    const { sessionId, visitorToken } = await conversation();
    for (let i = 0; i < 3; i++) {
      const ok = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: `limit${i}@example.com` }, visitorToken);
      expect(ok.errors, `transcript ${i + 1}`).toBeUndefined();
    }
    const limited = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'limit3@example.com' }, visitorToken);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0]!.extensions!.retryAfter).toBeGreaterThan(3500);
    await new Promise((r) => setTimeout(r, 300));
    expect(inbox.filter((m) => m.to.some((t) => /^limit\d@example\.com$/.test(t)))).toHaveLength(3);
  });

  it('validates the email and time zone, and refuses other visitors, agents outside the chat and (when the channel offers none) the visitor', async () => {
    const { channel, sessionId, visitorToken, agents } = await conversation();
    const badEmail = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'not an email' }, visitorToken);
    expect(badEmail.errors?.[0]).toMatchObject({ message: 'email: is not a valid email address', extensions: { code: 'VALIDATION', field: 'email' } });
    const badZone = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'a@example.com', tz: 'Mars/Olympus' }, visitorToken);
    expect(badZone.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });

    const other = await startChat(app, channel.id, 'Someone else');
    expect(codeOf(await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'thief@example.com' }, other.visitorToken))).toBe('NOT_FOUND');
    const outsider = await app.agentWithToken();
    expect(codeOf(await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'thief@example.com' }, outsider.token))).toBe('NOT_FOUND');
    // A channel member without listen-in cannot read an active chat, so cannot mail it either.
    expect(codeOf(await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'thief@example.com' }, agents.member!.token))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'thief@example.com' }))).toBe('UNAUTHENTICATED');
    // A channel whose post-chat form offers no transcript: the visitor cannot ask for one, its agents still can.
    await app.services.prisma.channel.update({ where: { id: channel.id }, data: { postchatTranscript: false } });
    const off = await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'kari@example.com' }, visitorToken);
    expect(off.errors?.[0]).toMatchObject({ message: 'This channel does not offer transcripts by email.', extensions: { code: 'FORBIDDEN' } });
    expect((await app.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'agent-only@example.com' }, agents.mona!.token)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(inbox.filter((m) => m.to.includes('thief@example.com'))).toEqual([]);
  });
});

describe('sendTranscript without a working mail server', () => {
  it('says NOT_CONFIGURED when SMTP_URL is not set', async () => {
    expect(mailConfigFromEnv({}).smtpUrl).toBeNull();
    expect(mailConfigFromEnv({ SMTP_URL: 'smtp://mail:25', MAIL_FROM: 'x@y.z' })).toMatchObject({ smtpUrl: 'smtp://mail:25', from: 'x@y.z' });
    const bare = await startTestApp({ mail: mailConfigFromEnv({}) });
    try {
      const { channel } = await channelWithAgents(bare, { a: { canRespond: true } });
      const { sessionId, visitorToken } = await startChat(bare, channel.id, 'hi');
      const result = await bare.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'kari@example.com' }, visitorToken);
      expect(result.errors?.[0]).toMatchObject({
        message: 'Sending email is not configured on this server: an administrator must set SMTP_URL.',
        extensions: { code: 'NOT_CONFIGURED' },
      });
    } finally {
      await bare.stop();
    }
  });

  it('says DELIVERY_FAILED when the mail server cannot be reached, without leaking the reason', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const broken = await startTestApp({ mail: { ...mailConfigFromEnv({}), smtpUrl: `smtp://127.0.0.1:${closedPort}` } });
    try {
      const { channel } = await channelWithAgents(broken, { a: { canRespond: true } });
      const { sessionId, visitorToken } = await startChat(broken, channel.id, 'hi');
      const result = await broken.gql(SEND_TRANSCRIPT, { id: sessionId, email: 'kari@example.com' }, visitorToken);
      expect(result.errors?.[0]).toEqual(
        expect.objectContaining({
          message: 'The mail server did not accept the transcript. Try again later.',
          extensions: { code: 'DELIVERY_FAILED', feature: 'mail' },
        }),
      );
      expect(result.errors![0]!.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await broken.stop();
    }
  });
});
