export const authTokenStorageKey = 'livechat.console.token';

export function getAuthToken(): string | null {
  return localStorage.getItem(authTokenStorageKey);
}

export function setAuthToken(token: string | null): void {
  if (token) localStorage.setItem(authTokenStorageKey, token);
  else localStorage.removeItem(authTokenStorageKey);
}
