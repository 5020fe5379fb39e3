import { randomUUID } from 'node:crypto';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphqlErrorEntry {
  message: string;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/** A GraphQL response with errors, thrown by `gql` so a failed setup step says what failed. */
export class GraphqlRequestError extends Error {
  constructor(
    readonly errors: GraphqlErrorEntry[],
    operation: string,
  ) {
    super(`${operation.replace(/\s+/g, ' ').slice(0, 80)}… failed: ${errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ')}`);
  }
  get code() {
    return this.errors[0]?.extensions?.code;
  }
}

/** POSTs one operation to `<baseUrl>/graphql`; resolves with `data`, throws on any error. */
export async function gql<T = any>(baseUrl: string, query: string, variables?: Record<string, unknown>, token?: string | null): Promise<T> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphqlErrorEntry[] };
  if (body.errors?.length) throw new GraphqlRequestError(body.errors, query);
  return body.data as T;
}

/**
 * A graphql-ws client over the `ws` package, sending the token as `connectionParams.authorization`
 * exactly as the console and widget do. It retries while the server is away (restart tests).
 */
export function wsClient(baseUrl: string, token?: string | null): WsClient {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: true,
    retryAttempts: 60,
    retryWait: async () => new Promise((resolve) => setTimeout(resolve, 500)),
    shouldRetry: () => true,
  });
}

export interface Recording<T> {
  /** Every `data` received so far, in order. */
  readonly values: T[];
  /** The first value (already received, or arriving within `timeoutMs`) that matches. */
  waitFor(predicate: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): void;
}

/**
 * Subscribes and records every value; errors are kept and reported by `waitFor` timeouts.
 *
 * With `cursorOf`, the subscription resumes like a real client after a reconnect: graphql-ws
 * re-sends the very payload object it was given, so keeping `variables.after` at the last cursor
 * seen makes the server replay only what was missed. Values at or below that cursor are dropped.
 */
export function record<T = any>(
  client: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
  cursorOf?: (value: T) => number | null | undefined,
): Recording<T> {
  const values: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<{ predicate: (value: T) => boolean; resolve: (value: T) => void }>();
  const payload = { query, variables: { ...variables } };
  const stop = client.subscribe<T>(payload, {
    next: (result) => {
      if (result.errors) errors.push(result.errors);
      if (!result.data) return;
      const value = result.data as T;
      const cursor = cursorOf?.(value);
      if (cursor != null) {
        const last = payload.variables.after as number | null | undefined;
        if (last != null && cursor <= last) return;
        payload.variables.after = cursor;
      }
      values.push(value);
      for (const waiter of [...waiters])
        if (waiter.predicate(value)) {
          waiters.delete(waiter);
          waiter.resolve(value);
        }
    },
    error: (error) => errors.push(error),
    complete: () => {},
  });
  return {
    values,
    stop,
    waitFor(predicate, timeoutMs = 15_000) {
      const seen = values.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (value: T) => {
            clearTimeout(timer);
            resolve(value);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching value within ${timeoutMs} ms; received ${JSON.stringify(values).slice(0, 1500)}; errors ${JSON.stringify(errors).slice(0, 500)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}

export interface AgentLogin {
  id: string;
  email: string;
  password: string;
  token: string;
}

export async function login(baseUrl: string, email: string, password: string): Promise<AgentLogin> {
  const data = await gql<{ login: { token: string; agent: { id: string } } }>(
    baseUrl,
    `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token agent { id } } }`,
    { email, password },
  );
  return { id: data.login.agent.id, email, password, token: data.login.token };
}

/** Creates an agent account with the admin's token and returns its id and password. */
export async function createAgent(
  baseUrl: string,
  adminToken: string,
  input: { email: string; name: string; nickname?: string; role?: 'ADMIN' | 'AGENT'; password?: string },
): Promise<{ id: string; email: string; password: string }> {
  const password = input.password ?? `pw-${randomUUID()}`;
  const data = await gql<{ createAgent: { id: string } }>(
    baseUrl,
    `mutation CreateAgent($input: CreateAgentInput!) { createAgent(input: $input) { id } }`,
    { input: { ...input, password } },
    adminToken,
  );
  return { id: data.createAgent.id, email: input.email, password };
}

export const CHAT_EVENTS = `subscription VisitorChatEvents($sessionId: ID!, $after: Int) {
  chatEvents(sessionId: $sessionId, after: $after) {
    cursor type status
    message { id cursor body authorKind systemType clientMessageId author { displayName } attachments { fileName contentType isImage url } }
    typing { by isTyping }
    read { by upToCursor }
  }
}`;

export interface ChatEventValue {
  chatEvents: {
    cursor: number | null;
    type: string;
    status: string | null;
    message: {
      id: string;
      cursor: number;
      body: string;
      authorKind: string;
      systemType: string | null;
      clientMessageId: string | null;
      author: { displayName: string } | null;
      attachments: { fileName: string; contentType: string; isImage: boolean; url: string }[];
    } | null;
    typing: { by: string; isTyping: boolean } | null;
    read: { by: string; upToCursor: number } | null;
  };
}

/**
 * A website visitor driven through the public API, as the widget would: starts a chat, follows
 * its events over a WebSocket with a visitor token, sends messages and typing indicators.
 */
export class ApiVisitor {
  private constructor(
    readonly baseUrl: string,
    readonly sessionId: string,
    readonly token: string,
    readonly socket: WsClient,
    readonly events: Recording<ChatEventValue>,
  ) {}

  static async start(baseUrl: string, input: { channelId: string; message: string; name?: string; email?: string; company?: string; phone?: string }) {
    const data = await gql<{ startChat: { visitorToken: string; session: { id: string } } }>(
      baseUrl,
      `mutation StartChat($input: StartChatInput!) { startChat(input: $input) { visitorToken session { id } } }`,
      { input },
    );
    const { visitorToken, session } = data.startChat;
    const socket = wsClient(baseUrl, visitorToken);
    const events = record<ChatEventValue>(socket, CHAT_EVENTS, { sessionId: session.id, after: 0 }, (v) => v.chatEvents.cursor);
    return new ApiVisitor(baseUrl, session.id, visitorToken, socket, events);
  }

  /** Bodies of the agent-side messages (agent and system) received so far, in order. */
  receivedBodies(authorKind: 'AGENT' | 'SYSTEM' | 'VISITOR' = 'AGENT'): string[] {
    return this.events.values.flatMap((v) => (v.chatEvents.message?.authorKind === authorKind ? [v.chatEvents.message.body] : []));
  }

  waitForMessage(body: string | RegExp, authorKind: 'AGENT' | 'SYSTEM' | 'VISITOR' = 'AGENT') {
    return this.events.waitFor((v) => {
      const message = v.chatEvents.message;
      return !!message && message.authorKind === authorKind && (typeof body === 'string' ? message.body === body : body.test(message.body));
    });
  }

  async send(body: string, clientMessageId: string = randomUUID()) {
    const data = await gql<{ sendMessage: { id: string; cursor: number } }>(
      this.baseUrl,
      `mutation VisitorSend($input: SendMessageInput!) { sendMessage(input: $input) { id cursor } }`,
      { input: { sessionId: this.sessionId, body, clientMessageId } },
      this.token,
    );
    return data.sendMessage;
  }

  async setTyping(typing: boolean) {
    await gql(
      this.baseUrl,
      `mutation VisitorTyping($sessionId: ID!, $typing: Boolean!) { setTyping(sessionId: $sessionId, typing: $typing) }`,
      { sessionId: this.sessionId, typing },
      this.token,
    );
  }

  async markRead(upToCursor: number) {
    await gql(
      this.baseUrl,
      `mutation VisitorRead($sessionId: ID!, $upToCursor: Int!) { markRead(sessionId: $sessionId, upToCursor: $upToCursor) { id } }`,
      { sessionId: this.sessionId, upToCursor },
      this.token,
    );
  }

  async close() {
    this.events.stop();
    await this.socket.dispose();
  }
}
