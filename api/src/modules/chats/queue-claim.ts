// Module chats, the queue's claim in one statement: an agent takes a waiting chat, joins it and
// the visitor gets the welcome message, in one round trip and with no transaction held open.
import { randomUUID } from 'node:crypto';
import { type Agent, type ChatSession, Prisma } from '../../generated/prisma/client';
import type { RawSql } from '../../platform/db/client';
import { type ChatEventDto, type MessageDto, messageDto, participantDto } from './chat-dto';
import { storedPayload, withCursor, type ChatEventDraft } from './chat-events';

// Every column of ChatSession, from the generated client, so the claimed row comes back whole.
const SESSION_COLUMNS = Object.values(Prisma.ChatSessionScalarFieldEnum);

/**
 * $1 agent, $2 the channels asked for (null: all where the agent responds), $3 the time, $4/$5
 * the three event payloads with/without the agent's photo, $6 the welcome message's id.
 * - The agent may respond in the channel (membership canRespond) and is locked FOR SHARE, as
 *   lockActiveAgent does: a deactivation in progress is waited for, and once committed refuses
 *   the claim; a deactivation that starts later finds the chat and puts it back in the queue.
 * - The session takes its next three cursors (AGENT_JOINED, STATUS_CHANGED, the WELCOME message),
 *   whose payloads get the channel's photo setting and welcome text inside the statement.
 * - It always returns one row: `refused` (a channel asked for where the agent cannot respond),
 *   `active` (null when there was no channel to take from), and the claimed session if any.
 */
function claimStatement(name: string, pick: string) {
  return {
    name,
    text: `
  WITH m AS (
    SELECT "channelId" FROM "ChannelMember" WHERE "agentId" = $1::uuid AND "canRespond"
  ), refused AS (
    SELECT u.id FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, i)
    WHERE u.id NOT IN (SELECT "channelId" FROM m) ORDER BY u.i LIMIT 1
  ), allowed AS (
    SELECT "channelId" FROM m
    WHERE ($2::uuid[] IS NULL OR "channelId" = ANY($2::uuid[])) AND NOT EXISTS (SELECT 1 FROM refused)
  ), a AS (
    SELECT active FROM "Agent" WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM allowed) FOR SHARE
  ), pick AS (
    ${pick}
  ), s AS (
    UPDATE "ChatSession"
    SET status = 'ACTIVE', "agentId" = $1::uuid, "startedAt" = $3::timestamp(3), "lastActivityAt" = $3::timestamp(3), "lastEventSeq" = "lastEventSeq" + 3
    WHERE id = (SELECT id FROM pick)
    RETURNING ${SESSION_COLUMNS.map((c) => `"${c}"`).join(', ')}
  ), c AS (
    SELECT "showAgentPhoto" AS "showPhoto", "welcomeMessage" FROM "Channel" WHERE id = (SELECT "channelId" FROM s)
  ), e AS (
    INSERT INTO "ChatEvent" ("sessionId", seq, type, payload, "createdAt")
    SELECT s.id, s."lastEventSeq" - 3 + v.n, v.type::"ChatEventType",
      CASE WHEN v.n = 3 THEN jsonb_set(p.payload, '{message,body}', to_jsonb(c."welcomeMessage")) ELSE p.payload END,
      $3::timestamp(3)
    FROM s, c, (VALUES (1, 'AGENT_JOINED'), (2, 'STATUS_CHANGED'), (3, 'MESSAGE')) AS v(n, type),
      LATERAL (SELECT (CASE WHEN c."showPhoto" THEN $4::jsonb ELSE $5::jsonb END) -> (v.n - 1) AS payload) AS p
  ), msg AS (
    INSERT INTO "Message" (id, "sessionId", seq, "authorKind", "agentId", "systemType", body, "clientMessageId", "createdAt")
    SELECT $6::uuid, s.id, s."lastEventSeq", 'SYSTEM'::"MessageAuthor", $1::uuid, 'WELCOME'::"SystemMessageType", c."welcomeMessage", NULL, $3::timestamp(3)
    FROM s, c
  )
  SELECT (SELECT id FROM refused) AS refused, (SELECT active FROM a) AS active, c."showPhoto", c."welcomeMessage",
    ${SESSION_COLUMNS.map((col) => `s."${col}"`).join(', ')}
  FROM (VALUES (1)) AS one LEFT JOIN s ON true LEFT JOIN c ON true`,
  };
}

// The oldest waiting chat in the allowed channels; SKIP LOCKED hands each row to one claimer.
const CLAIM_NEXT = claimStatement(
  'claim_next_in_queue',
  `SELECT id FROM "ChatSession"
    WHERE status = 'QUEUED' AND "channelId" = ANY(ARRAY(SELECT "channelId" FROM allowed)) AND (SELECT active FROM a)
    ORDER BY "queuedAt", id LIMIT 1
    FOR UPDATE SKIP LOCKED`,
);

// One given chat ($7): racing acceptors wait for the row, and all but the first find it taken.
const CLAIM_ONE = claimStatement(
  'claim_queued_chat',
  `SELECT id FROM "ChatSession"
    WHERE id = $7::uuid AND status = 'QUEUED' AND "channelId" = ANY(ARRAY(SELECT "channelId" FROM allowed)) AND (SELECT active FROM a)
    FOR UPDATE`,
);

type ClaimRow = { refused: string | null; active: boolean | null; showPhoto: boolean | null; welcomeMessage: string | null } & {
  [K in keyof ChatSession]: ChatSession[K] | null;
};

export type ClaimOutcome =
  | { kind: 'refused'; channelId: string }
  | { kind: 'deactivated' }
  | { kind: 'none' }
  | { kind: 'claimed'; session: ChatSession; published: ChatEventDto[] };

/**
 * Gives `agent` a waiting chat in one statement: the oldest in `channelIds` (null: every channel
 * where they respond), or the chat `sessionId`. Ids must be UUIDs (the caller checks).
 */
export async function claimInOneStatement(
  sql: RawSql,
  agent: Agent,
  { channelIds, sessionId }: { channelIds: readonly string[] | null; sessionId?: string },
): Promise<ClaimOutcome> {
  const createdAt = new Date().toISOString();
  const messageId = randomUUID();
  const drafts = (showPhoto: boolean): ChatEventDraft[] => {
    const shown = participantDto(agent, showPhoto);
    return [
      { type: 'AGENT_JOINED', audience: 'ALL', agent: shown },
      { type: 'STATUS_CHANGED', audience: 'ALL', status: 'ACTIVE', agent: shown },
      { type: 'MESSAGE', audience: 'ALL', message: welcomeDto(agent, messageId, createdAt, showPhoto) },
    ];
  };
  const payloads = (showPhoto: boolean) => JSON.stringify(drafts(showPhoto).map(storedPayload));
  const values: unknown[] = [agent.id, channelIds, createdAt, payloads(true), payloads(false), messageId];
  const [row] = await sql.rows<ClaimRow>(sessionId ? CLAIM_ONE : CLAIM_NEXT, sessionId ? [...values, sessionId] : values);
  if (!row) throw new Error('The claim statement returned no row.');
  if (row.refused) return { kind: 'refused', channelId: row.refused };
  if (row.active === false) return { kind: 'deactivated' };
  if (!row.id) return { kind: 'none' };

  const session = Object.fromEntries(SESSION_COLUMNS.map((c) => [c, row[c]])) as unknown as ChatSession;
  const first = session.lastEventSeq - 2;
  const published = drafts(row.showPhoto!).map((draft, i) => {
    const event = { ...draft, sessionId: session.id, cursor: first + i, createdAt };
    if (event.message) event.message = { ...event.message, body: row.welcomeMessage! };
    return withCursor(event);
  });
  return { kind: 'claimed', session, published };
}

/** The welcome message as the join stores it; its body is the channel's, set by the statement. */
function welcomeDto(agent: Agent, id: string, createdAt: string, showPhoto: boolean): MessageDto {
  return {
    ...messageDto(
      {
        id,
        sessionId: '',
        seq: 0,
        authorKind: 'SYSTEM',
        agentId: agent.id,
        systemType: 'WELCOME',
        body: '',
        clientMessageId: null,
        createdAt: new Date(createdAt),
        readAt: null,
      },
      agent,
      showPhoto,
    ),
    attachments: [],
  };
}
