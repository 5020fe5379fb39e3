import type { Client } from '@urql/core';
import type { ApiError } from '@livechat/chat-client/errors';
import { apiErrorFrom, runQuery } from './api';
import { ChatListItemFields } from './chats/chat-fragments';
import { readFragment } from './graphql';
import { type AgentEvent, AgentEventsSubscription, MeQuery, MyChatsQuery } from './workspace-operations';

// The workspace's calls to the server, each a named function. Each throws ApiError as runQuery does.

export async function loadMe(client: Client) {
  return (await runQuery(client, MeQuery, {})).me;
}

export async function loadMyChats(client: Client) {
  return (await runQuery(client, MyChatsQuery, {})).myChats.map((chat) => readFragment(ChatListItemFields, chat));
}

/**
 * Follows the cached chat list: after a load has filled the cache, every change merged into it
 * (agentEvents' rows, later loads) calls `onList`, with no request. Stops when the returned stop is called.
 */
export function watchMyChats(client: Client, onList: (chats: ReturnType<typeof readFragment<typeof ChatListItemFields>>[]) => void): () => void {
  const subscription = client.query(MyChatsQuery, {}, { requestPolicy: 'cache-only' }).subscribe((result) => {
    if (result.data) onList(result.data.myChats.map((chat) => readFragment(ChatListItemFields, chat)));
  });
  return () => subscription.unsubscribe();
}

/** Follows agentEvents (what changed for me, with the badge counts) until the returned stop is called. */
export function followAgentEvents(client: Client, on: { event(event: AgentEvent): void; error(error: ApiError): void }): () => void {
  const subscription = client.subscription(AgentEventsSubscription, {}).subscribe((result) => {
    if (result.error) {
      on.error(apiErrorFrom(result.error));
      return;
    }
    const event = result.data?.agentEvents;
    if (event) on.event(event);
  });
  return () => subscription.unsubscribe();
}
