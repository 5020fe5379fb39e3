import { builder } from '../../graphql/builder';
import { configFromEnv } from '../../platform/config';
import type { Request } from '../../generated/prisma/client';
import { RequestPriority, RequestSource, RequestStatus } from '../../generated/prisma/enums';
import { OFFLINE_FORM_LIMITS, REQUEST_LIMITS, formatRequestNumber } from './requests.service';
import { canReadRequests, checkedPageSize } from '../../graphql/guards';

// Descriptions give the defaults; a deployment may set other limits.
const defaults = configFromEnv({}).chat;

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
  description:
    'Where a request came from: CHAT (created by an agent from a chat), OFFLINE_FORM (a visitor while the channel was offline), API (a script) or CONSOLE (an agent).',
});

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
    updatedAt: t.expose('updatedAt', { type: 'DateTime', authScopes: canReadRequests, description: 'When it last changed.' }),
    externalId: t.exposeString('externalId', {
      nullable: true,
      authScopes: canReadRequests,
      description: 'The idempotency key a script gave it (e.g. its row id in another system), if any.',
    }),
    chatLog: t.exposeString('chatLog', {
      nullable: true,
      authScopes: canReadRequests,
      description: 'For requests created from a chat: the whole chat log as text, one line per message with its UTC time and author.',
    }),
    sourceSessionId: t.exposeID('sourceSessionId', {
      nullable: true,
      authScopes: canReadRequests,
      description: 'The chat it was created from (a chat, or the offline form’s session), if any.',
    }),
    contact: t.relation('contact', {
      nullable: true,
      authScopes: canReadRequests,
      description: 'The CRM contact it is about. Also needs an agent or CONTACTS_READ.',
    }),
    company: t.relation('company', {
      nullable: true,
      authScopes: canReadRequests,
      description: 'The CRM company it is about. Also needs an agent or CONTACTS_READ.',
    }),
    createdByAgent: t.relation('createdByAgent', {
      nullable: true,
      authScopes: canReadRequests,
      description: 'The agent who created it, for CHAT and CONSOLE requests.',
    }),
  }),
});

/** Agents, and API tokens with REQUESTS_WRITE. */
const canWriteRequests = { $any: { agent: true, apiScope: 'REQUESTS_WRITE' } } as const;

const requestFields = {
  title: `One-line summary, 1–${REQUEST_LIMITS.title} characters.`,
  description: `The full text, up to ${REQUEST_LIMITS.description} characters.`,
  category: `Free-text category, up to ${REQUEST_LIMITS.category} characters.`,
} as const;

const CreateRequestInput = builder.inputType('CreateRequestInput', {
  description: 'A new request from an agent (source CONSOLE) or a script (source API).',
  fields: (t) => ({
    title: t.string({ required: true, description: requestFields.title }),
    description: t.string({ description: requestFields.description }),
    priority: t.field({ type: RequestPriorityEnum, description: 'Default NORMAL.' }),
    category: t.string({ description: requestFields.category }),
    externalId: t.string({
      description: `Idempotency key, up to ${REQUEST_LIMITS.externalId} characters (e.g. the row id in the system you import from): a second create with the same externalId returns the first request (created: false) and creates nothing.`,
    }),
    requesterName: t.string({ description: `Name of the person asking, up to ${REQUEST_LIMITS.requesterName} characters.` }),
    requesterEmail: t.string({ description: 'Email of the person asking; its syntax is checked.' }),
    requesterPhone: t.string({ description: `Phone of the person asking, up to ${REQUEST_LIMITS.requesterPhone} characters.` }),
    contactId: t.id({ description: 'The CRM contact it is about.' }),
    companyId: t.id({ description: 'The CRM company it is about.' }),
  }),
});

const UpdateRequestInput = builder.inputType('UpdateRequestInput', {
  description: 'Changes to a request: omitted fields stay; null clears category, contact or company.',
  fields: (t) => ({
    title: t.string({ description: requestFields.title }),
    description: t.string({ description: requestFields.description }),
    status: t.field({ type: RequestStatusEnum, description: 'The new status.' }),
    priority: t.field({ type: RequestPriorityEnum, description: 'The new priority.' }),
    category: t.string({ description: requestFields.category }),
    contactId: t.id({ description: 'The CRM contact it is about; null unlinks.' }),
    companyId: t.id({ description: 'The CRM company it is about; null unlinks.' }),
  }),
});

const CreateRequestFromChatInput = builder.inputType('CreateRequestFromChatInput', {
  description: 'The create-request dialog of a chat. The requester is the visitor and the whole chat log is attached.',
  fields: (t) => ({
    title: t.string({ description: `${requestFields.title} Default: the first line of the visitor’s first message.` }),
    description: t.string({ description: requestFields.description }),
    priority: t.field({ type: RequestPriorityEnum, description: 'Default NORMAL.' }),
    category: t.string({ description: requestFields.category }),
    contactId: t.id({ description: 'The CRM contact; default the chat’s linked contact, null for none.' }),
    companyId: t.id({ description: 'The CRM company; default the chat’s linked company, null for none.' }),
  }),
});

const CreateRequestPayload = builder.objectRef<{ request: Request; created: boolean }>('CreateRequestPayload').implement({
  description: 'The result of createRequest.',
  fields: (t) => ({
    created: t.exposeBoolean('created', {
      description: 'False when a request with the same externalId already existed: it is returned and nothing was created.',
    }),
    requestId: t.id({ description: 'The request’s id. Readable without REQUESTS_READ.', resolve: (p) => p.request.id }),
    requestNumber: t.string({
      description: 'The request’s number as people say it, e.g. "R-42". Readable without REQUESTS_READ.',
      resolve: (p) => formatRequestNumber(p.request.number),
    }),
    request: t.expose('request', {
      type: RequestType,
      nullable: true,
      description:
        'The request. Its fields need an agent or REQUESTS_READ (without it, this is null with a FORBIDDEN error, and the rest of the payload still arrives).',
    }),
  }),
});

const RequestFromChatPayload = builder.objectRef<{ request: Request; readyMessage: string }>('RequestFromChatPayload').implement({
  description: 'A request created from a chat.',
  fields: (t) => ({
    request: t.expose('request', { type: RequestType, description: 'The new request, with the chat log attached.' }),
    readyMessage: t.exposeString('readyMessage', {
      description: 'A message for the console to place in the agent’s input, e.g. "Your request number is R-42.": the agent sends it to the visitor.',
    }),
  }),
});

const RequestFilter = builder.inputType('RequestFilter', {
  description: 'Narrows `requests`. All given conditions must hold.',
  fields: (t) => ({
    status: t.field({ type: [RequestStatusEnum], description: 'Any of these statuses.' }),
    priority: t.field({ type: [RequestPriorityEnum], description: 'Any of these priorities.' }),
    source: t.field({ type: [RequestSourceEnum], description: 'Any of these sources.' }),
    contactId: t.id({ description: 'About this contact.' }),
    companyId: t.id({ description: 'About this company.' }),
    search: t.string({ description: 'A number ("R-42" or "42"), or words that must each appear in the title; at most 200 characters.' }),
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
    emailSignature: t.string({
      description:
        'Signed identity of the email, as in `StartChatInput.emailSignature`; an unsigned claim to a verified email fails with IDENTITY_NOT_VERIFIED.',
    }),
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
    resolve: async (query, _root, { id }, ctx) =>
      ctx.prisma.request.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.requests.findRequest(id)).id } }),
  }),
}));

builder.queryField('requests', (t) =>
  t.prismaConnection(
    {
      type: 'Request',
      cursor: 'id',
      maxSize: checkedPageSize,
      description: 'Requests, newest (highest number) first, as a Relay connection. Agents, and API tokens with REQUESTS_READ.',
      authScopes: canReadRequests,
      args: { filter: t.arg({ type: RequestFilter, description: 'Conditions; omit for all.' }) },
      resolve: (query, _root, { filter }, ctx) => ctx.prisma.request.findMany({ ...query, ...ctx.services.requests.requestListArgs(filter) }),
    },
    { name: 'RequestConnection', description: 'A page of requests.' },
    { name: 'RequestEdge', description: 'A request in a page.' },
  ),
);

builder.mutationFields((t) => ({
  createRequest: t.field({
    type: CreateRequestPayload,
    description:
      'Creates a request with the next number: for agents (source CONSOLE) and for scripts with an API token holding REQUESTS_WRITE (source API). Idempotent on `externalId`: a repeat returns the existing request with created: false.',
    authScopes: canWriteRequests,
    args: { input: t.arg({ type: CreateRequestInput, required: true, description: 'The request.' }) },
    resolve: (_root, { input }, ctx) => ctx.services.requests.createRequestAs(ctx.principal!, input),
  }),
  updateRequest: t.prismaField({
    type: 'Request',
    description: 'Changes a request (status, priority, texts, contact, company). Agents, and API tokens with REQUESTS_WRITE.',
    authScopes: canWriteRequests,
    args: {
      id: t.arg.id({ required: true, description: 'The request.' }),
      input: t.arg({ type: UpdateRequestInput, required: true, description: 'The changes.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) =>
      ctx.prisma.request.findUniqueOrThrow({ ...query, where: { id: (await ctx.services.requests.updateRequest(id, input)).id } }),
  }),
  createRequestFromChat: t.field({
    type: RequestFromChatPayload,
    description:
      'Creates a request from a chat (source CHAT): the visitor is the requester, the chat’s contact and company are linked, and the whole chat log is attached. A REQUEST_CREATED system message visible to agents only goes into the chat; `readyMessage` is for the agent to send the visitor. Agents who can read the chat.',
    authScopes: { agent: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      input: t.arg({ type: CreateRequestFromChatInput, description: 'The dialog’s fields; omit to take every default.' }),
    },
    resolve: (_root, { sessionId, input }, ctx) => ctx.services.requests.createRequestFromChat(ctx.principal, sessionId, { ...input }),
  }),
  submitOfflineForm: t.field({
    type: OfflineFormPayload,
    description: `Sends the offline form of a channel: records a missed chat and, when the channel is set to, creates a request whose number the visitor is shown. Needs no credentials; with a visitor token that visitor is reused. A field the channel requires but the form lacks gives VALIDATION naming it; an archived channel gives CHANNEL_OFFLINE (reason ARCHIVED). Limited per client address, by default to ${defaults.offlineFormPerIp.limit} per ${defaults.offlineFormPerIp.windowSeconds / 60} minutes (OFFLINE_FORM_LIMIT_PER_IP), then RATE_LIMITED with \`retryAfter\`.`,
    args: { input: t.arg({ type: OfflineFormInputType, required: true, description: 'The form as the visitor filled it in.' }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await ctx.services.requests.submitOfflineForm(
        { ip: ctx.ip, userAgent: ctx.userAgent, visitor: ctx.principal?.kind === 'visitor' ? ctx.principal.visitor : null },
        input,
      );
      return { requestNumber: result.requestNumber, request: result.request, visitorToken: result.visitorToken };
    },
  }),
}));
