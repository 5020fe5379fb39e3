import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import { saveNotificationSetting, type NotificationSetting } from './shell-data';

const settings: { key: NotificationSetting; label: string }[] = [
  { key: 'notifyBrowser', label: 'Browser notification for new chats' },
  { key: 'notifySound', label: 'Sound for new chats' },
  { key: 'notifyManagerWarnings', label: 'Warnings when a chat waits too long (managers)' },
];

/** The agent's own switches, saved on the server so they follow them to any browser. */
export function NotificationSettings() {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = createSignal<NotificationPermission | 'unsupported'>(supported ? Notification.permission : 'unsupported');

  async function toggle(key: NotificationSetting, value: boolean) {
    const me = workspace.me();
    if (!me) return;
    try {
      const saved = await saveNotificationSetting(client, me.id, key, value);
      workspace.setMe({ ...me, ...saved });
      if (key === 'notifyBrowser' && value && permission() === 'default') setPermission(await Notification.requestPermission());
    } catch (error) {
      showToast({ tone: 'error', message: `Could not save the setting: ${errorMessage(error)}` });
    }
  }

  return (
    <div class="settings-group" role="group" aria-labelledby="notification-settings-title">
      <h3 id="notification-settings-title">Notifications</h3>
      <For each={settings}>
        {(setting) => (
          <label class="checkbox">
            <input type="checkbox" checked={workspace.me()?.[setting.key] ?? false} onChange={(e) => toggle(setting.key, e.currentTarget.checked)} />
            <span>{setting.label}</span>
          </label>
        )}
      </For>
      <Show when={workspace.me()?.notifyBrowser && permission() === 'default'}>
        <button type="button" class="button button-small" onClick={async () => setPermission(await Notification.requestPermission())}>
          Allow browser notifications
        </button>
      </Show>
      <Show when={workspace.me()?.notifyBrowser && permission() === 'denied'}>
        <p class="muted small">Your browser blocks notifications for this site; allow them in its site settings.</p>
      </Show>
      <p class="muted small">Only for channels where you get notifications.</p>
    </div>
  );
}
