import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../api';
import { readFragment, type VariablesOf } from '../graphql';
import { MessageFields } from './chat-fragments';
import {
  AcceptQueuedChatMutation,
  CancelTransferMutation,
  ConversationFields,
  ConversationQuery,
  ConversationSummaryQuery,
  CreateRequestFromChatMutation,
  EndChatMutation,
  GetNextInQueueMutation,
  ListenMutation,
  type Loaded,
  MarkReadMutation,
  MessagePageFields,
  OlderMessagesQuery,
  SendAttachmentMutation,
  SendMessageMutation,
  SetTypingMutation,
  TakeOverMutation,
  TransferChatMutation,
  TransferTargetsQuery,
} from './operations';

// The chats tab's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

/** Opens a chat with its first page of messages; `listen` starts listening in (read-only, the agent is not told). */
export async function loadConversation(client: Client, sessionId: string, listen: boolean): Promise<Loaded> {
  const data = listen
    ? (await runMutation(client, ListenMutation, { sessionId })).listenToChat
    : (await runQuery(client, ConversationQuery, { id: sessionId })).chatSession;
  return { session: readFragment(ConversationFields, data), page: readFragment(MessagePageFields, data.messages) };
}

/** The chat's session again, without messages: after events that change who handles it or who the visitor is. */
export async function loadConversationSession(client: Client, sessionId: string) {
  return readFragment(ConversationFields, (await runQuery(client, ConversationSummaryQuery, { id: sessionId })).chatSession);
}

/** The page of messages before `beforeCursor`. */
export async function loadOlderMessages(client: Client, sessionId: string, beforeCursor: number) {
  const page = readFragment(MessagePageFields, (await runQuery(client, OlderMessagesQuery, { id: sessionId, beforeCursor })).chatSession.messages);
  return { messages: page.messages.map((m) => readFragment(MessageFields, m)), hasMore: page.hasMore };
}

export async function sendMessage(client: Client, sessionId: string, body: string, clientMessageId: string) {
  return readFragment(MessageFields, (await runMutation(client, SendMessageMutation, { input: { sessionId, body, clientMessageId } })).sendMessage);
}

export async function sendAttachment(client: Client, sessionId: string, file: File, clientMessageId: string, caption: string | null) {
  return readFragment(MessageFields, (await runMutation(client, SendAttachmentMutation, { sessionId, file, clientMessageId, caption })).sendAttachment);
}

export async function setTyping(client: Client, sessionId: string, typing: boolean) {
  await runMutation(client, SetTypingMutation, { sessionId, typing });
}

export async function markRead(client: Client, sessionId: string, upToCursor: number) {
  await runMutation(client, MarkReadMutation, { sessionId, upToCursor });
}

export function takeOverChat(client: Client, sessionId: string) {
  return runMutation(client, TakeOverMutation, { sessionId });
}

export function acceptQueuedChat(client: Client, sessionId: string) {
  return runMutation(client, AcceptQueuedChatMutation, { sessionId });
}

export function cancelTransfer(client: Client, transferId: string) {
  return runMutation(client, CancelTransferMutation, { transferId });
}

export function endChat(client: Client, sessionId: string) {
  return runMutation(client, EndChatMutation, { sessionId });
}

/** The Present members of the chat's channel who could take it. */
export async function loadTransferTargets(client: Client, sessionId: string) {
  return (await runQuery(client, TransferTargetsQuery, { sessionId })).transferTargets;
}

export async function transferChat(client: Client, sessionId: string, toAgentId: string, note: string | null) {
  await runMutation(client, TransferChatMutation, { sessionId, toAgentId, note });
}

/** Takes the longest-waiting chat of my channels; null when nobody is waiting. */
export async function takeNextInQueue(client: Client) {
  return (await runMutation(client, GetNextInQueueMutation, {})).getNextInQueue;
}

/** Creates a request with the chat log attached; returns it and the message to offer the visitor. */
export async function createRequestFromChat(client: Client, sessionId: string, input: VariablesOf<typeof CreateRequestFromChatMutation>['input']) {
  return (await runMutation(client, CreateRequestFromChatMutation, { sessionId, input })).createRequestFromChat;
}
