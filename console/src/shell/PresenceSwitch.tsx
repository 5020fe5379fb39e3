import { createSignal } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import { setPresence } from './shell-data';

/** Present takes chats and counts as online; Away does not. Chats you handle stay yours. */
export function PresenceSwitch() {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const [busy, setBusy] = createSignal(false);
  const present = () => workspace.me()?.presence === 'PRESENT';

  async function toggle() {
    const me = workspace.me();
    if (!me || busy()) return;
    setBusy(true);
    try {
      const saved = await setPresence(client, present() ? 'AWAY' : 'PRESENT');
      workspace.setMe({ ...me, presence: saved.presence });
    } catch (error) {
      showToast({ tone: 'error', message: `Could not change your presence: ${errorMessage(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <button
      type="button"
      role="switch"
      class="presence-switch"
      classList={{ 'is-present': present() }}
      aria-checked={present()}
      aria-label="Present (take new chats)"
      title={present() ? 'You are Present and receive chats. Click to go Away.' : 'You are Away. Click to become Present and receive chats.'}
      disabled={busy()}
      onClick={toggle}
    >
      <span class="presence-track" aria-hidden="true">
        <span class="presence-thumb" />
      </span>
      <span class="presence-label">{present() ? 'Present' : 'Away'}</span>
    </button>
  );
}
