import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../../api';
import { readFragment, type VariablesOf } from '../../graphql';
import type { ChannelInput } from './channel-form';
import {
  ArchiveChannelMutation,
  ChannelAdminQuery,
  ChannelMemberFields,
  ChannelSettingsFields,
  ChannelsAdminQuery,
  CreateChannelMutation,
  DeleteChannelMutation,
  IdentityDisableMutation,
  IdentityRotateMutation,
  IdentitySecretQuery,
  IdentityVerificationQuery,
  NewChannelOptionsQuery,
  RemoveChannelMemberMutation,
  SetChannelMemberMutation,
  UpdateChannelMutation,
} from './operations';

// The channel admin's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

export async function loadChannels(client: Client) {
  return (await runQuery(client, ChannelsAdminQuery, {})).channels;
}

/** What a new channel's form offers (the FAQ folders). */
export function loadNewChannelOptions(client: Client) {
  return runQuery(client, NewChannelOptionsQuery, {});
}

/** One channel with its members, the agents who could join and the FAQ folders. */
export function loadChannelAdmin(client: Client, id: string) {
  return runQuery(client, ChannelAdminQuery, { id });
}

export async function createChannel(client: Client, input: VariablesOf<typeof CreateChannelMutation>['input']) {
  return readFragment(ChannelSettingsFields, (await runMutation(client, CreateChannelMutation, { input })).createChannel);
}

export async function updateChannel(client: Client, id: string, input: ChannelInput) {
  return readFragment(ChannelSettingsFields, (await runMutation(client, UpdateChannelMutation, { id, input })).updateChannel);
}

/** Adds the agent to the channel or changes their flags; returns the membership as saved. */
export async function setChannelMember(client: Client, channelId: string, agentId: string, flags: VariablesOf<typeof SetChannelMemberMutation>['flags']) {
  return readFragment(ChannelMemberFields, (await runMutation(client, SetChannelMemberMutation, { channelId, agentId, flags })).setChannelMember);
}

export async function removeChannelMember(client: Client, channelId: string, agentId: string) {
  await runMutation(client, RemoveChannelMemberMutation, { channelId, agentId });
}

/** Archives or restores the channel; returns when it was archived (null: restored). */
export async function setChannelArchived(client: Client, id: string, archived: boolean) {
  return (await runMutation(client, ArchiveChannelMutation, { id, archived })).archiveChannel.archivedAt ?? null;
}

export async function deleteChannel(client: Client, id: string) {
  await runMutation(client, DeleteChannelMutation, { id });
}

export async function loadIdentityVerification(client: Client, channelId: string) {
  return (await runQuery(client, IdentityVerificationQuery, { channelId })).channelIdentityVerification;
}

export async function loadIdentitySecret(client: Client, channelId: string) {
  return (await runQuery(client, IdentitySecretQuery, { channelId })).channelIdentitySecret;
}

export async function rotateIdentitySecret(client: Client, channelId: string) {
  return (await runMutation(client, IdentityRotateMutation, { channelId })).rotateChannelIdentitySecret;
}

export async function disableIdentityVerification(client: Client, channelId: string) {
  return (await runMutation(client, IdentityDisableMutation, { channelId })).disableChannelIdentityVerification;
}
