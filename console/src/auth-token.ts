const storageKey = 'livechat.console.token';

export function getAuthToken(): string | null {
  return localStorage.getItem(storageKey);
}

export function setAuthToken(token: string | null): void {
  if (token) localStorage.setItem(storageKey, token);
  else localStorage.removeItem(storageKey);
}
