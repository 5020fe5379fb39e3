import { useNavigate } from '@solidjs/router';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { useRuntime } from '../runtime';
import { formatDuration, visitorLabel } from '../ui/format';
import { dismissToast, showToast } from '../ui/toasts';
import { useWorkspace } from '../workspace';
import { playNewChatSound } from './sound';
import { ClockIcon } from '../ui/icons';
import type { QueuedChat } from './operations';
import { loadQueue } from './shell-data';

interface WaitWarning {
  sessionId: string;
  visitor: string;
  channel: string;
  minutes: number;
}

/**
 * New incoming chats announce themselves (browser notification and a chime, for channels where
 * I get notifications), and managers are warned when a chat waits past the channel's threshold.
 * The queue is read when agentEvents says it changed; the wait is counted locally, so nothing polls.
 */
export function NotificationCenter() {
  const { client } = useRuntime();
  const workspace = useWorkspace();
  const navigate = useNavigate();
  const [warnings, setWarnings] = createSignal<WaitWarning[]>([]);
  let known: Set<string> | null = null;
  const warnTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const warned = new Set<string>();
  /** The "new chat" toast of each waiting chat, dismissed once someone takes it. */
  const toasts = new Map<string, number>();

  async function refreshQueue() {
    let queue: QueuedChat[];
    try {
      queue = await loadQueue(client);
    } catch {
      return;
    }
    const receivedAt = Date.now();
    const ids = new Set(queue.map((q) => q.session.id));
    const fresh = known ? queue.filter((q) => !known!.has(q.session.id)) : [];
    known = ids;
    for (const [sessionId, toastId] of toasts)
      if (!ids.has(sessionId)) {
        dismissToast(toastId);
        toasts.delete(sessionId);
      }
    for (const chat of fresh) announce(chat);
    scheduleWarnings(queue, receivedAt);
  }

  function announce(chat: QueuedChat) {
    const me = workspace.me();
    const membership = workspace.membership(chat.session.channel.id);
    if (!me || !membership?.getsNotifications) return;
    const who = visitorLabel(chat.session.visitor);
    const preview = chat.session.messages.messages[0]?.body ?? '';
    if (me.notifySound) playNewChatSound();
    if (me.notifyBrowser) notify(`New chat in ${chat.session.channel.name}`, `${who}: ${preview}`, `chat-${chat.session.id}`, () => navigate('/dashboard'));
    if (document.hasFocus() && !location.pathname.endsWith('/dashboard'))
      toasts.set(
        chat.session.id,
        showToast({
          tone: 'info',
          message: `New chat from ${who} in ${chat.session.channel.name}.`,
          action: { label: 'Open dashboard', run: () => navigate('/dashboard') },
        }),
      );
  }

  function scheduleWarnings(queue: QueuedChat[], receivedAt: number) {
    const waiting = new Set(queue.map((q) => q.session.id));
    for (const [id, timer] of warnTimers)
      if (!waiting.has(id)) {
        clearTimeout(timer);
        warnTimers.delete(id);
      }
    setWarnings((list) => list.filter((w) => waiting.has(w.sessionId)));
    for (const chat of queue) {
      const membership = workspace.membership(chat.session.channel.id);
      const minutes = membership?.isManager ? membership.channel.warnManagersAfterMinutes : null;
      const id = chat.session.id;
      if (minutes == null || warned.has(id) || warnTimers.has(id)) continue;
      const dueInMs = warningDueInMs(minutes, chat.waitSeconds, Date.now() - receivedAt);
      warnTimers.set(
        id,
        setTimeout(() => {
          warnTimers.delete(id);
          warned.add(id);
          if (!workspace.me()?.notifyManagerWarnings) return;
          const warning = { sessionId: id, visitor: visitorLabel(chat.session.visitor), channel: chat.session.channel.name, minutes };
          setWarnings((list) => [...list, warning]);
          notify(`Waiting over ${formatDuration(minutes * 60)} in ${warning.channel}`, `${warning.visitor} is still waiting for an agent.`, `wait-${id}`, () =>
            navigate('/dashboard'),
          );
        }, dueInMs),
      );
    }
  }

  workspace.onAgentEvent((event) => {
    if (event.reasons.some((r) => r === 'queue' || r === 'initial' || r === 'resync' || r === 'channels')) void refreshQueue();
  });
  onCleanup(() => {
    for (const timer of warnTimers.values()) clearTimeout(timer);
  });

  return (
    <Show when={warnings().length > 0}>
      <div class="wait-warnings" role="alert">
        <For each={warnings()}>
          {(warning) => (
            <div class="wait-warning">
              <ClockIcon />
              <span>
                <strong>{warning.visitor}</strong> has waited over {formatDuration(warning.minutes * 60)} in {warning.channel}.
              </span>
              <button type="button" class="button button-small" onClick={() => navigate('/dashboard')}>
                Go to the queue
              </button>
              <button type="button" class="icon-button" aria-label="Dismiss warning" onClick={() => setWarnings((list) => list.filter((w) => w !== warning))}>
                ×
              </button>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}

/** How long until a chat that had waited `waitSeconds` when the queue was read `sinceReadMs` ago passes the threshold. */
export function warningDueInMs(thresholdMinutes: number, waitSeconds: number, sinceReadMs: number): number {
  return Math.max(0, thresholdMinutes * 60_000 - waitSeconds * 1000 - sinceReadMs);
}

function notify(title: string, body: string, tag: string, onClick: () => void) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the in-app toast remains.
  }
}
