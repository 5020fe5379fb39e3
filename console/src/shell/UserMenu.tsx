import { createSignal, onCleanup, Show } from 'solid-js';
import { useRuntime } from '../runtime';
import { initials } from '../ui/format';
import { useWorkspace } from '../workspace';
import { NotificationSettings } from './NotificationSettings';
import { logout } from './shell-data';

export function UserMenu() {
  const { client, session } = useRuntime();
  const workspace = useWorkspace();
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;

  const onDocumentClick = (event: MouseEvent) => {
    if (open() && !root.contains(event.target as Node)) setOpen(false);
  };
  const onKey = (event: KeyboardEvent) => {
    if (open() && event.key === 'Escape') {
      setOpen(false);
      button.focus();
    }
  };
  document.addEventListener('click', onDocumentClick);
  document.addEventListener('keydown', onKey);
  onCleanup(() => {
    document.removeEventListener('click', onDocumentClick);
    document.removeEventListener('keydown', onKey);
  });

  async function signOut() {
    // Revoke the token on the server; sign out locally even if that fails (e.g. offline).
    session.beginSignOut();
    await logout(client).catch(() => undefined);
    session.signOut('You are signed out.');
  }

  return (
    <div class="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        class="user-menu-button"
        aria-haspopup="true"
        aria-expanded={open()}
        aria-controls="user-menu-panel"
        onClick={() => setOpen(!open())}
      >
        <span class="avatar avatar-small" aria-hidden="true">
          {initials(workspace.me()?.name)}
        </span>
        <span class="user-menu-name">{workspace.me()?.nickname || workspace.me()?.name}</span>
      </button>
      <Show when={open()}>
        <div id="user-menu-panel" class="popover user-menu-panel" role="region" aria-label="Account">
          <div class="user-menu-who">
            <strong>{workspace.me()?.name}</strong>
            <span class="muted">{workspace.me()?.email}</span>
          </div>
          <NotificationSettings />
          <button type="button" class="button button-block" onClick={signOut}>
            Sign out
          </button>
        </div>
      </Show>
    </div>
  );
}
