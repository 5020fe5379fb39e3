import type { Agent, Message, SessionStatus, EndedBy, SystemMessageType, MessageAuthor, TransferStatus } from '../../generated/prisma/client';

/**
 * The JSON shapes that cross pub/sub and are stored in ChatEvent.payload. They carry what a
 * client shows, so delivering an event needs no database read. Dates are ISO strings.
 */
export interface ParticipantDto {
  id: string;
  /** Nickname when set, else name: what visitors see. */
  displayName: string;
  photoUrl: string | null;
}

export interface MessageDto {
  id: string;
  sessionId: string;
  cursor: number;
  authorKind: MessageAuthor;
  systemType: SystemMessageType | null;
  body: string;
  clientMessageId: string | null;
  createdAt: string;
  author: ParticipantDto | null;
  /** Files sent with the message; [] or absent for text-only messages (absent: load from the database). */
  attachments?: AttachmentDto[];
}

/** A file in a chat. `url` is the unsigned download path; the GraphQL field signs it per reader. */
export interface AttachmentDto {
  id: string;
  fileName: string;
  /** Sniffed from the bytes, not what the uploader claimed. */
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
}

export type ChatEventKind =
  | 'MESSAGE'
  | 'TYPING'
  | 'READ'
  | 'STATUS_CHANGED'
  | 'AGENT_JOINED'
  | 'TRANSFER_OFFERED'
  | 'TRANSFER_ACCEPTED'
  | 'TRANSFER_REJECTED'
  | 'TRANSFER_CANCELLED'
  | 'RATED'
  | 'CONTACT_LINKED'
  /** Agents only: the visitor's details, or whether their email is verified, changed. */
  | 'VISITOR_UPDATED';

export type ChatSide = 'VISITOR' | 'AGENT';

export interface TransferDto {
  id: string;
  status: TransferStatus;
  fromAgent: ParticipantDto;
  toAgent: ParticipantDto;
}

export interface ChatEventDto {
  sessionId: string;
  /** The event's place in the session's log; null for ephemeral events (typing), which are never stored. */
  cursor: number | null;
  type: ChatEventKind;
  createdAt: string;
  /** AGENTS: never shown to the visitor (transfer negotiation, internal notes). */
  audience: 'ALL' | 'AGENTS';
  message?: MessageDto;
  status?: SessionStatus;
  endedBy?: EndedBy | null;
  agent?: ParticipantDto | null;
  typing?: { by: ChatSide; isTyping: boolean };
  read?: { by: ChatSide; upToCursor: number };
  transfer?: TransferDto;
  rating?: { rating: number; comment: string | null };
  contactId?: string | null;
}

export function participantDto(agent: Pick<Agent, 'id' | 'name' | 'nickname' | 'photoUrl'>, showPhoto = true): ParticipantDto {
  return { id: agent.id, displayName: agent.nickname || agent.name, photoUrl: showPhoto ? agent.photoUrl : null };
}

export function messageDto(message: Message, author: Pick<Agent, 'id' | 'name' | 'nickname' | 'photoUrl'> | null, showPhoto = true): MessageDto {
  return {
    id: message.id,
    sessionId: message.sessionId,
    cursor: message.seq,
    authorKind: message.authorKind,
    systemType: message.systemType,
    body: message.body,
    clientMessageId: message.clientMessageId,
    createdAt: message.createdAt.toISOString(),
    author: author ? participantDto(author, showPhoto) : null,
  };
}

/** System messages that stay among agents. REQUEST_CREATED: the agent sends the visitor the number. */
export const AGENT_ONLY_SYSTEM_TYPES: readonly SystemMessageType[] = ['TRANSFER_REJECTED', 'REQUEST_CREATED'];
