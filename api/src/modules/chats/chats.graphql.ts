import { builder } from '../../graphql/builder';
import type { Context } from '../../graphql/context';
import { agentOf } from '../../graphql/context';
import { EndedBy, MessageAuthor, SessionStatus, SystemMessageType } from '../../generated/prisma/enums';
import { checkedPageSize } from '../../graphql/guards';
import type { ChatEventDto, ChatEventKind, MessageDto, ParticipantDto } from './chat-dto';
import { filterAsync } from '../../platform/async-iterators';
import type { VisitorInChannel } from './visitor-identity';
import { chatRating, chatRatingComment } from './chats.service';
import { AgentEventRef } from '../agents/agents.graphql';
import type { AgentChatRow } from '../agents/agent-chat-state';

export const SessionStatusEnum = builder.enumType(SessionStatus, {
  name: 'SessionStatus',
  description:
    'Where a chat is in its lifecycle: PRECHAT (form shown) → QUEUED (waiting) → ACTIVE (an agent has it) → ENDED; OFFLINE (offline form sent) and CLOSED (archived).',
});

const EndedByEnum = builder.enumType(EndedBy, {
  name: 'EndedBy',
  description: 'Who or what ended a chat: the AGENT, the VISITOR, or IDLE timeout.',
});

const MessageAuthorEnum = builder.enumType(MessageAuthor, {
  name: 'MessageAuthor',
  description: 'Who wrote a message: the VISITOR, an AGENT, or the SYSTEM (welcome, transfers, closing notes).',
});

const SystemMessageTypeEnum = builder.enumType(SystemMessageType, {
  name: 'SystemMessageType',
  description: 'What a SYSTEM message announces.',
});

const CHAT_EVENT_TYPES: readonly ChatEventKind[] = [
  'MESSAGE',
  'TYPING',
  'READ',
  'STATUS_CHANGED',
  'AGENT_JOINED',
  'TRANSFER_OFFERED',
  'TRANSFER_ACCEPTED',
  'TRANSFER_REJECTED',
  'TRANSFER_CANCELLED',
  'RATED',
  'CONTACT_LINKED',
  'VISITOR_UPDATED',
];
const ChatEventTypeEnum = builder.enumType('ChatEventType', {
  description:
    'What happened in a chat. TYPING is live only: it has no cursor and is never replayed. VISITOR_UPDATED (agents only): the visitor’s details or whether their email is verified changed; read the session’s `visitor` again.',
  values: CHAT_EVENT_TYPES,
});

const ChatSideEnum = builder.enumType('ChatSide', {
  description: 'One side of a conversation.',
  values: ['VISITOR', 'AGENT'] as const,
});

export const ChatParticipantRef = builder.objectRef<ParticipantDto>('ChatParticipant').implement({
  description: 'An agent as shown in a conversation.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The agent id.' }),
    displayName: t.exposeString('displayName', { description: 'Nickname when set, otherwise the name.' }),
    photoUrl: t.exposeString('photoUrl', { nullable: true, description: 'Photo URL, when the channel shows agent photos.' }),
  }),
});

export const MessageRef = builder.objectRef<MessageDto>('Message').implement({
  description: 'A message in a chat.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    sessionId: t.exposeID('sessionId', { description: 'The chat it belongs to.' }),
    cursor: t.exposeInt('cursor', { description: 'Its place in the chat’s event log; pass to `markRead` and `chatEvents(after:)`.' }),
    authorKind: t.expose('authorKind', { type: MessageAuthorEnum, description: 'VISITOR, AGENT or SYSTEM.' }),
    systemType: t.expose('systemType', { type: SystemMessageTypeEnum, nullable: true, description: 'For SYSTEM messages, what they announce.' }),
    body: t.exposeString('body', { description: 'The text, 1–4000 characters, control characters removed; empty for a file sent without a caption.' }),
    clientMessageId: t.exposeString('clientMessageId', { nullable: true, description: 'The sender’s idempotency key.' }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was stored.', resolve: (m) => m.createdAt }),
    author: t.field({
      type: ChatParticipantRef,
      nullable: true,
      description: 'The agent who wrote it (or who joined, for WELCOME).',
      resolve: (m) => m.author,
    }),
  }),
});

const TypingRef = builder.objectRef<NonNullable<ChatEventDto['typing']>>('TypingIndicator').implement({
  description: 'Someone started or stopped typing.',
  fields: (t) => ({
    by: t.field({ type: ChatSideEnum, description: 'Which side is typing.', resolve: (x) => x.by }),
    isTyping: t.exposeBoolean('isTyping', { description: 'True while typing.' }),
  }),
});

const ReadReceiptRef = builder.objectRef<NonNullable<ChatEventDto['read']>>('ReadReceipt').implement({
  description: 'One side has read everything up to a cursor.',
  fields: (t) => ({
    by: t.field({ type: ChatSideEnum, description: 'Which side read.', resolve: (x) => x.by }),
    upToCursor: t.exposeInt('upToCursor', { description: 'Everything at or before this cursor is read.' }),
  }),
});

export const TransferSummaryRef = builder.objectRef<NonNullable<ChatEventDto['transfer']>>('TransferSummary').implement({
  description: 'A transfer as carried by chat events.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The transfer id.' }),
    status: t.exposeString('status', { description: 'PENDING, ACCEPTED, REJECTED or CANCELLED.' }),
    fromAgent: t.field({ type: ChatParticipantRef, description: 'Who offered the chat.', resolve: (x) => x.fromAgent }),
    toAgent: t.field({ type: ChatParticipantRef, description: 'To whom.', resolve: (x) => x.toAgent }),
  }),
});

const RatingRef = builder.objectRef<NonNullable<ChatEventDto['rating']>>('ChatRating').implement({
  description: 'The visitor’s rating of a chat.',
  fields: (t) => ({
    rating: t.exposeInt('rating', { description: '1 (poor) to 5 (excellent).' }),
    comment: t.exposeString('comment', { nullable: true, description: 'Optional comment.' }),
  }),
});

const ChatEventRef = builder.objectRef<ChatEventDto>('ChatEvent').implement({
  description: 'Something that happened in a chat. Stored events have a cursor and are replayed in order on resume.',
  fields: (t) => ({
    cursor: t.exposeInt('cursor', { nullable: true, description: 'The event’s place in the chat’s log; null for live-only TYPING.' }),
    sessionId: t.exposeID('sessionId', { description: 'The chat.' }),
    type: t.field({ type: ChatEventTypeEnum, description: 'What happened.', resolve: (e) => e.type }),
    createdAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.createdAt }),
    message: t.field({ type: MessageRef, nullable: true, description: 'For MESSAGE.', resolve: (e) => e.message ?? null }),
    status: t.field({ type: SessionStatusEnum, nullable: true, description: 'For STATUS_CHANGED: the new status.', resolve: (e) => e.status ?? null }),
    endedBy: t.field({ type: EndedByEnum, nullable: true, description: 'For STATUS_CHANGED to ENDED.', resolve: (e) => e.endedBy ?? null }),
    agent: t.field({ type: ChatParticipantRef, nullable: true, description: 'For AGENT_JOINED and agent TYPING: the agent.', resolve: (e) => e.agent ?? null }),
    typing: t.field({ type: TypingRef, nullable: true, description: 'For TYPING.', resolve: (e) => e.typing ?? null }),
    read: t.field({ type: ReadReceiptRef, nullable: true, description: 'For READ.', resolve: (e) => e.read ?? null }),
    transfer: t.field({ type: TransferSummaryRef, nullable: true, description: 'For TRANSFER_* events (agents only).', resolve: (e) => e.transfer ?? null }),
    rating: t.field({ type: RatingRef, nullable: true, description: 'For RATED.', resolve: (e) => e.rating ?? null }),
    contactId: t.id({
      nullable: true,
      description: 'For CONTACT_LINKED (agents only): the contact now linked; null when unlinked.',
      resolve: (e) => e.contactId ?? null,
    }),
  }),
});

const MessagePageRef = builder.objectRef<{ messages: MessageDto[]; hasMore: boolean }>('MessagePage').implement({
  description: 'A page of a chat’s messages, oldest first.',
  fields: (t) => ({
    messages: t.field({ type: [MessageRef], description: 'The messages, in cursor order.', resolve: (p) => p.messages }),
    hasMore: t.exposeBoolean('hasMore', { description: 'True when older messages exist before the first one.' }),
  }),
});

export const VisitorRef = builder.prismaObject('Visitor', {
  description: 'A website visitor, as they described themselves in the forms.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { nullable: true, description: 'Name from the forms.' }),
    email: t.exposeString('email', { nullable: true, description: 'Email from the forms.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone from the forms.' }),
    company: t.exposeString('company', { nullable: true, description: 'Company from the forms.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country from the forms.' }),
    emailVerified: t.boolean({
      description:
        'True when the email is verified in the channel this visitor is read through (`ChatSession.visitor`: the chat’s channel; `identifyVisitor`: its channel): the website signed it with that channel’s current secret. Verification is per channel; false when there is no such channel.',
      resolve: (visitor, _args, ctx) => {
        const channelId = (visitor as Partial<VisitorInChannel>).viewedInChannelId;
        return channelId ? ctx.services.chatReads.isEmailVerified(channelId, visitor) : false;
      },
    }),
  }),
});

const readerIsVisitor = (ctx: Context) => ctx.principal?.kind === 'visitor';

builder.prismaObject('ChatSession', {
  description: 'One conversation between a visitor and the agents of a channel.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    status: t.expose('status', { type: SessionStatusEnum, description: 'Lifecycle status.' }),
    missed: t.exposeBoolean('missed', { description: 'True when it ended while still queued or went to the offline form.' }),
    endedBy: t.expose('endedBy', { type: EndedByEnum, nullable: true, description: 'Who ended it, once ended.' }),
    channel: t.relation('channel', { description: 'The channel it came in on.' }),
    visitor: t.field({
      type: VisitorRef,
      description: 'The visitor, as seen from the chat’s channel (`emailVerified` is about this channel).',
      select: { channelId: true, visitor: true },
      resolve: (s): VisitorInChannel => ({ ...s.visitor, viewedInChannelId: s.channelId }),
    }),
    agent: t.field({
      type: ChatParticipantRef,
      nullable: true,
      description: 'The agent handling it now, as shown in the conversation.',
      select: { agent: true, channel: { select: { showAgentPhoto: true } } },
      resolve: (s) =>
        s.agent ? { id: s.agent.id, displayName: s.agent.nickname || s.agent.name, photoUrl: s.channel.showAgentPhoto ? s.agent.photoUrl : null } : null,
    }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime', description: 'When the visitor asked to chat.' }),
    queuedAt: t.expose('queuedAt', { type: 'DateTime', nullable: true, description: 'When it (last) joined the queue.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When an agent took it.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'When it ended.' }),
    lastActivityAt: t.expose('lastActivityAt', { type: 'DateTime', description: 'The latest event.' }),
    initialQueuePosition: t.exposeInt('initialQueuePosition', { nullable: true, description: 'Its position when it joined the queue.' }),
    rating: t.exposeInt('rating', { nullable: true, description: 'The visitor’s rating, 1–5.' }),
    ratingComment: t.exposeString('ratingComment', { nullable: true, description: 'The visitor’s comment with the rating.' }),
    lastMessageAuthor: t.expose('lastMessageAuthor', {
      type: MessageAuthorEnum,
      nullable: true,
      description: 'Who wrote last: the coloured dot in the chat list.',
    }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime', nullable: true, description: 'When the last visitor or agent message was written.' }),
    lastEventSeq: t.exposeInt('lastEventSeq', { description: 'Cursor of the newest event; pass it to `chatEvents(after:)` to continue with no gap.' }),
    visitorReadCursor: t.exposeInt('visitorReadSeq', { description: 'The visitor has read everything up to this cursor.' }),
    agentReadCursor: t.exposeInt('agentReadSeq', { description: 'The handling agent has read everything up to this cursor.' }),
    unreadCount: t.int({
      description: 'Messages the caller’s side has not read: visitor messages for agents, agent and system messages for the visitor.',
      resolve: (s, _args, ctx) => ctx.services.chatReads.unreadCount(s, readerIsVisitor(ctx)),
    }),
    messages: t.field({
      type: MessagePageRef,
      description: 'Messages, newest page first: pass `beforeCursor` (the first cursor you have) to page backwards.',
      args: {
        beforeCursor: t.arg.int({ description: 'Only messages before this cursor.' }),
        last: t.arg.int({ defaultValue: 50, description: 'How many, 1–200.' }),
      },
      resolve: (s, { beforeCursor, last }, ctx) => ctx.services.chatReads.messagePage(s, { beforeCursor, last, readerIsVisitor: readerIsVisitor(ctx) }),
    }),
  }),
});

const StartChatInput = builder.inputType('StartChatInput', {
  description: 'A visitor’s request to chat: the pre-chat form and the first message.',
  fields: (t) => ({
    channelId: t.id({ required: true, description: 'The channel, as in the embed’s `data-channel`.' }),
    name: t.string({ description: 'Up to 100 characters; required when the channel asks for it.' }),
    email: t.string({ description: 'A valid email; required when the channel asks for it.' }),
    phone: t.string({ description: 'Up to 50 characters.' }),
    company: t.string({ description: 'Up to 100 characters.' }),
    country: t.string({ description: 'Up to 100 characters.' }),
    message: t.string({ required: true, description: 'The visitor’s question, 1–4000 characters.' }),
    emailSignature: t.string({
      description:
        'Signed identity: hex HMAC-SHA256 of the lower-cased email with the channel’s identity secret, computed by the website’s server. Marks the email verified in this channel; a wrong one fails with IDENTITY_NOT_VERIFIED. Ignored, not even checked, when the channel does not verify identities.',
    }),
  }),
});

const StartChatPayload = builder.objectRef<{ session: { id: string }; visitorToken: string }>('StartChatPayload').implement({
  description: 'A new chat in the queue.',
  fields: (t) => ({
    session: t.prismaField({
      type: 'ChatSession',
      description: 'The new chat session.',
      resolve: (query, p, _args, ctx) => ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: p.session.id } }),
    }),
    visitorToken: t.exposeString('visitorToken', {
      description: 'The visitor’s bearer token: keep it (the widget stores it in localStorage) to resume this and later chats.',
    }),
  }),
});

const SendMessageInput = builder.inputType('SendMessageInput', {
  description: 'A message from the visitor or the handling agent.',
  fields: (t) => ({
    sessionId: t.id({ required: true, description: 'The chat.' }),
    body: t.string({ required: true, description: '1–4000 characters after trimming; control characters are removed.' }),
    clientMessageId: t.string({
      required: true,
      description: 'A unique id chosen by the sender (e.g. a UUID). Retrying with the same id returns the first message and stores nothing new.',
    }),
  }),
});

builder.queryFields((t) => ({
  chatSession: t.prismaField({
    type: 'ChatSession',
    description:
      'One chat session. Visitors read only their own; agents those in their channels (an active chat of another agent needs can-listen-in); API tokens need CHATS_READ.',
    authScopes: { $any: { agent: true, visitor: true, apiScope: 'CHATS_READ' } },
    args: { id: t.arg.id({ required: true, description: 'The session id.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const session = await ctx.services.chatReads.findReadable(ctx.principal, id);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
  myChats: t.prismaField({
    type: ['ChatSession'],
    description: 'The chats I am handling, those offered to me by a pending transfer, and my chats that ended in the last 8 hours; newest activity first.',
    authScopes: { agent: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.chatSession.findMany({ ...query, ...ctx.services.chatReads.myChatsQuery(agentOf(ctx)!) }),
  }),
}));

builder.mutationFields((t) => ({
  startChat: t.field({
    type: StartChatPayload,
    description:
      'Starts a chat and queues it. Public: needs no token (send a visitor token to reuse that visitor). Fails with CHANNEL_OFFLINE (extensions.reason) when the widget should show the offline form (reason ARCHIVED, `offlineForm: false`: the channel is archived and takes no offline form either), and IDENTITY_NOT_VERIFIED for a wrong `emailSignature` or an unsigned claim to a verified email (the email that will be shown: the given one, else the one the visitor token already has; a changed email is also checked in the channels of the visitor’s open chats); rate-limited per IP and visitor.',
    args: { input: t.arg({ type: StartChatInput, required: true, description: 'The pre-chat form and first message.' }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.chats.startChat(ctx.principal, ctx.principal?.kind === 'visitor' ? ctx.bearerToken : null, ctx.ip, {
        ...input,
        channelId: input.channelId,
      }),
  }),
  sendMessage: t.field({
    type: MessageRef,
    description:
      'Sends a message as the visitor or as the handling agent. Idempotent on clientMessageId. A visitor message shortly after the chat ended reopens it ("return to chat").',
    authScopes: { $any: { agent: true, visitor: true } },
    args: { input: t.arg({ type: SendMessageInput, required: true, description: 'The message.' }) },
    resolve: (_root, { input }, ctx) => ctx.services.chats.sendMessage(ctx.principal, ctx.ip, { ...input, sessionId: input.sessionId }),
  }),
  setTyping: t.boolean({
    description:
      'Tells the other side you are (or stopped) typing. Returns false when the chat is not open. Limited per caller and chat (SET_TYPING_LIMIT_PER_CHAT calls per 10 seconds): RATE_LIMITED with `retryAfter`.',
    authScopes: { $any: { agent: true, visitor: true } },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      typing: t.arg.boolean({ required: true, description: 'True when typing started, false when it stopped.' }),
    },
    resolve: (_root, { sessionId, typing }, ctx) => ctx.services.chats.setTyping(ctx.principal, sessionId, typing),
  }),
  markRead: t.prismaField({
    type: 'ChatSession',
    description: 'Marks everything up to a cursor as read by your side (a read receipt). Listeners cannot mark read: listening stays invisible.',
    authScopes: { $any: { agent: true, visitor: true } },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      upToCursor: t.arg.int({ required: true, description: 'The cursor of the newest message you have shown.' }),
    },
    resolve: async (query, _root, { sessionId, upToCursor }, ctx) => {
      const session = await ctx.services.chats.markRead(ctx.principal, sessionId, upToCursor);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
  endChat: t.prismaField({
    type: 'ChatSession',
    description: 'Ends a chat: the visitor, the handling agent, a channel manager or an admin. A chat ended while queued counts as missed.',
    authScopes: { $any: { agent: true, visitor: true } },
    args: { sessionId: t.arg.id({ required: true, description: 'The chat.' }) },
    resolve: async (query, _root, { sessionId }, ctx) => {
      const session = await ctx.services.chats.endChat(ctx.principal, sessionId);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
  rateChat: t.prismaField({
    type: 'ChatSession',
    description: 'The visitor rates an ended chat from 1 to 5, with an optional comment (up to 1000 characters).',
    authScopes: { visitor: true },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      rating: t.arg.int({ required: true, validate: chatRating, description: '1 (poor) to 5 (excellent).' }),
      comment: t.arg.string({ validate: chatRatingComment, description: 'Optional comment.' }),
    },
    resolve: async (query, _root, { sessionId, rating, comment }, ctx) => {
      const session = await ctx.services.chats.rateChat(ctx.principal, sessionId, rating, comment);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
  listenToChat: t.prismaField({
    type: 'ChatSession',
    description:
      'Opens another agent’s chat read-only (listen-in). Needs the can-listen-in flag (or manager) in its channel. Nothing is stored and nobody is told: follow it with `chatEvents`.',
    authScopes: { agent: true },
    args: { sessionId: t.arg.id({ required: true, description: 'The chat to listen to.' }) },
    resolve: async (query, _root, { sessionId }, ctx) => {
      const session = await ctx.services.chatReads.listenTo(ctx.principal, agentOf(ctx)!, sessionId);
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
}));

builder.subscriptionField('chatEvents', (t) =>
  t.field({
    type: ChatEventRef,
    description:
      'Every event of one chat, in order. With `after`, first replays everything after that cursor, then continues live with no gap and no duplicate. Visitors do not receive agent-only events.',
    authScopes: { $any: { agent: true, visitor: true, apiScope: 'CHATS_READ' } },
    args: {
      sessionId: t.arg.id({ required: true, description: 'The chat.' }),
      after: t.arg.int({ description: 'The last cursor you have; omit to receive only new events.' }),
    },
    subscribe: async (_root, { sessionId, after }, ctx) => {
      const session = await ctx.services.chatReads.findReadable(ctx.principal, sessionId);
      const stream = ctx.services.events.stream(session.id, after ?? null);
      return ctx.principal?.kind === 'visitor' ? filterAsync(stream, (e) => e.audience === 'ALL') : stream;
    },
    resolve: (event) => event,
  }),
);

const ChatSessionFilter = builder.inputType('ChatSessionFilter', {
  description: 'Narrows `chatSessions`. All given conditions must hold.',
  fields: (t) => ({
    status: t.field({ type: [SessionStatusEnum], description: 'Any of these statuses.' }),
    channelIds: t.idList({ description: 'Any of these channels.' }),
    agentId: t.id({ description: 'Handled (now) by this agent.' }),
    visitorId: t.id({ description: 'Of this visitor.' }),
    missed: t.boolean({ description: 'Only missed (true) or only not missed (false).' }),
    requestedAfter: t.field({ type: 'DateTime', description: 'Requested at or after this instant.' }),
    requestedBefore: t.field({ type: 'DateTime', description: 'Requested before this instant.' }),
  }),
});

builder.queryField('chatSessions', (t) =>
  t.prismaConnection(
    {
      type: 'ChatSession',
      cursor: 'id',
      description:
        'Chat sessions, newest first, as a Relay connection. Visitors see their own; agents the sessions of their channels (admins all); API tokens need CHATS_READ.',
      authScopes: { $any: { agent: true, visitor: true, apiScope: 'CHATS_READ' } },
      maxSize: checkedPageSize,
      args: { filter: t.arg({ type: ChatSessionFilter, description: 'Conditions; omit for all you may see.' }) },
      resolve: (query, _root, { filter }, ctx) => ctx.prisma.chatSession.findMany({ ...query, ...ctx.services.chatReads.sessionsQuery(ctx.principal, filter) }),
    },
    { name: 'ChatSessionConnection', description: 'A page of chat sessions.' },
    { name: 'ChatSessionEdge', description: 'A chat session in a page.' },
  ),
);

const AgentChatChangeRef = builder.objectRef<AgentChatRow>('AgentChatChange').implement({
  description:
    'What a message or read receipt changed in one row of the agent’s chat list (`myChats`), computed without a database read: merge it into the `ChatSession` with this id.',
  fields: (t) => ({
    sessionId: t.exposeID('sessionId', { description: 'The chat (`ChatSession.id`).' }),
    lastEventCursor: t.exposeInt('lastEventCursor', { description: 'The newest event the change includes (`ChatSession.lastEventSeq`).' }),
    lastActivityAt: t.field({ type: 'DateTime', description: 'The chat’s `lastActivityAt` now.', resolve: (row) => row.lastActivityAt }),
    lastMessageAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The chat’s `lastMessageAt` now; null when no visitor or agent message came with the change.',
      resolve: (row) => row.lastMessageAt,
    }),
    lastMessageAuthor: t.field({
      type: MessageAuthorEnum,
      nullable: true,
      description: 'The chat’s `lastMessageAuthor` now; null when no visitor or agent message came with the change.',
      resolve: (row) => row.lastMessageAuthor,
    }),
    lastMessage: t.field({
      type: MessageRef,
      nullable: true,
      description: 'The chat’s newest message now (`messages(last: 1)`); null when the change brought no message.',
      resolve: (row) => row.lastMessage as MessageDto | null,
    }),
    unreadCount: t.exposeInt('unreadCount', { description: 'The chat’s `unreadCount` for you, its handling agent, now.' }),
    agentReadCursor: t.exposeInt('agentReadCursor', { description: 'The chat’s `agentReadCursor` now.' }),
  }),
});

builder.objectField(AgentEventRef, 'chats', (t) =>
  t.field({
    type: [AgentChatChangeRef],
    description:
      'The rows of your chat list that changed by messages and read receipts, ready to merge. A chat in `sessionIds` without a row here changed in another way: refetch it (or the list).',
    resolve: (event) => event.chats,
  }),
);
