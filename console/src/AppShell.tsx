import { A, type RouteSectionProps } from '@solidjs/router';

export function AppShell(props: RouteSectionProps) {
  return (
    <div class="shell">
      <header class="shell-header">
        <h1 class="brand">Live Chat Console</h1>
        <nav class="shell-nav" aria-label="Main">
          <A href="/dashboard" activeClass="is-active">
            Dashboard
          </A>
          <A href="/chats" activeClass="is-active">
            Chats
          </A>
        </nav>
      </header>
      <main class="shell-main">{props.children}</main>
    </div>
  );
}
