import type { Client } from '@urql/core';
import { runMutation } from '../api';
import { LoginMutation } from './operations';

// Signing in, as a named call: the login page calls it and renders. Throws ApiError as runMutation does.

/** Signs in and returns the session token. */
export async function login(client: Client, email: string, password: string) {
  return (await runMutation(client, LoginMutation, { email, password })).login.token;
}
