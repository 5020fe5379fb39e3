// Module chats, attachments: files sent in a chat. Owns storing an upload on disk (size, type and
// name checked before it lands), sending it as a message, signed download links and opening a file
// for download, and the attachments of messages as read.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AttachmentsConfig, ChatLimits } from '../../platform/config';
import type { Principal } from '../../platform/principal';
import { AppError, conflict, forbidden, notFound, unauthenticated, prismaFailure, validation } from '../../platform/errors';
import type { Attachment, ChatSession, PrismaClient } from '../../generated/prisma/client';
import { findReadableSession } from './chat-access';
import { isUuid } from '../../platform/ids';
import { messageDto, type AttachmentDto, type MessageDto } from './chat-dto';
import type { ChatService } from './chats.service';
import { cleanMessageBody } from './chats.service';
import { contentTypeFor, describeMismatch, extensionOf, fileSource, kindForExtension, sniff, type FileKind } from '../../platform/file-types';
import { enforceRateLimit, type RateLimiter } from '../../platform/rate-limiter';

/**
 * Chat attachments on local disk. An upload is streamed to a temp file inside the storage folder
 * while its size is counted (stopping past the limit) and hashed; then its bytes are sniffed, and
 * only when every check passes is it renamed into place, atomically. Any failure removes the temp
 * file, so a refused upload leaves nothing behind. The message that carries it goes through the
 * chat event log like any other, so `chatEvents` subscribers receive it.
 */

const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const MAX_FILE_NAME_LENGTH = 200;
const TEMP_FOLDER = 'tmp';
const SIGNING_KEY_FILE = '.url-signing-key';
/** Temp files older than this are leftovers of a crash mid-upload; they are swept on first use. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** What resolvers receive for a `File` argument: a WHATWG File (yoga's multipart parser). */
export interface UploadedFile {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface StoredFile {
  storageKey: string;
  fileName: string;
  kind: FileKind;
  contentType: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
}

export interface SendAttachmentInput {
  sessionId: string;
  file: UploadedFile;
  clientMessageId: string;
  caption?: string | null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

export const tooLarge = (maxBytes: number) => validation('file', `is larger than the ${formatBytes(maxBytes)} limit`);

/**
 * A display-safe file name: the last path segment, NFC, no control or bidirectional-override
 * characters (which can disguise "exe" as "png"), at most 200 characters with the extension kept.
 */
export function cleanFileName(raw: string): string {
  let name = (raw.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control and bidi characters are removed from file names
    .replace(/[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069"]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length > MAX_FILE_NAME_LENGTH) {
    const ext = extensionOf(name);
    const keep = ext ? ext.length + 1 : 0;
    name = name.slice(0, MAX_FILE_NAME_LENGTH - keep).trimEnd() + (ext ? `.${ext}` : '');
  }
  if (name === '' || name === '.' || name === '..') throw validation('file', 'has no file name');
  return name;
}

export interface AttachmentServiceDeps {
  prisma: PrismaClient;
  chats: ChatService;
  rateLimiter: RateLimiter;
  limits: ChatLimits;
  config: AttachmentsConfig;
}

export function createAttachmentService({ prisma, chats, rateLimiter, limits, config }: AttachmentServiceDeps) {
  const root = path.resolve(config.dir);
  let ready: Promise<void> | null = null;
  let signingKey: Promise<Buffer> | null = null;

  /** Creates the folders on first use and sweeps temp files a crash left behind. */
  function ensureFolders(): Promise<void> {
    ready ??= (async () => {
      await mkdir(path.join(root, TEMP_FOLDER), { recursive: true, mode: 0o700 });
      const now = Date.now();
      for (const name of await readdir(path.join(root, TEMP_FOLDER)).catch(() => [] as string[])) {
        const file = path.join(root, TEMP_FOLDER, name);
        const info = await stat(file).catch(() => null);
        if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
      }
    })().catch((error) => {
      ready = null;
      throw error;
    });
    return ready;
  }

  /**
   * The HMAC key for signed URLs: ATTACHMENT_URL_SECRET, or a random key created once in the
   * storage folder. Instances sharing the folder share the key, so a URL signed by one works on all.
   */
  function key(): Promise<Buffer> {
    signingKey ??= (async () => {
      if (config.urlSecret) return Buffer.from(config.urlSecret, 'utf8');
      await ensureFolders();
      const file = path.join(root, SIGNING_KEY_FILE);
      const existing = await readFile(file, 'utf8').catch(() => null);
      if (existing?.trim()) return Buffer.from(existing.trim(), 'base64url');
      // Written aside, then linked into place: link fails if another instance won the race.
      const candidate = path.join(root, TEMP_FOLDER, `key-${randomUUID()}`);
      await writeFile(candidate, randomBytes(32).toString('base64url'), { mode: 0o600 });
      await link(candidate, file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await rm(candidate, { force: true });
      return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
    })().catch((error) => {
      signingKey = null;
      throw error;
    });
    return signingKey;
  }

  const signature = (secret: Buffer, id: string, expires: number) => createHmac('sha256', secret).update(`attachment:${id}:${expires}`).digest('base64url');

  /**
   * A signed download URL for `<img src>` and links, where no Authorization header can be sent.
   * The expiry is rounded up to a quarter of the lifetime, so the same URL is handed out for a while
   * and browsers can cache the image.
   */
  async function signedUrl(dto: Pick<AttachmentDto, 'id' | 'url'>, nowMs = Date.now()): Promise<string> {
    const step = Math.max(60, Math.floor(config.urlTtlSeconds / 4));
    const expires = Math.ceil((nowMs / 1000 + config.urlTtlSeconds) / step) * step;
    return `${dto.url}?token=${expires}.${signature(await key(), dto.id, expires)}`;
  }

  /** Whether a `token` query parameter grants access to this attachment now. */
  async function verifyToken(id: string, token: string, nowMs = Date.now()): Promise<'valid' | 'expired' | 'invalid'> {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return 'invalid';
    const expires = Number(match[1]);
    const expected = Buffer.from(signature(await key(), id, expires));
    if (!timingSafeEqual(expected, Buffer.from(match[2]!))) return 'invalid';
    return expires * 1000 < nowMs ? 'expired' : 'valid';
  }

  function downloadPath(id: string, fileName: string): string {
    return `/attachments/${id}/${encodeURIComponent(fileName)}`;
  }

  function toDto(row: Pick<Attachment, 'id' | 'fileName' | 'contentType' | 'size' | 'width' | 'height'>): AttachmentDto {
    return {
      id: row.id,
      fileName: row.fileName,
      contentType: row.contentType,
      size: row.size,
      width: row.width,
      height: row.height,
      url: downloadPath(row.id, row.fileName),
    };
  }

  /**
   * The attachments of each message, in the order given: a message that carries its attachments
   * (one from an event) keeps them, the others are loaded together in one query.
   */
  async function attachmentsOf(messages: readonly Pick<MessageDto, 'id' | 'attachments'>[]): Promise<AttachmentDto[][]> {
    const missing = messages.filter((m) => !m.attachments).map((m) => m.id);
    const byMessage = new Map<string, AttachmentDto[]>(missing.map((id) => [id, []]));
    if (missing.length > 0) {
      const rows = await prisma.attachment.findMany({ where: { messageId: { in: missing } }, orderBy: { createdAt: 'asc' } });
      for (const row of rows) byMessage.get(row.messageId!)?.push(toDto(row));
    }
    return messages.map((m) => m.attachments ?? byMessage.get(m.id) ?? []);
  }

  function absolute(storageKey: string): string {
    const file = path.resolve(root, storageKey);
    if (!file.startsWith(root + path.sep)) throw new Error(`storage key escapes the attachments folder: ${storageKey}`);
    return file;
  }

  /**
   * Streams an upload into the store: the size limit is enforced while reading (reading stops one
   * chunk past it), the content is sniffed and must match the extension, and only then does the
   * file get its final name. On any failure the temp file is removed and nothing is left.
   */
  async function store(file: UploadedFile): Promise<StoredFile> {
    const fileName = cleanFileName(file.name);
    const ext = extensionOf(fileName);
    if (!kindForExtension(ext)) throw validation('file', describeMismatch(fileName, { ok: false, detected: null })!);
    if (file.size > config.maxBytes) throw tooLarge(config.maxBytes);

    await ensureFolders();
    const id = randomUUID();
    const temp = path.join(root, TEMP_FOLDER, `${id}.part`);
    const handle = await open(temp, 'wx+', 0o600);
    let closed = false;
    try {
      const hash = createHash('sha256');
      let size = 0;
      const reader = file.stream().getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > config.maxBytes) throw tooLarge(config.maxBytes);
          hash.update(value);
          for (let written = 0; written < value.byteLength; ) written += (await handle.write(value, written, value.byteLength - written)).bytesWritten;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
      const sniffed = await sniff(await fileSource(handle, temp, size));
      const problem = describeMismatch(fileName, sniffed);
      if (problem || !sniffed.ok) throw validation('file', problem ?? 'is not an allowed type');
      const side = config.maxImageSide;
      if (sniffed.width !== null && sniffed.height !== null && (sniffed.width > side || sniffed.height > side))
        throw validation('file', `“${fileName}” is ${sniffed.width}×${sniffed.height} pixels; images may be at most ${side} pixels wide and high`);
      await handle.sync();
      await handle.close();
      closed = true;

      const now = new Date();
      const storageKey = path.posix.join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), id);
      await mkdir(path.dirname(absolute(storageKey)), { recursive: true, mode: 0o700 });
      await rename(temp, absolute(storageKey));
      return {
        storageKey,
        fileName,
        kind: sniffed.kind,
        contentType: contentTypeFor(sniffed.kind, ext),
        size,
        sha256: hash.digest('hex'),
        width: sniffed.width,
        height: sniffed.height,
      };
    } catch (error) {
      if (!closed) await handle.close().catch(() => {});
      await rm(temp, { force: true });
      throw error;
    }
  }

  async function existingMessage(sessionId: string, clientMessageId: string, authorKind: 'VISITOR' | 'AGENT'): Promise<MessageDto | null> {
    const existing = await prisma.message.findUnique({
      where: { sessionId_clientMessageId: { sessionId, clientMessageId } },
      include: { agent: true, attachments: { orderBy: { createdAt: 'asc' } }, session: { select: { channel: { select: { showAgentPhoto: true } } } } },
    });
    if (!existing) return null;
    if (existing.authorKind !== authorKind) throw conflict('clientMessageId is already used by another message in this chat.', 'clientMessageId');
    return { ...messageDto(existing, existing.agent, existing.session.channel.showAgentPhoto), attachments: existing.attachments.map(toDto) };
  }

  /** Who may send files: the same rules as `sendMessage`, except that a file does not reopen an ended chat. */
  async function authorize(principal: Principal | null, session: ChatSession, ip: string, clientMessageId: string) {
    if (principal?.kind === 'visitor') {
      const retried = await existingMessage(session.id, clientMessageId, 'VISITOR');
      if (retried) return { retried };
      if (session.status !== 'QUEUED' && session.status !== 'ACTIVE')
        throw conflict(`This chat is ${session.status.toLowerCase()}; send a message to return to it before sending files.`);
      for (const [key, limit] of [
        [`sendMessage:visitor:${principal.visitor.id}`, limits.sendMessagePerVisitor],
        [`sendMessage:ip:${ip}`, limits.sendMessagePerIp],
      ] as const)
        await enforceRateLimit(rateLimiter, key, limit);
      return { author: 'VISITOR' as const };
    }
    if (principal?.kind !== 'agent') throw forbidden('Only the visitor and the agent handling the chat can send files in it.');
    const retried = await existingMessage(session.id, clientMessageId, 'AGENT');
    if (retried) return { retried };
    if (session.agentId !== principal.agent.id) throw forbidden('Only the agent handling this chat can send files in it; you are listening.');
    if (session.status !== 'ACTIVE') throw conflict(`This chat is ${session.status.toLowerCase()}; files can no longer be sent.`);
    return { author: 'AGENT' as const, agent: principal.agent };
  }

  /** Stores the file and sends it as a message (caption as the body, may be empty). Idempotent on clientMessageId. */
  async function send(principal: Principal | null, ip: string, input: SendAttachmentInput): Promise<MessageDto> {
    if (!CLIENT_MESSAGE_ID.test(input.clientMessageId)) throw validation('clientMessageId', 'must be 1–100 characters of letters, digits, "_", "-", ".", ":"');
    const caption = input.caption != null && input.caption.trim() !== '' ? cleanMessageBody(input.caption, 'caption') : '';
    const session = await findReadableSession(prisma, principal, input.sessionId);
    const access = await authorize(principal, session, ip, input.clientMessageId);
    if ('retried' in access) return access.retried!;

    const stored = await store(input.file);
    const attachmentId = randomUUID();
    const dto = toDto({ id: attachmentId, ...stored });
    try {
      const showPhoto =
        access.author === 'AGENT'
          ? (await prisma.channel.findUniqueOrThrow({ where: { id: session.channelId }, select: { showAgentPhoto: true } })).showAgentPhoto
          : true;
      const event = await prisma.$transaction(async (tx) => {
        const event = await chats.appendMessage(tx, session, {
          authorKind: access.author,
          body: caption,
          clientMessageId: input.clientMessageId,
          agent: access.author === 'AGENT' ? access.agent : null,
          showPhoto,
          attachments: [dto],
        });
        await tx.attachment.create({
          data: {
            id: attachmentId,
            sessionId: session.id,
            messageId: event.message!.id,
            uploadedBy: access.author,
            fileName: stored.fileName,
            contentType: stored.contentType,
            size: stored.size,
            storageKey: stored.storageKey,
            sha256: stored.sha256,
            width: stored.width,
            height: stored.height,
          },
        });
        return event;
      });
      chats.announce(session, [event]);
      return event.message!;
    } catch (error) {
      await rm(absolute(stored.storageKey), { force: true });
      // A concurrent retry with the same clientMessageId won: return its message.
      if (prismaFailure(error) === 'UNIQUE_VIOLATION') {
        const existing = await existingMessage(session.id, input.clientMessageId, access.author);
        if (existing) return existing;
      }
      throw error;
    }
  }

  /**
   * Authorizes a download: a valid signed token for this attachment, or credentials that may read
   * its chat (the same rule as reading the chat). Returns the row and the file's path.
   */
  async function openForDownload(id: string, credentials: { principal: Principal | null; token: string | null }) {
    const row = isUuid(id) ? await prisma.attachment.findUnique({ where: { id } }) : null;
    if (!row) throw notFound('Attachment', id);
    if (credentials.token) {
      const verdict = await verifyToken(row.id, credentials.token);
      if (verdict === 'expired' && !credentials.principal) throw unauthenticated('This download link has expired: load the message again for a fresh link.');
      if (verdict === 'invalid' && !credentials.principal) throw unauthenticated('This download link is not valid.');
      if (verdict === 'valid') return { attachment: row, file: absolute(row.storageKey) };
    }
    if (!credentials.principal) throw unauthenticated();
    await findReadableSession(prisma, credentials.principal, row.sessionId).catch((error: unknown) => {
      // Someone who cannot read the chat learns nothing about the attachment either.
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound('Attachment', id);
      throw error;
    });
    return { attachment: row, file: absolute(row.storageKey) };
  }

  return { store, send, signedUrl, verifyToken, attachmentsOf, toDto, openForDownload };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
