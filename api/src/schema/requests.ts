import { builder } from '../builder';
import type { Request } from '../generated/prisma/client';
import { RequestPriority, RequestSource, RequestStatus } from '../generated/prisma/enums';
import { notFound } from '../errors';
import { isUuid } from '../services/chat-access';
import { OFFLINE_FORM_LIMITS, OFFLINE_FORM_RATE_LIMIT, formatRequestNumber, submitOfflineForm } from '../services/requests';

const RequestStatusEnum = builder.enumType(RequestStatus, {
  name: 'RequestStatus',
  description: 'Where a request stands: OPEN (new), IN_PROGRESS (being worked on), WAITING (on the requester or a third party), CLOSED (done).',
});

const RequestPriorityEnum = builder.enumType(RequestPriority, {
  name: 'RequestPriority',
  description: 'How urgent a request is: LOW, NORMAL (the default), HIGH or URGENT.',
});

const RequestSourceEnum = builder.enumType(RequestSource, {
  name: 'RequestSource',
  description: 'Where a request came from: CHAT (created by an agent from a chat), OFFLINE_FORM (a visitor while the channel was offline), API (a script) or CONSOLE (an agent).',
});

/** Agents, and API tokens with REQUESTS_READ. */
const canReadRequests = { $any: { agent: true, apiScope: 'REQUESTS_READ' } } as const;

const RequestType = builder.prismaObject('Request', {
  description: 'A support ticket with a human-friendly number (R-42). Readable by agents and by API tokens with REQUESTS_READ.',
  fields: (t) => ({
    id: t.exposeID('id', { authScopes: canReadRequests, description: 'Stable identifier.' }),
    number: t.exposeInt('number', { authScopes: canReadRequests, description: 'Gap-free sequence number per deployment: 42 for R-42.' }),
    displayNumber: t.string({
      authScopes: canReadRequests,
      description: 'The number as people see and say it, e.g. "R-42".',
      resolve: (request) => formatRequestNumber(request.number),
    }),
    title: t.exposeString('title', { authScopes: canReadRequests, description: 'One-line summary.' }),
    description: t.exposeString('description', { authScopes: canReadRequests, description: 'The full text; empty when none was given.' }),
    status: t.expose('status', { type: RequestStatusEnum, authScopes: canReadRequests, description: 'Where the request stands.' }),
    priority: t.expose('priority', { type: RequestPriorityEnum, authScopes: canReadRequests, description: 'How urgent it is.' }),
    category: t.exposeString('category', { nullable: true, authScopes: canReadRequests, description: 'Free-text category, if any.' }),
    source: t.expose('source', { type: RequestSourceEnum, authScopes: canReadRequests, description: 'Where it came from.' }),
    requesterName: t.exposeString('requesterName', { nullable: true, authScopes: canReadRequests, description: 'Name of the person asking, if given.' }),
    requesterEmail: t.exposeString('requesterEmail', { nullable: true, authScopes: canReadRequests, description: 'Email of the person asking, if given.' }),
    requesterPhone: t.exposeString('requesterPhone', { nullable: true, authScopes: canReadRequests, description: 'Phone of the person asking, if given.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', authScopes: canReadRequests, description: 'When it was created.' }),
  }),
});

const OfflineFormInputType = builder.inputType('OfflineFormInput', {
  description: 'What a visitor leaves in the offline form. Which contact fields are required is set per channel.',
  fields: (t) => ({
    channelId: t.id({ required: true, description: 'The channel whose offline form this is.' }),
    name: t.string({ description: `The visitor’s name, at most ${OFFLINE_FORM_LIMITS.name} characters.` }),
    email: t.string({ description: 'The visitor’s email address; its syntax is checked.' }),
    phone: t.string({ description: `The visitor’s phone number, at most ${OFFLINE_FORM_LIMITS.phone} characters.` }),
    company: t.string({ description: `The visitor’s company, at most ${OFFLINE_FORM_LIMITS.company} characters.` }),
    country: t.string({ description: `The visitor’s country, at most ${OFFLINE_FORM_LIMITS.country} characters.` }),
    message: t.string({ required: true, description: `The message, 1–${OFFLINE_FORM_LIMITS.message} characters. Its first line becomes the request title.` }),
  }),
});

const OfflineFormPayload = builder
  .objectRef<{ requestNumber: string | null; request: Request | null; visitorToken: string | null }>('OfflineFormPayload')
  .implement({
    description: 'The result of sending the offline form.',
    fields: (t) => ({
      requestNumber: t.exposeString('requestNumber', {
        nullable: true,
        description: 'The number of the request created, e.g. "R-42", to show the visitor; null when the channel does not create requests.',
      }),
      request: t.expose('request', {
        type: RequestType,
        nullable: true,
        description: 'The request created; null when the channel does not create requests. Its fields need an agent or REQUESTS_READ.',
      }),
      visitorToken: t.exposeString('visitorToken', {
        nullable: true,
        description: 'A visitor token for the visitor created for this submission, for the widget to keep; null when your own visitor token was used.',
      }),
    }),
  });

builder.queryFields((t) => ({
  request: t.prismaField({
    type: 'Request',
    description: 'One request by id. Agents, and API tokens with REQUESTS_READ.',
    authScopes: canReadRequests,
    args: { id: t.arg.id({ required: true, description: 'The request id.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const request = isUuid(String(id)) ? await ctx.prisma.request.findUnique({ ...query, where: { id: String(id) } }) : null;
      if (!request) throw notFound('Request', String(id));
      return request;
    },
  }),
}));

builder.mutationFields((t) => ({
  submitOfflineForm: t.field({
    type: OfflineFormPayload,
    description: `Sends the offline form of a channel: records a missed chat and, when the channel is set to, creates a request whose number the visitor is shown. Needs no credentials; with a visitor token that visitor is reused. A field the channel requires but the form lacks gives VALIDATION naming it. Limited to ${OFFLINE_FORM_RATE_LIMIT.perIp} per ${OFFLINE_FORM_RATE_LIMIT.windowSeconds / 60} minutes per client address (RATE_LIMITED with \`retryAfter\`).`,
    args: { input: t.arg({ type: OfflineFormInputType, required: true, description: 'The form as the visitor filled it in.' }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await submitOfflineForm(
        {
          prisma: ctx.prisma,
          rateLimiter: ctx.services.rateLimiter,
          createVisitor: ctx.services.auth.createVisitor,
          storeVisitorMessage: (tx, session, body) => ctx.services.chats.appendMessage(tx, session, { authorKind: 'VISITOR', body, clientMessageId: null }),
        },
        { ip: ctx.ip, userAgent: ctx.userAgent, visitor: ctx.principal?.kind === 'visitor' ? ctx.principal.visitor : null },
        { ...input, channelId: String(input.channelId) },
      );
      return { requestNumber: result.requestNumber, request: result.request, visitorToken: result.visitorToken };
    },
  }),
}));
