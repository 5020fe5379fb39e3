import { A, type RouteSectionProps } from '@solidjs/router';
import { Show } from 'solid-js';
import { useWorkspace } from '../workspace';
import './admin.css';

export const ADMIN_SECTIONS = [
  { href: '/admin/channels', label: 'Channels' },
  { href: '/admin/agents', label: 'Agents' },
  { href: '/admin/templates', label: 'Reply templates' },
  { href: '/admin/faq', label: 'FAQ' },
  { href: '/admin/api-tokens', label: 'API tokens' },
] as const;

/** The administration pages, for admins only: anyone else gets a plain explanation instead. */
export function AdminArea(props: RouteSectionProps) {
  const workspace = useWorkspace();
  return (
    <Show when={workspace.me()?.role === 'ADMIN'} fallback={<AdminOnly />}>
      <div class="admin-area">
        <nav class="admin-nav" aria-label="Administration">
          <h2 class="admin-nav-title">Administration</h2>
          <ul>
            {ADMIN_SECTIONS.map((section) => (
              <li>
                <A href={section.href} activeClass="is-active">
                  {section.label}
                </A>
              </li>
            ))}
          </ul>
        </nav>
        <div class="admin-content">{props.children}</div>
      </div>
    </Show>
  );
}

function AdminOnly() {
  return (
    <div class="admin-area admin-area-denied">
      <div class="empty-state" role="alert">
        <h2>Administration is for admins</h2>
        <p class="muted">
          Your account is an agent account, so channels, agents, reply templates, FAQ and API tokens are managed by an admin. Ask one if something needs
          changing.
        </p>
        <A class="button button-primary" href="/dashboard">
          Go to the dashboard
        </A>
      </div>
    </div>
  );
}
