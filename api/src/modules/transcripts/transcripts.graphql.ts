import { builder } from '../../graphql/builder';
import type { TranscriptReceipt } from './transcripts.service';

const TranscriptReceiptRef = builder.objectRef<TranscriptReceipt>('TranscriptReceipt').implement({
  description: 'A transcript handed to the mail server.',
  fields: (t) => ({
    sentTo: t.exposeString('sentTo', { description: 'The address it was sent to (normalised).' }),
    messageCount: t.exposeInt('messageCount', { description: 'How many messages it contains.' }),
  }),
});

builder.mutationField('sendTranscript', (t) =>
  t.field({
    type: TranscriptReceiptRef,
    description: [
      'Emails the chat log, as the visitor sees it, to an address: the visitor (own chat) or an agent who can read the chat.',
      'Uses the reply template named "Chat transcript" as the introduction when one exists.',
      'Fails with NOT_CONFIGURED when the server has no SMTP_URL, DELIVERY_FAILED when the mail server refuses, and RATE_LIMITED after 3 per chat per hour.',
    ].join(' '),
    authScopes: { $any: { agent: true, visitor: true } },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      email: t.arg.string({ required: true, description: 'Where to send it.' }),
      timeZone: t.arg.string({ description: 'IANA time zone for the message times, e.g. Europe/Oslo (the widget sends the visitor’s); default UTC.' }),
    },
    resolve: (_root, { sessionId, email, timeZone }, ctx) => ctx.services.transcripts.send(ctx.principal, ctx.ip, { sessionId: sessionId, email, timeZone }),
  }),
);
