import { builder } from '../builder';
import { EndedBy, SessionStatus } from '../generated/prisma/enums';
import { findReadableSession } from '../services/chat-access';

const SessionStatusEnum = builder.enumType(SessionStatus, {
  name: 'SessionStatus',
  description:
    'Where a chat is in its lifecycle: PRECHAT (form shown) → QUEUED → ACTIVE → ENDED; OFFLINE (offline form sent) and CLOSED (archived).',
});

const EndedByEnum = builder.enumType(EndedBy, {
  name: 'EndedBy',
  description: 'Who or what ended a chat: the AGENT, the VISITOR, or IDLE timeout.',
});

builder.prismaObject('ChatSession', {
  description: 'One conversation between a visitor and the agents of a channel.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    status: t.expose('status', { type: SessionStatusEnum, description: 'Lifecycle status.' }),
    missed: t.exposeBoolean('missed', { description: 'True when it ended while still queued or went to the offline form.' }),
    endedBy: t.expose('endedBy', { type: EndedByEnum, nullable: true, description: 'Who ended it, once ended.' }),
    channel: t.relation('channel', { description: 'The channel it came in on.' }),
    agent: t.relation('agent', { nullable: true, description: 'The agent handling it now, if any.' }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime', description: 'When the visitor asked to chat.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When an agent took it.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'When it ended.' }),
    lastActivityAt: t.expose('lastActivityAt', { type: 'DateTime', description: 'The latest message or status change.' }),
    lastEventSeq: t.exposeInt('lastEventSeq', {
      description: 'Cursor of the newest event in this session; pass it to resume `chatEvents` with no gap.',
    }),
  }),
});

builder.queryFields((t) => ({
  chatSession: t.prismaField({
    type: 'ChatSession',
    description:
      'One chat session. Visitors read only their own, agents those in their channels, API tokens need CHATS_READ.',
    authScopes: { $any: { agent: true, visitor: true, apiScope: 'CHATS_READ' } },
    args: { id: t.arg.id({ required: true, description: 'The session id.' }) },
    resolve: async (query, _root, { id }, ctx) => {
      const session = await findReadableSession(ctx, String(id));
      return ctx.prisma.chatSession.findUniqueOrThrow({ ...query, where: { id: session.id } });
    },
  }),
}));
