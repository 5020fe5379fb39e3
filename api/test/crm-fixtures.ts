import { configFromEnv } from '../src/platform/config';
import type { ApiScope } from '../src/generated/prisma/client';
import { startTestApp, type GraphqlResult, type TestApp } from './harness';

/** A test app whose chat rate limits do not get in the way of tests that start many chats. */
export function startCrmTestApp(): Promise<TestApp> {
  const roomy = { limit: 10_000, windowSeconds: 60 };
  return startTestApp({
    chat: { ...configFromEnv({}).chat, startChatPerIp: roomy, startChatPerVisitor: roomy, sendMessagePerVisitor: roomy, sendMessagePerIp: roomy },
  });
}

/** A real API token holding exactly these scopes. */
export async function apiToken(app: TestApp, ...scopes: ApiScope[]): Promise<string> {
  const { token } = await app.services.auth.createApiToken({ name: `test ${scopes.join('+') || 'none'}`, scopes, createdById: null });
  return token;
}

/** The first error's extensions (code, field, …); undefined when the operation succeeded. */
export function errorOf(result: GraphqlResult): Record<string, any> | undefined {
  return result.errors?.[0]?.extensions;
}

/** Fails with the errors when the operation did not succeed; returns its data. */
export function dataOf<T = any>(result: GraphqlResult<T>): T {
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}
