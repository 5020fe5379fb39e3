import { cleanup, render, screen } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { safeNextPath } from './auth/LoginPage';
import { createConsoleRuntime } from './console-runtime';

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  return render(() => <App runtime={createConsoleRuntime('http://127.0.0.1:9/graphql')} base="/console" />);
}

describe('App', () => {
  beforeEach(() => {
    localStorage.clear();
    window.history.replaceState({}, '', '/');
    // The router scrolls to top on navigation; jsdom does not implement scrolling.
    vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('sends a signed-out visitor of any page to the login form, remembering where they were going', async () => {
    renderAt('/console/chats/abc');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to Live Chat' })).toBeTruthy();
    expect(window.location.pathname).toBe('/console/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/chats/abc');
    expect(screen.getByLabelText('Email')).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('safeNextPath', () => {
  it('keeps paths inside the console and refuses everything else', () => {
    expect(safeNextPath('/chats/abc')).toBe('/chats/abc');
    expect(safeNextPath(undefined)).toBe('/dashboard');
    expect(safeNextPath('https://evil.example/')).toBe('/dashboard');
    expect(safeNextPath('//evil.example/')).toBe('/dashboard');
    expect(safeNextPath('/login')).toBe('/dashboard');
  });
});
