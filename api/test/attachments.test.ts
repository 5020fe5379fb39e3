import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, repoRoot } from '../src/platform/config';
import { createAttachmentService } from '../src/modules/chats/attachments.service';
import { CHAT_EVENTS, NEXT, channelWithAgents, send, startChat } from './chat-fixtures';
import { docxBytes, gifBytes, jpegBytes, pdfBytes, pngBytes, pngHeaderClaiming, webpBytes } from './file-fixtures';
import { startTestApp, subscribe, tempDir, type GraphqlResult, type TestApp } from './harness';

const MAX_BYTES = 10 * 1024 * 1024;
let app: TestApp;
let storage: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  storage = await tempDir('lc-attachments-');
  const roomy = { limit: 10_000, windowSeconds: 60 };
  app = await startTestApp({
    attachments: { ...configFromEnv({}).attachments, dir: storage.dir },
    chat: { ...configFromEnv({}).chat, startChatPerIp: roomy, startChatPerVisitor: roomy, sendMessagePerVisitor: roomy, sendMessagePerIp: roomy },
  });
});
afterAll(async () => {
  await app?.stop();
  await storage?.remove();
});

const ATTACHMENT_FIELDS = 'id fileName contentType size width height isImage url';
const SEND_ATTACHMENT = `mutation($sessionId: ID!, $file: File!, $clientMessageId: String!, $caption: String) {
  sendAttachment(sessionId: $sessionId, file: $file, clientMessageId: $clientMessageId, caption: $caption) {
    id cursor body authorKind clientMessageId attachments { ${ATTACHMENT_FIELDS} }
  }
}`;
const EVENTS_WITH_FILES = `subscription($id: ID!, $after: Int) { chatEvents(sessionId: $id, after: $after) {
  cursor type message { id body authorKind attachments { ${ATTACHMENT_FIELDS} } }
} }`;
const MESSAGES = `query($id: ID!) { chatSession(id: $id) { messages { messages { id body attachments { ${ATTACHMENT_FIELDS} } } } } }`;

const codeOf = (r: GraphqlResult) => r.errors?.[0]?.extensions?.code;

/** A real GraphQL multipart request (operations, map, file part), as browsers and apollo-upload-client send it. */
async function upload(
  token: string | null,
  args: { sessionId: string; bytes: Uint8Array; name: string; type?: string; clientMessageId?: string; caption?: string },
): Promise<GraphqlResult> {
  const form = new FormData();
  const variables = { sessionId: args.sessionId, file: null, clientMessageId: args.clientMessageId ?? randomUUID(), caption: args.caption };
  form.set('operations', JSON.stringify({ query: SEND_ATTACHMENT, variables }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new File([new Uint8Array(args.bytes)], args.name, { type: args.type ?? 'application/octet-stream' }));
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    // As the widget and the console send it: multipart needs the CSRF header.
    headers: { 'x-graphql-yoga-csrf': '1', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  const body = (await response.json()) as GraphqlResult;
  return { ...body, status: response.status };
}

const download = (url: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(new URL(url, app.url), { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

/** Every file in the storage folder except the URL signing key, relative to it. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(storage.dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== '.url-signing-key')
    .map((e) => path.relative(storage.dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** A chat an agent has taken, with a listener (can-listen-in), a member without it, and a non-member. */
async function activeChat() {
  const { channel, agents } = await channelWithAgents(app, { owner: { canRespond: true }, listener: { canListenIn: true }, member: {} });
  const { sessionId, visitorToken } = await startChat(app, channel.id, 'Can I send you a screenshot?');
  const claimed = await app.gql(NEXT, { ids: [channel.id] }, agents.owner!.token);
  expect(claimed.data.getNextInQueue.id).toBe(sessionId);
  const outsider = await app.agentWithToken();
  return { channel, agents, sessionId, visitorToken, outsider };
}

describe('configuration', () => {
  it('defaults to 10 MB in <DATA_DIR>/attachments, and reads the variables', () => {
    const defaults = configFromEnv({});
    expect(defaults.attachments).toMatchObject({
      dir: path.join(repoRoot, 'data', 'attachments'),
      maxBytes: MAX_BYTES,
      urlSecret: null,
      urlTtlSeconds: 300,
      maxImageSide: 16_384,
    });
    const set = configFromEnv({
      DATA_DIR: '/srv/lc',
      ATTACHMENT_MAX_BYTES: '2048',
      ATTACHMENT_URL_SECRET: 'a-signing-key-for-download-urls',
      ATTACHMENT_URL_TTL_SECONDS: '60',
      ATTACHMENT_MAX_IMAGE_SIDE: '8000',
    });
    expect(set.attachments).toEqual({
      dir: '/srv/lc/attachments',
      maxBytes: 2048,
      urlSecret: 'a-signing-key-for-download-urls',
      urlTtlSeconds: 60,
      maxImageSide: 8000,
    });
    expect(configFromEnv({ ATTACHMENTS_DIR: '/mnt/files' }).attachments.dir).toBe('/mnt/files');
    expect(() => configFromEnv({ ATTACHMENT_MAX_BYTES: '10MB' })).toThrow(/ATTACHMENT_MAX_BYTES/);
    expect(() => configFromEnv({ ATTACHMENT_URL_TTL_SECONDS: '5m' })).toThrow(/ATTACHMENT_URL_TTL_SECONDS must be a whole number of seconds/);
    expect(() => configFromEnv({ ATTACHMENT_URL_TTL_SECONDS: '0' })).toThrow(/ATTACHMENT_URL_TTL_SECONDS/);
    expect(() => configFromEnv({ ATTACHMENT_MAX_IMAGE_SIDE: '-1' })).toThrow(/ATTACHMENT_MAX_IMAGE_SIDE must be a whole number of pixels/);
  });
});

describe('sending files', () => {
  it('stores an image, delivers it live with its size, and serves it inline through the signed URL', async () => {
    const { agents, sessionId, visitorToken } = await activeChat();
    const agentEvents = subscribe(app.ws(`Bearer ${agents.owner!.token}`), EVENTS_WITH_FILES, { id: sessionId });
    await new Promise((r) => setTimeout(r, 200));

    const png = pngBytes(64, 48);
    const sent = await upload(visitorToken, { sessionId, bytes: png, name: 'screen shot.png', type: 'image/png', caption: 'Here it is' });
    expect(sent.errors).toBeUndefined();
    const message = sent.data.sendAttachment;
    expect(message).toMatchObject({ body: 'Here it is', authorKind: 'VISITOR' });
    expect(message.attachments).toHaveLength(1);
    const [file] = message.attachments;
    expect(file).toMatchObject({ fileName: 'screen shot.png', contentType: 'image/png', size: png.length, width: 64, height: 48, isImage: true });
    expect(file.url).toMatch(new RegExp(`^/attachments/${file.id}/screen%20shot\\.png\\?token=\\d+\\.[A-Za-z0-9_-]{43}$`));

    const live = await agentEvents.waitFor((d) => d.chatEvents.message?.id === message.id);
    expect(live.chatEvents.message.attachments).toEqual([expect.objectContaining({ id: file.id, fileName: 'screen shot.png', width: 64, height: 48 })]);

    // One file on disk, with the hash recorded in the database.
    const files = await storedFiles();
    const stored = files.filter((f) => !f.startsWith('tmp'));
    expect(stored).toHaveLength(1);
    const row = await app.services.prisma.attachment.findUniqueOrThrow({ where: { id: file.id } });
    expect(row).toMatchObject({ sessionId, messageId: message.id, uploadedBy: 'VISITOR', size: png.length, storageKey: stored[0] });
    expect(row.sha256).toBe(createHash('sha256').update(png).digest('hex'));

    // The signed URL works with no header at all (as in <img src>).
    const response = await download(file.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`);
    expect(response.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    // ?download=1 saves an image instead of showing it; the ETag answers revalidation with 304.
    expect((await download(`${file.url}&download=1`)).headers.get('content-disposition')).toMatch(/^attachment; /);
    expect((await download(file.url, undefined, { 'if-none-match': response.headers.get('etag')! })).status).toBe(304);
    agentEvents.stop();
  });

  it('serves non-images as attachments with the exact UTF-8 name, and reads JPEG, GIF and WebP sizes', async () => {
    const { agents, sessionId } = await activeChat();
    const pdf = pdfBytes();
    const sent = await upload(agents.owner!.token, { sessionId, bytes: pdf, name: 'Tilbud – Ærø (2026).pdf', type: 'application/pdf' });
    expect(sent.errors).toBeUndefined();
    const [file] = sent.data.sendAttachment.attachments;
    expect(file).toMatchObject({ fileName: 'Tilbud – Ærø (2026).pdf', contentType: 'application/pdf', isImage: false, width: null, height: null });
    expect(sent.data.sendAttachment.body).toBe('');
    const response = await download(file.url.split('?')[0], agents.owner!.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Tilbud _ _r_ (2026).pdf"; filename*=UTF-8''Tilbud%20%E2%80%93%20%C3%86r%C3%B8%20%282026%29.pdf`,
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(pdf)).toBe(true);

    const cases = [
      { name: 'phone.jpg', bytes: jpegBytes(4032, 3024, { orientation: 6 }), contentType: 'image/jpeg', width: 3024, height: 4032 },
      { name: 'wave.gif', bytes: gifBytes(30, 20), contentType: 'image/gif', width: 30, height: 20 },
      { name: 'photo.webp', bytes: webpBytes(320, 200), contentType: 'image/webp', width: 320, height: 200 },
      { name: 'notes.csv', bytes: Buffer.from('name,email\nÅse,ase@example.com\n'), contentType: 'text/csv; charset=utf-8', width: null, height: null },
      {
        name: 'Quote.DOCX',
        bytes: docxBytes(),
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        width: null,
        height: null,
      },
    ];
    for (const c of cases) {
      const result = await upload(agents.owner!.token, { sessionId, bytes: c.bytes, name: c.name });
      expect(result.errors, c.name).toBeUndefined();
      expect(result.data.sendAttachment.attachments[0], c.name).toMatchObject({ contentType: c.contentType, width: c.width, height: c.height });
      const fetched = await download(result.data.sendAttachment.attachments[0].url);
      expect(fetched.headers.get('content-type'), c.name).toBe(c.contentType);
    }
  });

  it('lists attachments in the message history and replays them in chatEvents', async () => {
    const { agents, sessionId, visitorToken } = await activeChat();
    await send(app, visitorToken, sessionId, 'plain text first');
    const sent = await upload(visitorToken, { sessionId, bytes: pngBytes(10, 20), name: 'a.png' });
    expect(sent.errors).toBeUndefined();

    for (const token of [visitorToken, agents.owner!.token, agents.listener!.token]) {
      const history = await app.gql(MESSAGES, { id: sessionId }, token);
      expect(history.errors).toBeUndefined();
      const messages = history.data.chatSession.messages.messages;
      expect(messages.find((m: any) => m.body === 'plain text first').attachments).toEqual([]);
      const withFile = messages.find((m: any) => m.id === sent.data.sendAttachment.id);
      expect(withFile.attachments).toEqual([expect.objectContaining({ fileName: 'a.png', width: 10, height: 20 })]);
      expect((await download(withFile.attachments[0].url)).status).toBe(200);
    }

    const replay = subscribe(app.ws(`Bearer ${visitorToken}`), EVENTS_WITH_FILES, { id: sessionId, after: 0 });
    const replayed = await replay.waitFor((d) => d.chatEvents.message?.id === sent.data.sendAttachment.id);
    expect(replayed.chatEvents.message.attachments[0]).toMatchObject({ fileName: 'a.png', contentType: 'image/png' });
    replay.stop();
  });

  it('loads the attachments of a whole page of messages with one loader call (one query), not one per message', async () => {
    const { sessionId, visitorToken } = await activeChat();
    await send(app, visitorToken, sessionId, 'text between the files');
    for (const name of ['one.png', 'two.png', 'three.png']) {
      expect((await upload(visitorToken, { sessionId, bytes: pngBytes(4, 4), name })).errors).toBeUndefined();
    }
    // Counts calls through the real service; each call runs one findMany.
    const service = app.services.attachments;
    const real = service.attachmentsOf;
    const batches: number[] = [];
    service.attachmentsOf = (messages) => {
      batches.push(messages.length);
      return real(messages);
    };
    try {
      const history = await app.gql(MESSAGES, { id: sessionId }, visitorToken);
      expect(history.errors).toBeUndefined();
      const messages = history.data.chatSession.messages.messages;
      expect(messages.length).toBeGreaterThanOrEqual(5);
      expect(messages.flatMap((m: any) => m.attachments.map((a: any) => a.fileName))).toEqual(['one.png', 'two.png', 'three.png']);
      expect(batches).toEqual([messages.length]);
    } finally {
      service.attachmentsOf = real;
    }
  });

  it('is idempotent on clientMessageId: a retry stores no second file', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const before = (await storedFiles()).length;
    const clientMessageId = randomUUID();
    const first = await upload(visitorToken, { sessionId, bytes: pngBytes(5, 5), name: 'once.png', clientMessageId });
    const again = await upload(visitorToken, { sessionId, bytes: pngBytes(5, 5), name: 'once.png', clientMessageId });
    expect(again.data.sendAttachment).toEqual(first.data.sendAttachment);
    expect(await app.services.prisma.attachment.count({ where: { sessionId } })).toBe(1);
    expect((await storedFiles()).length).toBe(before + 1);
  });

  it('lets the visitor send while queued, but not listeners, outsiders, or anyone once the chat has ended', async () => {
    const { channel } = await channelWithAgents(app, { responder: { canRespond: true } });
    const queued = await startChat(app, channel.id, 'Waiting');
    const whileQueued = await upload(queued.visitorToken, { sessionId: queued.sessionId, bytes: pngBytes(3, 3), name: 'q.png' });
    expect(whileQueued.errors).toBeUndefined();

    const { agents, sessionId, visitorToken, outsider } = await activeChat();
    const before = await storedFiles();
    const listener = await upload(agents.listener!.token, { sessionId, bytes: pngBytes(3, 3), name: 'l.png' });
    expect(codeOf(listener)).toBe('FORBIDDEN');
    expect(listener.errors![0]!.message).toMatch(/only the agent handling this chat/i);
    expect(codeOf(await upload(outsider.token, { sessionId, bytes: pngBytes(3, 3), name: 'o.png' }))).toBe('NOT_FOUND');
    expect(codeOf(await upload(null, { sessionId, bytes: pngBytes(3, 3), name: 'n.png' }))).toBe('UNAUTHENTICATED');
    const otherVisitor = await startChat(app, channel.id, 'Someone else');
    expect(codeOf(await upload(otherVisitor.visitorToken, { sessionId, bytes: pngBytes(3, 3), name: 'v.png' }))).toBe('NOT_FOUND');

    await app.gql(`mutation($id: ID!) { endChat(sessionId: $id) { status } }`, { id: sessionId }, agents.owner!.token);
    const afterEnd = await upload(visitorToken, { sessionId, bytes: pngBytes(3, 3), name: 'late.png' });
    expect(codeOf(afterEnd)).toBe('CONFLICT');
    expect(codeOf(await upload(agents.owner!.token, { sessionId, bytes: pngBytes(3, 3), name: 'late.png' }))).toBe('CONFLICT');
    expect(await storedFiles()).toEqual(before);
  });
});

describe('refused uploads', () => {
  it('refuses oversized, disallowed, disguised, damaged and empty files with a clear error on `file`, leaving nothing on disk', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const before = await storedFiles();
    const messagesBefore = await app.services.prisma.message.count({ where: { sessionId } });
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 7)]);
    const cases: { name: string; bytes: Uint8Array; type?: string; message: RegExp; status?: number }[] = [
      { name: 'huge.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(MAX_BYTES)]), message: /^file: is larger than the 10 MB limit$/, status: 413 },
      { name: 'exactly-over.txt', bytes: Buffer.alloc(MAX_BYTES + 1, 'a'), message: /^file: is larger than the 10 MB limit$/, status: 413 },
      { name: 'setup.exe', bytes: exe, message: /^file: \.exe files are not allowed; allowed are PNG, JPEG/ },
      {
        name: 'logo.svg',
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        type: 'image/svg+xml',
        message: /^file: \.svg files are not allowed/,
      },
      { name: 'page.html', bytes: Buffer.from('<html><script>alert(1)</script></html>'), type: 'text/html', message: /^file: \.html files are not allowed/ },
      { name: 'README', bytes: Buffer.from('hello'), message: /^file: the name must end with an extension/ },
      { name: 'invoice.pdf', bytes: exe, type: 'application/pdf', message: /^file: “invoice\.pdf” is a Windows executable, which is not allowed/ },
      {
        name: 'photo.png',
        bytes: pdfBytes(),
        type: 'image/png',
        message: /^file: “photo\.png” is a PDF document, not a PNG image: its extension must be \.pdf$/,
      },
      {
        name: 'photo.jpg',
        bytes: pngBytes(4, 4),
        type: 'image/jpeg',
        message: /^file: “photo\.jpg” is a PNG image, not a JPEG image: its extension must be \.png$/,
      },
      { name: 'data.csv', bytes: Buffer.from([0x61, 0x2c, 0x00, 0x62]), message: /^file: “data\.csv” is of an unrecognised type/ },
      {
        name: 'archive.docx',
        bytes: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]),
        message: /^file: “archive\.docx” is a ZIP archive, which is not allowed/,
      },
      { name: 'broken.png', bytes: pngBytes(4, 4).subarray(0, 16), message: /^file: “broken\.png” is damaged/ },
      { name: 'empty.txt', bytes: new Uint8Array(0), message: /^file: the file is empty$/ },
    ];
    for (const c of cases) {
      const result = await upload(visitorToken, { sessionId, bytes: c.bytes, name: c.name, type: c.type });
      expect(result.errors?.[0], c.name).toMatchObject({ extensions: { code: 'VALIDATION', field: 'file' } });
      expect(result.errors![0]!.message, c.name).toMatch(c.message);
      expect(result.status, c.name).toBe(c.status ?? 200);
      expect(result.errors![0]!.extensions!.http, c.name).toBeUndefined();
      expect(await storedFiles(), `${c.name} left a file`).toEqual(before);
    }
    expect(await app.services.prisma.attachment.count({ where: { sessionId } })).toBe(0);
    expect(await app.services.prisma.message.count({ where: { sessionId } })).toBe(messagesBefore);
    // A file of exactly the limit is accepted.
    const atLimit = await upload(visitorToken, { sessionId, bytes: Buffer.alloc(MAX_BYTES, 'b'), name: 'big.txt' });
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data.sendAttachment.attachments[0].size).toBe(MAX_BYTES);
  });

  it('refuses images larger than a browser can show (ATTACHMENT_MAX_IMAGE_SIDE), whatever their header claims', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const before = await storedFiles();
    for (const [width, height] of [
      [2 ** 31, 2 ** 31],
      [2 ** 31 - 1, 2 ** 31 - 1],
      [2 ** 32 - 1, 1],
      [16_385, 10],
      [10, 16_385],
    ] as [number, number][]) {
      const refused = await upload(visitorToken, { sessionId, bytes: pngHeaderClaiming(width, height), name: 'huge.png' });
      expect(refused.status, `${width}×${height}`).toBe(200);
      expect(refused.errors?.[0], `${width}×${height}`).toMatchObject({
        message: `file: “huge.png” is ${width}×${height} pixels; images may be at most 16384 pixels wide and high`,
        extensions: { code: 'VALIDATION', field: 'file' },
      });
    }
    expect(await storedFiles()).toEqual(before);
    const largest = await upload(visitorToken, { sessionId, bytes: pngHeaderClaiming(16_384, 16_384), name: 'largest.png' });
    expect(largest.data.sendAttachment.attachments[0]).toMatchObject({ width: 16_384, height: 16_384, isImage: true });
  });

  it('enforces the limit while streaming even when the declared size lies, and removes the partial temp file', async () => {
    const before = await storedFiles();
    const chunk = new Uint8Array(1024 * 1024).fill(97);
    let sent = 0;
    const liar = {
      name: 'liar.txt',
      size: 10,
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += chunk.length;
            if (sent > 50 * 1024 * 1024) controller.close();
            else controller.enqueue(chunk);
          },
        }),
    };
    await expect(app.services.attachments.store(liar)).rejects.toMatchObject({
      message: 'file: is larger than the 10 MB limit',
      extensions: { code: 'VALIDATION', field: 'file' },
    });
    // Reading stopped one chunk past the limit instead of draining 50 MB.
    expect(sent).toBeLessThanOrEqual(MAX_BYTES + 2 * chunk.length);
    expect(await storedFiles()).toEqual(before);
    expect(await readdir(path.join(storage.dir, 'tmp'))).toEqual([]);
  });

  it('refuses a malformed caption or clientMessageId before storing anything', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const before = await storedFiles();
    const badId = await upload(visitorToken, { sessionId, bytes: pngBytes(2, 2), name: 'x.png', clientMessageId: 'has spaces' });
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'clientMessageId' });
    const longCaption = await upload(visitorToken, { sessionId, bytes: pngBytes(2, 2), name: 'x.png', caption: 'x'.repeat(4001) });
    expect(longCaption.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'caption' });
    expect(await storedFiles()).toEqual(before);
  });
});

describe('downloads', () => {
  it('serve only the chat’s readers: not the other visitor or a non-member; a listener with can-listen-in may', async () => {
    const { channel, agents, sessionId, visitorToken, outsider } = await activeChat();
    const sent = await upload(visitorToken, { sessionId, bytes: pdfBytes('secret'), name: 'contract.pdf' });
    const file = sent.data.sendAttachment.attachments[0];
    const bare = file.url.split('?')[0];
    const other = await startChat(app, channel.id, 'Another visitor');
    const admin = await app.agentWithToken({ role: 'ADMIN' });

    expect((await download(bare, visitorToken)).status).toBe(200);
    expect((await download(bare, agents.owner!.token)).status).toBe(200);
    expect((await download(bare, agents.listener!.token)).status).toBe(200);
    expect((await download(bare, admin.token)).status).toBe(200);

    const denied = await download(bare, other.visitorToken);
    expect(denied.status).toBe(404);
    expect(await denied.json()).toEqual({ errors: [{ message: `Attachment ${file.id} was not found.`, extensions: { code: 'NOT_FOUND' } }] });
    const member = await download(bare, agents.member!.token);
    expect(member.status).toBe(403);
    expect((await member.json()).errors[0].message).toMatch(/can-listen-in/);
    const stranger = await download(bare, outsider.token);
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).errors[0]).toEqual({ message: `Attachment ${file.id} was not found.`, extensions: { code: 'NOT_FOUND' } });

    const anonymous = await download(bare);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await download(bare, 'lcv_not-a-real-token')).status).toBe(401);
    expect((await download(`/attachments/${randomUUID()}/x.pdf`, visitorToken)).status).toBe(404);
    expect((await download('/attachments/not-a-uuid', visitorToken)).status).toBe(404);

    // A listener's signed URL is as good as their header: the URL is what <img> and links use.
    const asListener = await app.gql(MESSAGES, { id: sessionId }, agents.listener!.token);
    const listenerUrl = asListener.data.chatSession.messages.messages.find((m: any) => m.attachments.length).attachments[0].url;
    expect((await download(listenerUrl)).status).toBe(200);
  });

  it('checks the signature: a token for another file, a tampered or an expired token is refused', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const a = (await upload(visitorToken, { sessionId, bytes: pngBytes(2, 2), name: 'a.png' })).data.sendAttachment.attachments[0];
    const b = (await upload(visitorToken, { sessionId, bytes: pngBytes(3, 3), name: 'b.png' })).data.sendAttachment.attachments[0];
    const tokenOf = (url: string) => new URL(url, app.url).searchParams.get('token')!;

    const swapped = await download(`${b.url.split('?')[0]}?token=${tokenOf(a.url)}`);
    expect(swapped.status).toBe(401);
    expect((await swapped.json()).errors[0].message).toBe('This download link is not valid.');
    const [expires, signature] = tokenOf(a.url).split('.');
    expect((await download(`${a.url.split('?')[0]}?token=${Number(expires) + 3600}.${signature}`)).status).toBe(401);

    const expiredUrl = await app.services.attachments.signedUrl({ id: a.id, url: a.url.split('?')[0] }, Date.now() - 3 * 3600_000);
    const expired = await download(expiredUrl);
    expect(expired.status).toBe(401);
    expect((await expired.json()).errors[0].message).toMatch(/expired/);
    // With valid credentials too, an expired link still works: the header decides.
    expect((await download(expiredUrl, visitorToken)).status).toBe(200);
    // Links stay stable for a while, so browsers can cache the image.
    expect(await app.services.attachments.signedUrl({ id: a.id, url: '/x' })).toBe(await app.services.attachments.signedUrl({ id: a.id, url: '/x' }));
  });

  it('keeps links short-lived: by default one works at most 5 min plus 75 s of reuse after it was handed out', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const file = (await upload(visitorToken, { sessionId, bytes: pngBytes(2, 2), name: 'a.png' })).data.sendAttachment.attachments[0];
    const bare = { id: file.id, url: file.url.split('?')[0] };
    expect(app.config.attachments.urlTtlSeconds).toBe(300);
    const handedOutAgo = (seconds: number) => app.services.attachments.signedUrl(bare, Date.now() - seconds * 1000);
    expect((await download(await handedOutAgo(290))).status).toBe(200);
    const tooOld = await download(await handedOutAgo(300 + 75 + 1));
    expect(tooOld.status).toBe(401);
    expect((await tooOld.json()).errors[0]).toEqual({
      message: 'This download link has expired: load the message again for a fresh link.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    // A fresh link from the API works again.
    const again = await app.gql(MESSAGES, { id: sessionId }, visitorToken);
    const freshUrl = again.data.chatSession.messages.messages.find((m: any) => m.attachments.length).attachments[0].url;
    expect((await download(freshUrl)).status).toBe(200);
  });

  it('keeps the generated signing key in the storage folder, so a restarted server honours old links', async () => {
    const { sessionId, visitorToken } = await activeChat();
    const url = (await upload(visitorToken, { sessionId, bytes: pngBytes(2, 2), name: 'k.png' })).data.sendAttachment.attachments[0].url;
    const key = await readFile(path.join(storage.dir, '.url-signing-key'), 'utf8');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Another instance on the same folder (or this one after a restart) reads the same key and accepts the link.
    const deps = { prisma: app.services.prisma, chats: app.services.chats, rateLimiter: app.services.rateLimiter, limits: app.config.chat };
    const second = createAttachmentService({ ...deps, config: { ...app.config.attachments } });
    const id = new URL(url, app.url).pathname.split('/')[2]!;
    const token = new URL(url, app.url).searchParams.get('token')!;
    expect(await second.verifyToken(id, token)).toBe('valid');
    expect(
      await second.verifyToken(
        id,
        token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toBe('invalid');
    // ATTACHMENT_URL_SECRET, when set, is the key instead: links signed with the generated one no longer work.
    const configured = createAttachmentService({ ...deps, config: { ...app.config.attachments, urlSecret: 'from-the-environment' } });
    expect(await configured.verifyToken(id, token)).toBe('invalid');
    expect(await configured.verifyToken(id, new URL(await configured.signedUrl({ id, url: '/x' }), app.url).searchParams.get('token')!)).toBe('valid');
  });
});

describe('events', () => {
  it('text messages carry an empty attachment list in events', async () => {
    const { agents, sessionId, visitorToken } = await activeChat();
    const events = subscribe(app.ws(`Bearer ${agents.owner!.token}`), CHAT_EVENTS.replace('clientMessageId', 'clientMessageId attachments { id }'), {
      id: sessionId,
      after: 0,
    });
    await send(app, visitorToken, sessionId, 'just text');
    const got = await events.waitFor((d) => d.chatEvents.message?.body === 'just text');
    expect(got.chatEvents.message.attachments).toEqual([]);
    events.stop();
  });
});
