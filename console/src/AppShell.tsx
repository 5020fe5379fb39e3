import { A, Navigate, useHref, useLocation, useResolvedPath, type RouteSectionProps } from '@solidjs/router';
import { createEffect, createResource, ErrorBoundary, Match, onCleanup, Show, Switch, type ParentProps } from 'solid-js';
import { errorMessage } from './api';
import { useRuntime } from './runtime';
import { ConnectionBanner } from './shell/ConnectionBanner';
import { NotificationCenter } from './shell/NotificationCenter';
import { PresenceSwitch } from './shell/PresenceSwitch';
import { TransferOffers } from './shell/TransferOffers';
import { UserMenu } from './shell/UserMenu';
import { CountBadge } from './ui/CountBadge';
import { ToastRegion } from './ui/ToastRegion';
import { useWorkspace, WorkspaceProvider } from './workspace';
import { loadMe } from './workspace-data';

/** Every page but login: signed-in only, with the header, live badges and global prompts. */
export function AppShell(props: RouteSectionProps) {
  const { session } = useRuntime();
  const location = useLocation();
  // location.pathname includes the base (/console); navigate() adds it again.
  const base = useHref(useResolvedPath(() => '/'));
  const here = () => location.pathname.slice((base() ?? '/').replace(/\/$/, '').length) + location.search;
  return (
    <Show when={session.token()} keyed fallback={<Navigate href={`/login?next=${encodeURIComponent(here())}`} />}>
      {(token) => <SignedInShell token={token}>{props.children}</SignedInShell>}
    </Show>
  );
}

function SignedInShell(props: ParentProps<{ token: string }>) {
  const { client, session } = useRuntime();
  const [me, { refetch }] = createResource(
    () => props.token,
    () => loadMe(client),
  );

  return (
    <Switch>
      <Match when={me.error}>
        <main class="page page-centered">
          <div class="empty-state" role="alert">
            <h2>Could not load your account</h2>
            <p class="muted">{errorMessage(me.error)}</p>
            <div class="row">
              <button type="button" class="button button-primary" onClick={() => refetch()}>
                Try again
              </button>
              <button type="button" class="button" onClick={() => session.signOut()}>
                Sign out
              </button>
            </div>
          </div>
        </main>
      </Match>
      <Match when={me()}>
        {(loaded) => (
          <WorkspaceProvider me={loaded()}>
            <Chrome>{props.children}</Chrome>
          </WorkspaceProvider>
        )}
      </Match>
      <Match when={me.loading}>
        <main class="page page-centered" aria-busy="true">
          <div class="spinner" role="status" aria-label="Loading the console" />
        </main>
      </Match>
    </Switch>
  );
}

function Chrome(props: ParentProps) {
  const workspace = useWorkspace();
  const badges = () => workspace.badges();
  // What needs attention shows in the browser tab too: waiting visitors and unread messages.
  createEffect(() => {
    const attention = (badges()?.incoming ?? 0) + (badges()?.unread ?? 0) + (badges()?.transfersToMe ?? 0);
    document.title = attention > 0 ? `(${attention}) Live Chat Console` : 'Live Chat Console';
  });
  onCleanup(() => (document.title = 'Live Chat Console'));
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="shell-header">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            LC
          </span>
          <span>Live Chat</span>
        </div>
        <nav class="shell-nav" aria-label="Main">
          <A href="/dashboard" activeClass="is-active">
            Dashboard
            <CountBadge count={badges()?.incoming ?? 0} label={(n) => `${n} incoming ${n === 1 ? 'chat' : 'chats'} not yet answered`} tone="alert" />
          </A>
          <A href="/chats" activeClass="is-active">
            Chats
            <CountBadge count={badges()?.myChats ?? 0} label={(n) => `${n} ${n === 1 ? 'chat' : 'chats'} you are handling`} />
            <CountBadge count={badges()?.transfersToMe ?? 0} label={(n) => `${n} ${n === 1 ? 'transfer' : 'transfers'} waiting for your answer`} tone="alert" />
          </A>
          <Show when={workspace.me()?.role === 'ADMIN'}>
            <A href="/admin" activeClass="is-active">
              Admin
            </A>
          </Show>
        </nav>
        <div class="shell-header-end">
          <PresenceSwitch />
          <UserMenu />
        </div>
      </header>
      <ConnectionBanner />
      <TransferOffers />
      <NotificationCenter />
      <main id="main" class="shell-main" tabindex="-1">
        <ErrorBoundary
          fallback={(error, reset) => (
            <div class="page page-centered">
              <div class="empty-state" role="alert">
                <h2>This part of the console failed</h2>
                <p class="muted">{errorMessage(error)}</p>
                <button type="button" class="button button-primary" onClick={reset}>
                  Reload this view
                </button>
              </div>
            </div>
          )}
        >
          {props.children}
        </ErrorBoundary>
      </main>
      <ToastRegion />
    </div>
  );
}
