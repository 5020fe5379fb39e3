import type { Client } from '@urql/core';
import { runMutation, runQuery } from '../api';
import type { VariablesOf } from '../graphql';
import {
  ContactDetailsQuery,
  CreateContactFromChatMutation,
  CreateFollowUpMutation,
  CreateSaleMutation,
  LinkContactMutation,
  SearchContactsQuery,
  SuggestionsQuery,
} from './operations';

// The contact panel's calls to the server, each a named function: components call these and render.
// Each throws ApiError as runQuery/runMutation do.

/** The contacts the visitor of this chat may be. */
export async function loadContactSuggestions(client: Client, sessionId: string) {
  return (await runQuery(client, SuggestionsQuery, { sessionId })).contactSuggestions;
}

export async function searchContacts(client: Client, search: string) {
  return (await runQuery(client, SearchContactsQuery, { search })).contacts.edges.map((e) => e.node);
}

export async function loadContactDetails(client: Client, id: string) {
  return (await runQuery(client, ContactDetailsQuery, { id })).contact;
}

/** Links the chat to the contact; null unlinks it. */
export async function linkContact(client: Client, sessionId: string, contactId: string | null) {
  await runMutation(client, LinkContactMutation, { sessionId, contactId });
}

/** Creates a contact (and its company when asked) from the chat and links it; the server splits the name when none is given. */
export async function createContactFromChat(client: Client, sessionId: string, input: VariablesOf<typeof CreateContactFromChatMutation>['input']) {
  return (await runMutation(client, CreateContactFromChatMutation, { sessionId, input })).createContactFromChat;
}

export async function createFollowUp(client: Client, input: VariablesOf<typeof CreateFollowUpMutation>['input']) {
  await runMutation(client, CreateFollowUpMutation, { input });
}

export async function createSale(client: Client, input: VariablesOf<typeof CreateSaleMutation>['input']) {
  await runMutation(client, CreateSaleMutation, { input });
}
