import { GraphQLError } from 'graphql';
import { builder } from '../../graphql/builder';
import type { AttachmentDto, MessageDto } from './chat-dto';
import { isImageType } from '../../platform/file-types';
import { MessageRef } from './chats.graphql';

builder.scalarType('File', {
  description:
    'A file uploaded in a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec): send `operations`, `map` and the file as form-data parts. Input only.',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar.');
  },
  parseValue: (value) => {
    const file = value as File | null;
    if (file && typeof file === 'object' && typeof file.name === 'string' && typeof file.stream === 'function') return file;
    throw new GraphQLError('File must be a file part of a multipart request (see the GraphQL multipart request spec).');
  },
});

export const AttachmentRef = builder.objectRef<AttachmentDto>('Attachment').implement({
  description: 'A file sent in a chat. Its type is sniffed from the content on upload; images carry their size for an inline preview.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    fileName: t.exposeString('fileName', { description: 'The name it was uploaded with (path and control characters removed).' }),
    contentType: t.exposeString('contentType', { description: 'The media type sniffed from the bytes, e.g. image/png or application/pdf.' }),
    size: t.exposeInt('size', { description: 'Size in bytes.' }),
    width: t.exposeInt('width', { nullable: true, description: 'For images: width in pixels as displayed (EXIF rotation applied).' }),
    height: t.exposeInt('height', { nullable: true, description: 'For images: height in pixels as displayed.' }),
    isImage: t.boolean({
      description: 'True for PNG, JPEG, GIF and WebP: show it inline (scale it down with width/height); the download serves it inline too.',
      resolve: (a) => isImageType(a.contentType),
    }),
    url: t.string({
      description:
        'Download path relative to the API origin, with a signed token valid for about an hour (ATTACHMENT_URL_TTL_SECONDS), so it works in `<img src>` and links. Add `&download=1` to save an image instead of showing it. Without the token, the path takes `Authorization: Bearer`.',
      resolve: (a, _args, ctx) => ctx.services.attachments.signedUrl(a),
    }),
  }),
});

builder.objectField(MessageRef, 'attachments', (t) =>
  t.loadableList({
    type: AttachmentRef,
    description: 'Files sent with the message (empty for text messages).',
    // One loader call per tick: the messages of a page are answered by one query. No cache, as
    // before: a subscription's context lives for the whole subscription.
    loaderOptions: { cache: false },
    load: (messages: MessageDto[], ctx) => ctx.services.attachments.attachmentsOf(messages),
    resolve: (message) => message,
  }),
);

builder.mutationField('sendAttachment', (t) =>
  t.field({
    type: MessageRef,
    description: [
      'Sends a file into a chat as a message (with an optional caption), through a GraphQL multipart request; subscribers receive it in `chatEvents`.',
      'The visitor (own chat, queued or active) and the agent handling it may send; idempotent on clientMessageId.',
      'Limits, checked on the server: at most ATTACHMENT_MAX_BYTES (10 MB by default); PNG, JPEG, GIF, WebP, PDF, text (.txt, .csv, .log, .md), .docx, .xlsx and .pptx,',
      'recognised from the content, and the extension must match it (a PDF named photo.png is refused). Refusals are VALIDATION errors with field `file`.',
    ].join(' '),
    authScopes: { $any: { agent: true, visitor: true } },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      file: t.arg({ type: 'File', required: true, description: 'The file: a multipart part mapped to `variables.file`.' }),
      clientMessageId: t.arg.string({ required: true, description: 'A unique id chosen by the sender; a retry with the same id returns the first message.' }),
      caption: t.arg.string({ description: 'Optional text sent with the file, up to 4000 characters.' }),
    },
    resolve: (_root, { sessionId, file, clientMessageId, caption }, ctx) =>
      ctx.services.attachments.send(ctx.principal, ctx.ip, { sessionId: sessionId, file, clientMessageId, caption }),
  }),
);
