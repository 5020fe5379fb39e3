// Module chats, the event log: every event of a chat in order. Owns appending an event with its
// session's next cursor inside the caller's transaction, publishing after commit, and the replay
// that joins the live stream with no gap.
import type { RawSql } from '../../platform/db/client';
import type { ChatSession, Prisma, PrismaClient, SessionStatus } from '../../generated/prisma/client';
import type { EventBus } from '../../platform/pubsub';
import { abortable } from '../../platform/async-iterators';
import type { ChatEventDto, MessageDto } from './chat-dto';

type Tx = Prisma.TransactionClient;
export type ChatEventDraft = Omit<ChatEventDto, 'sessionId' | 'cursor' | 'createdAt'>;

/** A plain text message and the condition under which its writer may add it to the session. */
export interface GuardedMessage {
  message: MessageDto;
  /** Stored instead of `message` when the session's channel hides agent photos. */
  messageWithoutPhoto?: MessageDto;
  /** The session must be in one of these states and belong to this visitor, or be handled by this agent. */
  guard: { statuses: SessionStatus[] } & ({ visitorId: string } | { agentId: string });
}

// Bumps the cursor, stores the event and the message, in one statement: one round trip and no
// transaction to hold a pooled connection. It writes nothing unless the guard holds, and a
// duplicate clientMessageId (unique violation) rolls the whole statement back.
const APPEND_GUARDED_MESSAGE = {
  name: 'append_guarded_message',
  text: `
  WITH s AS (
    UPDATE "ChatSession"
    SET "lastEventSeq" = "lastEventSeq" + 1, "lastActivityAt" = $2, "lastMessageAuthor" = $3::"MessageAuthor", "lastMessageAt" = $2
    WHERE id = $1 AND status = ANY($4::"SessionStatus"[]) AND ("visitorId" = $5 OR "agentId" = $6)
    RETURNING id, "lastEventSeq", "channelId", "agentId"
  ), c AS (
    SELECT "showAgentPhoto" AS "showPhoto" FROM "Channel" WHERE id = (SELECT "channelId" FROM s)
  ), e AS (
    INSERT INTO "ChatEvent" ("sessionId", seq, type, payload, "createdAt")
    SELECT s.id, s."lastEventSeq", 'MESSAGE', CASE WHEN c."showPhoto" THEN $7::jsonb ELSE $8::jsonb END, $2 FROM s, c
  ), m AS (
    INSERT INTO "Message" (id, "sessionId", seq, "authorKind", "agentId", body, "clientMessageId", "createdAt")
    SELECT $9, s.id, s."lastEventSeq", $3::"MessageAuthor", $6, $10, $11, $2 FROM s
  )
  SELECT s."lastEventSeq" AS seq, s."channelId", s."agentId", c."showPhoto" FROM s, c`,
};

// A read receipt in one statement, as the append above: it advances the reader's side, stamps the
// messages now read and stores the READ event, and writes nothing unless the reader is the chat's
// visitor or handling agent and the receipt moves their side forward.
const APPEND_GUARDED_READ = {
  name: 'append_guarded_read',
  text: `
  WITH s AS (
    UPDATE "ChatSession"
    SET "lastEventSeq" = "lastEventSeq" + 1, "lastActivityAt" = $2,
      "visitorReadSeq" = CASE WHEN $3 = 'VISITOR' THEN LEAST($4::int, "lastEventSeq") ELSE "visitorReadSeq" END,
      "agentReadSeq" = CASE WHEN $3 = 'AGENT' THEN LEAST($4::int, "lastEventSeq") ELSE "agentReadSeq" END
    WHERE id = $1 AND CASE WHEN $3 = 'VISITOR'
      THEN "visitorId" = $5 AND "visitorReadSeq" < LEAST($4::int, "lastEventSeq")
      ELSE "agentId" = $5 AND "agentReadSeq" < LEAST($4::int, "lastEventSeq") END
    RETURNING id, "lastEventSeq", "channelId", "agentId", LEAST($4::int, "lastEventSeq" - 1) AS "upTo"
  ), m AS (
    UPDATE "Message" SET "readAt" = $2
    FROM s
    WHERE "Message"."sessionId" = s.id AND "Message".seq <= s."upTo" AND "Message"."readAt" IS NULL
      AND CASE WHEN $3 = 'VISITOR' THEN "Message"."authorKind" <> 'VISITOR' ELSE "Message"."authorKind" = 'VISITOR' END
  ), e AS (
    INSERT INTO "ChatEvent" ("sessionId", seq, type, payload, "createdAt")
    SELECT s.id, s."lastEventSeq", 'READ',
      jsonb_build_object('type', 'READ', 'audience', 'ALL', 'read', jsonb_build_object('by', $3::text, 'upToCursor', s."upTo")), $2
    FROM s
  )
  SELECT s."lastEventSeq" AS seq, s."channelId", s."agentId", s."upTo" FROM s`,
};

const REPLAY_BATCH = 500;
const MAX_FRUITLESS_CATCH_UPS = 5;

export interface ChatEventLogDeps {
  prisma: PrismaClient;
  sql: RawSql;
  bus: EventBus;
  /** Called once per committed message as it is published (the messages-stored metric). */
  onMessageStored?: (event: ChatEventDto) => void;
}

/**
 * The per-session event log behind `chatEvents`: every stored event gets the next cursor of its
 * session, in the same transaction that changes the session, and is published only after commit.
 */
export function createChatEventLog({ prisma, sql, bus, onMessageStored = () => {} }: ChatEventLogDeps) {
  /** Appends an event inside `tx`, optionally changing the session in the same statement. */
  async function append(tx: Tx, sessionId: string, draft: ChatEventDraft, sessionUpdate: Prisma.ChatSessionUpdateInput = {}): Promise<ChatEventDto> {
    const createdAt = new Date();
    const { lastEventSeq } = await tx.chatSession.update({
      where: { id: sessionId },
      data: { ...sessionUpdate, lastEventSeq: { increment: 1 }, lastActivityAt: createdAt },
      select: { lastEventSeq: true },
    });
    await tx.chatEvent.create({
      data: { sessionId, seq: lastEventSeq, type: draft.type as never, payload: storedPayload(draft) as Prisma.InputJsonValue, createdAt },
    });
    return withCursor({ ...draft, sessionId, cursor: lastEventSeq, createdAt: createdAt.toISOString() });
  }

  /**
   * The hot path of sendMessage: appends a plain message as the session's next event if the guard
   * holds. Returns null when it does not (ended, someone else's, not yet started); the caller
   * then takes the full path, which says why. A duplicate clientMessageId throws code 23505.
   */
  async function appendGuardedMessage(
    sessionId: string,
    { message, messageWithoutPhoto = message, guard }: GuardedMessage,
  ): Promise<{ event: ChatEventDto; session: Pick<ChatSession, 'id' | 'channelId' | 'agentId'> } | null> {
    const createdAt = message.createdAt;
    const payload = JSON.stringify(storedPayload({ type: 'MESSAGE', audience: 'ALL', message }));
    const [row] = await sql.rows<{ seq: number; channelId: string; agentId: string | null; showPhoto: boolean }>(APPEND_GUARDED_MESSAGE, [
      sessionId,
      createdAt,
      message.authorKind,
      guard.statuses,
      'visitorId' in guard ? guard.visitorId : null,
      'agentId' in guard ? guard.agentId : null,
      payload,
      messageWithoutPhoto === message ? payload : JSON.stringify(storedPayload({ type: 'MESSAGE', audience: 'ALL', message: messageWithoutPhoto })),
      message.id,
      message.body,
      message.clientMessageId,
    ]);
    if (!row) return null;
    const event = withCursor({
      type: 'MESSAGE',
      audience: 'ALL',
      message: row.showPhoto ? message : messageWithoutPhoto,
      sessionId,
      cursor: row.seq,
      createdAt,
    });
    return { event, session: { id: sessionId, channelId: row.channelId, agentId: row.agentId } };
  }

  /**
   * The hot path of markRead: the reader's side moves up to `upToCursor` (at most the newest
   * event) if `reader` is the chat's visitor or handling agent and it moves forward. Returns null
   * otherwise; the caller then takes the full path, which says why or that nothing changed.
   */
  async function appendGuardedRead(
    sessionId: string,
    reader: { side: 'VISITOR' | 'AGENT'; id: string },
    upToCursor: number,
  ): Promise<{ event: ChatEventDto; session: Pick<ChatSession, 'id' | 'channelId' | 'agentId'> } | null> {
    const createdAt = new Date().toISOString();
    const [row] = await sql.rows<{ seq: number; channelId: string; agentId: string | null; upTo: number }>(APPEND_GUARDED_READ, [
      sessionId,
      createdAt,
      reader.side,
      upToCursor,
      reader.id,
    ]);
    if (!row) return null;
    const event: ChatEventDto = {
      type: 'READ',
      audience: 'ALL',
      read: { by: reader.side, upToCursor: Number(row.upTo) },
      sessionId,
      cursor: Number(row.seq),
      createdAt,
    };
    return { event, session: { id: sessionId, channelId: row.channelId, agentId: row.agentId } };
  }

  /** Publishes committed events in order. */
  function publish(events: ChatEventDto[]) {
    for (const event of events) {
      // Only committed events are published, so this counts each stored message once.
      if (event.type === 'MESSAGE' && event.cursor != null) onMessageStored(event);
      bus.publish('chat', event.sessionId, event);
    }
  }

  /** Typing and other transient signals: delivered live, never stored, no cursor. */
  function publishEphemeral(sessionId: string, draft: ChatEventDraft) {
    bus.publish('chat', sessionId, { ...draft, sessionId, cursor: null, createdAt: new Date().toISOString() } satisfies ChatEventDto);
  }

  async function eventsAfter(sessionId: string, cursor: number, limit = REPLAY_BATCH): Promise<ChatEventDto[]> {
    const rows = await prisma.chatEvent.findMany({
      where: { sessionId, seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
    return rows.map((row) =>
      withCursor({
        ...(row.payload as unknown as ChatEventDraft),
        sessionId,
        cursor: row.seq,
        createdAt: row.createdAt.toISOString(),
      }),
    );
  }

  /**
   * Every event of a session after `after`, then live ones, in cursor order with no gap and no
   * duplicate: the live listener is registered before the replay read, anything at or below
   * the last delivered cursor is dropped, and a jump in cursors (a lost or reordered message,
   * or a Redis outage) is filled from the database.
   */
  function stream(sessionId: string, after: number | null): AsyncIterableIterator<ChatEventDto> {
    return abortable((signal) => streamUntil(sessionId, after, signal));
  }

  async function* streamUntil(sessionId: string, after: number | null, signal: AbortSignal): AsyncGenerator<ChatEventDto> {
    const queue: ChatEventDto[] = [];
    let wake: (() => void) | null = null;
    let needsCatchUp = false;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const stopListening = bus.listen('chat', sessionId, (payload) => {
      queue.push(payload as ChatEventDto);
      notify();
    });
    const stopResync = bus.onResync(() => {
      needsCatchUp = true;
      notify();
    });
    const onAbort = () => notify();
    signal.addEventListener('abort', onAbort);

    try {
      let last: number;
      if (after === null) {
        const session = await prisma.chatSession.findUnique({ where: { id: sessionId }, select: { lastEventSeq: true } });
        last = session?.lastEventSeq ?? 0;
      } else {
        last = after;
        needsCatchUp = true;
      }

      // Catch-ups in a row that left a gap unfilled (only possible if the log lost rows, e.g. a
      // deleted session): back off, then end the stream so the client resubscribes from its cursor.
      let fruitlessCatchUps = 0;
      while (!signal.aborted) {
        if (needsCatchUp) {
          needsCatchUp = false;
          let replayed = 0;
          for (;;) {
            const batch = await eventsAfter(sessionId, last);
            for (const event of batch) {
              last = event.cursor!;
              replayed += 1;
              yield event;
            }
            if (batch.length < REPLAY_BATCH) break;
          }
          const head = queue[0];
          if (replayed === 0 && head?.cursor != null && head.cursor > last + 1) {
            fruitlessCatchUps += 1;
            if (fruitlessCatchUps > MAX_FRUITLESS_CATCH_UPS) return;
            await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** fruitlessCatchUps));
          } else {
            fruitlessCatchUps = 0;
          }
        }
        const event = queue.shift();
        if (!event) {
          if (needsCatchUp) continue;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (event.cursor === null) {
          yield event;
        } else if (event.cursor === last + 1) {
          last = event.cursor;
          yield event;
        } else if (event.cursor > last + 1) {
          queue.unshift(event);
          needsCatchUp = true;
        }
      }
    } finally {
      stopListening();
      stopResync();
      signal.removeEventListener('abort', onAbort);
    }
  }

  return { append, appendGuardedMessage, appendGuardedRead, publish, publishEphemeral, eventsAfter, stream };
}

export type ChatEventLog = ReturnType<typeof createChatEventLog>;

/** The stored payload leaves out what the row's columns already hold. */
export function storedPayload(draft: ChatEventDraft): unknown {
  const { message, ...rest } = draft;
  if (!message) return rest;
  const { cursor: _cursor, sessionId: _sessionId, ...storedMessage } = message;
  return { ...rest, message: storedMessage };
}

/** Message events carry their message's cursor, which is the event's own. */
export function withCursor(event: ChatEventDto): ChatEventDto {
  if (event.message) event.message = { ...event.message, sessionId: event.sessionId, cursor: event.cursor! } as MessageDto;
  return event;
}
