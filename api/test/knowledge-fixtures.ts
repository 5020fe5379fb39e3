import { expect } from 'vitest';
import { NEXT, channelWithAgents, startChat } from './chat-fixtures';
import { chatLimitsFromEnv, type AppConfig } from '../src/platform/config';
import type { GraphqlResult, TestApp } from './harness';

/** The first error's code and field, for compact assertions. */
export function errorOf(result: GraphqlResult): { code?: string; field?: string } {
  expect(result.errors, `expected an error, got ${JSON.stringify(result.data)}`).toBeDefined();
  const { code, field } = result.errors![0]!.extensions ?? {};
  return field === undefined ? { code } : { code, field };
}

export function dataOf<T = any>(result: GraphqlResult<T>): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

export async function apiToken(app: TestApp, adminToken: string, scopes: string[]): Promise<string> {
  const result = await app.gql(
    `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`,
    { input: { name: `token ${scopes.join(',')}`, scopes } },
    adminToken,
  );
  return dataOf(result).createApiToken.token;
}

/**
 * An active chat handled by `handler`, in a channel where `listener` can listen in and `outsider`
 * is no member; the visitor gave a name and email.
 */
export async function activeChat(app: TestApp, visitor: { name?: string; email?: string } = { name: 'Ada Lovelace', email: 'ada@example.com' }) {
  const { channel, agents } = await channelWithAgents(app, { handler: { canRespond: true }, listener: { canListenIn: true } });
  const chat = await startChat(app, channel.id, 'Hello, I need help', visitor);
  const claimed = await app.gql(NEXT, { ids: [channel.id] }, agents.handler!.token);
  expect(dataOf(claimed).getNextInQueue.id).toBe(chat.sessionId);
  return { channel, handler: agents.handler!, listener: agents.listener!, ...chat };
}

export const MESSAGES = `query($id: ID!) { chatSession(id: $id) { messages { messages { body authorKind author { displayName } } } } }`;

/** Every test here logs agents in and starts chats from 127.0.0.1: lift the per-IP limits. */
export const roomyLimits: Partial<AppConfig> = {
  chat: {
    ...chatLimitsFromEnv({}),
    startChatPerIp: { limit: 10_000, windowSeconds: 60 },
    startChatPerVisitor: { limit: 10_000, windowSeconds: 60 },
  },
};
