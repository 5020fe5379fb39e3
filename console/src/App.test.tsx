import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { createGraphqlClient } from './graphql-client';

function renderAt(path: string) {
  window.history.pushState({}, '', path);
  const client = createGraphqlClient({ getToken: () => null });
  return render(() => <App client={client} base="/console" />);
}

describe('App', () => {
  beforeEach(() => {
    window.history.replaceState({}, '', '/');
    // The router scrolls to top on navigation; jsdom does not implement scrolling.
    vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('renders the shell header and the login placeholder at the base path', () => {
    renderAt('/console/');

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Live Chat Console');
    expect(screen.getByRole('heading', { level: 2, name: 'Sign in' })).toBeTruthy();
  });

  it('navigates between sections from the header nav', async () => {
    renderAt('/console/chats');
    expect(screen.getByRole('heading', { level: 2, name: 'Chats' })).toBeTruthy();

    const dashboardLink = screen.getByRole('link', { name: 'Dashboard' });
    expect(dashboardLink.getAttribute('href')).toBe('/console/dashboard');
    fireEvent.click(dashboardLink);

    expect(await screen.findByRole('heading', { level: 2, name: 'Dashboard' })).toBeTruthy();
    expect(screen.queryByRole('heading', { level: 2, name: 'Chats' })).toBeNull();
    expect(window.location.pathname).toBe('/console/dashboard');
    expect(dashboardLink.classList.contains('is-active')).toBe(true);
  });

  it('shows a not-found page for unknown paths', () => {
    renderAt('/console/nope');

    expect(screen.getByRole('heading', { level: 2, name: 'Page not found' })).toBeTruthy();
  });
});
