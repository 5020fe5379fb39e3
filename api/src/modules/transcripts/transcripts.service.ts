// Module transcripts: a chat's record sent out. Owns rendering a chat's transcript and mailing
// it to the visitor or to a request, with its limits. Imports chats, crm and knowledge; it comes
// last among the modules.
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../../platform/config';
import type { Principal } from '../../platform/principal';
import { AppError, forbidden, validation } from '../../platform/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { formatBytes } from '../chats/attachments.service';
import { findReadableSession } from '../chats/chat-access';
import { AGENT_ONLY_SYSTEM_TYPES } from '../chats/chat-dto';
import { enforceRateLimit, type RateLimiter } from '../../platform/rate-limiter';
import { formatRequestNumber } from '../crm/requests.service';
import { renderTemplateBody, type TemplateValues } from '../knowledge/templates.service';
import { cleanEmail } from '../../platform/validate';

/**
 * "Send me the transcript": the chat log as the visitor saw it, by email over SMTP_URL.
 *
 * The mail starts with the reply template named "Chat transcript" when one exists (its
 * variables filled in for this chat), otherwise a built-in greeting; the log follows, one line
 * per message with its time in the reader's time zone. Visitors may send it when the channel's
 * post-chat form offers transcripts; agents always. Limited per chat and per IP, because a
 * visitor can name any address.
 */

export const TRANSCRIPT_TEMPLATE_NAME = 'Chat transcript';
const MAX_TRANSCRIPT_MESSAGES = 5000;

export interface SendTranscriptInput {
  sessionId: string;
  email: string;
  /** IANA time zone for the message times, e.g. Europe/Oslo; UTC when absent. */
  timeZone?: string | null;
}

export interface TranscriptReceipt {
  sentTo: string;
  messageCount: number;
}

export interface TranscriptLine {
  at: Date;
  author: string;
  system: boolean;
  body: string;
  attachments: { fileName: string; size: number }[];
}

function cleanTimeZone(timeZone: string | null | undefined): string {
  if (timeZone == null || timeZone.trim() === '') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timeZone.trim() });
    return timeZone.trim();
  } catch {
    throw validation('timeZone', `"${timeZone}" is not a known time zone; use an IANA name such as Europe/Oslo`);
  }
}

/** The log: a date heading whenever the day changes, then "[HH:MM] Author: text" lines. */
export function renderTranscriptLog(lines: TranscriptLine[], timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const out: string[] = [];
  let currentDay = '';
  for (const line of lines) {
    const lineDay = day.format(line.at);
    if (lineDay !== currentDay) {
      if (out.length) out.push('');
      out.push(`${lineDay} (${timeZone})`);
      currentDay = lineDay;
    }
    const files = line.attachments.map((a) => `[file: ${a.fileName}, ${formatBytes(a.size)}]`);
    const text = [line.body, ...files].filter(Boolean).join(' ');
    const indented = text.replace(/\n/g, '\n        ');
    out.push(line.system ? `[${time.format(line.at)}] * ${indented}` : `[${time.format(line.at)}] ${line.author}: ${indented}`);
  }
  return out.join('\n');
}

/**
 * Fills a reply template's variables with the shared renderer. A variable with no value for this
 * chat is left out rather than mailed as "{{visitor.name}}", along with the space before a
 * following punctuation mark ("Hi {{visitor.name}}!" → "Hi!").
 */
export function fillTemplateVariables(body: string, values: TemplateValues): string {
  return renderTemplateBody(body, values)
    .text.replace(/[ \t]*\{\{[^{}]*\}\}(?=[,.!?])/g, '')
    .replace(/\{\{[^{}]*\}\}/g, '');
}

export interface TranscriptServiceDeps {
  prisma: PrismaClient;
  rateLimiter: RateLimiter;
  config: MailConfig;
  log: (line: string) => void;
}

export function createTranscriptService({ prisma, rateLimiter, config, log }: TranscriptServiceDeps) {
  let transport: Transporter | null = null;

  const enforce = (key: string, limit: { limit: number; windowSeconds: number }) => enforceRateLimit(rateLimiter, key, limit);

  /** The mail's text: the template (or greeting), then the log. */
  async function compose(sessionId: string, timeZone: string) {
    const session = await prisma.chatSession.findUniqueOrThrow({
      where: { id: sessionId },
      include: { visitor: true, channel: true, agent: true },
    });
    const messages = await prisma.message.findMany({
      where: { sessionId, OR: [{ systemType: null }, { systemType: { notIn: [...AGENT_ONLY_SYSTEM_TYPES] } }] },
      orderBy: { seq: 'asc' },
      take: MAX_TRANSCRIPT_MESSAGES,
      include: { agent: true, attachments: { orderBy: { createdAt: 'asc' } } },
    });
    const visitorName = session.visitor.name || 'You';
    const lines: TranscriptLine[] = messages.map((m) => ({
      at: m.createdAt,
      author: m.authorKind === 'VISITOR' ? visitorName : m.agent ? m.agent.nickname || m.agent.name : 'Agent',
      system: m.authorKind === 'SYSTEM',
      body: m.body,
      attachments: m.attachments.map((a) => ({ fileName: a.fileName, size: a.size })),
    }));

    const template = await prisma.replyTemplate.findFirst({
      where: { name: { equals: TRANSCRIPT_TEMPLATE_NAME, mode: 'insensitive' } },
      orderBy: { createdAt: 'asc' },
    });
    const agent = session.agent;
    const request = template
      ? await prisma.request.findFirst({
          where: { sourceSessionId: session.id },
          orderBy: [{ createdAt: 'desc' }, { number: 'desc' }],
          select: { number: true },
        })
      : null;
    const greeting = template
      ? fillTemplateVariables(template.body, {
          'visitor.name': session.visitor.name,
          'visitor.email': session.visitor.email,
          'agent.name': agent?.name ?? null,
          'agent.nickname': agent ? agent.nickname || agent.name : null,
          'channel.name': session.channel.name,
          'request.number': request ? formatRequestNumber(request.number) : null,
        })
      : `${session.visitor.name ? `Hello ${session.visitor.name},` : 'Hello,'}\n\nHere is the transcript of your chat with ${session.channel.name}.`;
    const text = `${greeting.trim()}\n\n${renderTranscriptLog(lines, timeZone)}\n`;
    const started = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium' }).format(session.requestedAt);
    return { subject: `Transcript of your chat with ${session.channel.name} (${started})`, text, messageCount: lines.length };
  }

  async function send(principal: Principal | null, ip: string, input: SendTranscriptInput): Promise<TranscriptReceipt> {
    if (!config.smtpUrl)
      throw new AppError('NOT_CONFIGURED', 'Sending email is not configured on this server: an administrator must set SMTP_URL.', { feature: 'mail' });
    const email = cleanEmail('email', input.email);
    const timeZone = cleanTimeZone(input.timeZone);
    const session = await findReadableSession(prisma, principal, input.sessionId);
    if (principal?.kind !== 'visitor' && principal?.kind !== 'agent') throw forbidden('Only the visitor or an agent can mail a transcript.');
    if (principal.kind === 'visitor') {
      const channel = await prisma.channel.findUniqueOrThrow({ where: { id: session.channelId }, select: { postchatTranscript: true } });
      if (!channel.postchatTranscript) throw forbidden('This channel does not offer transcripts by email.');
    }
    await enforce(`transcript:session:${session.id}`, config.transcriptPerSession);
    await enforce(`transcript:ip:${ip}`, config.transcriptPerIp);

    const mail = await compose(session.id, timeZone);
    transport ??= nodemailer.createTransport(config.smtpUrl);
    try {
      await transport.sendMail({ from: config.from, to: email, subject: mail.subject, text: mail.text });
    } catch (error) {
      log(`Transcript mail for ${session.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new AppError('DELIVERY_FAILED', 'The mail server did not accept the transcript. Try again later.', { feature: 'mail' });
    }
    return { sentTo: email, messageCount: mail.messageCount };
  }

  return { send, compose };
}

export type TranscriptService = ReturnType<typeof createTranscriptService>;
