import { randomUUID } from 'node:crypto';
import type { Agent } from '../src/generated/prisma/client';
import type { TestApp } from './harness';

export const START_CHAT = `mutation($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id status lastEventSeq } } }`;
export const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id cursor body authorKind clientMessageId author { displayName } } }`;
export const CHAT_EVENTS = `subscription($id: ID!, $after: Int) { chatEvents(sessionId: $id, after: $after) {
  cursor type sessionId status endedBy
  message { id cursor body authorKind systemType clientMessageId author { id displayName } }
  typing { by isTyping } read { by upToCursor } transfer { id status } agent { id displayName }
} }`;
export const NEXT = `mutation($ids: [ID!]) { getNextInQueue(channelIds: $ids) { id status agent { id } } }`;

export interface AgentFixture {
  agent: Agent;
  token: string;
}

export type MemberFlags = Partial<{ canRespond: boolean; getsNotifications: boolean; canListenIn: boolean; isManager: boolean }>;

/** A channel with agents who are members with the given flags, all Present. */
export async function channelWithAgents(app: TestApp, members: Record<string, MemberFlags>, channelData: Record<string, unknown> = {}) {
  const channel = await app.services.prisma.channel.create({
    data: { name: `Channel ${randomUUID().slice(0, 8)}`, prechatRequiredFields: [], ...channelData },
  });
  const agents: Record<string, AgentFixture> = {};
  for (const [key, flags] of Object.entries(members)) {
    const { agent, token } = await app.agentWithToken();
    await app.services.prisma.channelMember.create({
      data: { channelId: channel.id, agentId: agent.id, canRespond: false, canListenIn: false, isManager: false, ...flags },
    });
    await app.services.prisma.agent.update({ where: { id: agent.id }, data: { presence: 'PRESENT' } });
    agents[key] = { agent, token };
  }
  return { channel, agents };
}

export async function startChat(app: TestApp, channelId: string, message = 'Hello, I need help', extra: Record<string, unknown> = {}, token?: string) {
  const result = await app.gql(START_CHAT, { input: { channelId, message, ...extra } }, token);
  if (!result.data) throw new Error(`startChat failed: ${JSON.stringify(result.errors)}`);
  return {
    sessionId: result.data.startChat.session.id as string,
    visitorToken: result.data.startChat.visitorToken as string,
    session: result.data.startChat.session,
  };
}

export async function send(app: TestApp, token: string, sessionId: string, body: string, clientMessageId: string = randomUUID()) {
  return app.gql(SEND, { input: { sessionId, body, clientMessageId } }, token);
}

/**
 * `app.gql` from a new client address on every call (X-Forwarded-For, for an app started with
 * `trustProxy: true`), so per-IP limits stay out of the way of tests about something else.
 */
export function gqlFromNewAddresses(app: TestApp, network: string) {
  let calls = 0;
  return (query: string, variables: Record<string, unknown>, token?: string | null) => {
    calls += 1;
    return app.gql(query, variables, token, { 'x-forwarded-for': `${network}.${calls % 250}` });
  };
}
