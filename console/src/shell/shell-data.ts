import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../api';
import type { VariablesOf } from '../graphql';
import { AcceptTransferMutation, LogoutMutation, QueueQuery, RejectTransferMutation, SetPresenceMutation, UpdateNotificationsMutation } from './operations';

// The shell's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

/** The chats waiting in my channels, oldest first. */
export async function loadQueue(client: Client) {
  return (await runQuery(client, QueueQuery, {})).queue;
}

export function acceptTransfer(client: Client, transferId: string) {
  return runMutation(client, AcceptTransferMutation, { transferId });
}

export function rejectTransfer(client: Client, transferId: string) {
  return runMutation(client, RejectTransferMutation, { transferId });
}

export type NotificationSetting = 'notifyBrowser' | 'notifySound' | 'notifyManagerWarnings';

/** Saves one of the agent's notification switches; the others are left as they are. */
export async function saveNotificationSetting(client: Client, agentId: string, key: NotificationSetting, value: boolean) {
  const data = await runMutation(client, UpdateNotificationsMutation, {
    id: agentId,
    input: {
      notifyBrowser: key === 'notifyBrowser' ? value : null,
      notifySound: key === 'notifySound' ? value : null,
      notifyManagerWarnings: key === 'notifyManagerWarnings' ? value : null,
    },
  });
  return data.updateAgent;
}

export async function setPresence(client: Client, presence: VariablesOf<typeof SetPresenceMutation>['presence']) {
  return (await runMutation(client, SetPresenceMutation, { presence })).setPresence;
}

/** Revokes this console's token; an expired one is not reported as a lost session here. */
export function logout(client: Client) {
  return runMutation(client, LogoutMutation, {}, { unauthenticatedMeansExpired: false });
}
