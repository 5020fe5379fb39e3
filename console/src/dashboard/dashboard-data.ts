import type { Client } from '@urql/core';
import type { ApiError } from '@livechat/chat-client/errors';
import { apiErrorFrom, runMutation, runQuery } from '../api';
import { AcceptChatMutation, ChannelsQuery, type DashboardSnapshot, DashboardSubscription } from './operations';

// The dashboard's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

export async function loadChannels(client: Client) {
  return (await runQuery(client, ChannelsQuery, {})).channels;
}

export async function acceptChat(client: Client, sessionId: string) {
  await runMutation(client, AcceptChatMutation, { sessionId });
}

/** Follows the live dashboard of these channels (null: all of mine) until the returned stop is called. */
export function followDashboard(
  client: Client,
  variables: { channelIds: string[] | null; timeZone: string },
  on: { snapshot(snapshot: DashboardSnapshot): void; error(error: ApiError): void },
): () => void {
  const subscription = client.subscription(DashboardSubscription, variables).subscribe((result) => {
    if (result.error) on.error(apiErrorFrom(result.error));
    else if (result.data) on.snapshot(result.data.dashboardEvents);
  });
  return () => subscription.unsubscribe();
}
