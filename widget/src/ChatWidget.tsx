import type { Client as WsClient } from 'graphql-ws';
import { createEffect, createMemo, createSignal, type JSX, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { WS_TOO_MANY_REQUESTS } from '@livechat/chat-client/socket';
import { createChatStore, type WidgetChannel } from './chat-store';
import { ChatView } from './ChatView';
import { resolvePrefills, type EmbedOptions, type VisitorPrefill } from './embed-options';
import { FaqSuggestions } from './FaqSuggestions';
import { focusables, trapTab } from './focus-trap';
import type { GraphqlClient } from './graphql-client';
import { fill, stringsFor } from './i18n';
import { Launcher } from './Launcher';
import { WIDGET_CHANNEL } from './operations';
import { PostChat } from './PostChat';
import { QueueMessage } from './QueueMessage';
import { createVisitorForms, type Screen } from './visitor-forms';
import { VisitorForm } from './VisitorForm';

export interface Identity {
  prefill: VisitorPrefill;
  emailSignature?: string;
}

export interface WidgetControls {
  open: () => boolean;
  setOpen: (open: boolean) => void;
  /** What the page told through data- attributes and `ChatWidget.identify()`; a new value each time identify() runs. */
  identity: () => Identity;
}

export interface ChatWidgetProps {
  options: EmbedOptions;
  endpoint: string;
  client: GraphqlClient;
  socket: WsClient;
  controls: WidgetControls;
}

/** Readable text (black or white) on the accent colour, for #rgb and #rrggbb colours. */
function textOn(color: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1] ?? '0';
  const rgb = parseInt(hex.length === 3 ? hex.replace(/./g, '$&$&') : hex, 16);
  return (rgb >> 16) * 0.299 + ((rgb >> 8) & 255) * 0.587 + (rgb & 255) * 0.114 > 160 ? '#111' : '#fff';
}

export function ChatWidget(props: ChatWidgetProps) {
  const apiOrigin = new URL(props.endpoint).origin;
  const [config, setConfig] = createSignal<WidgetChannel>();
  const t = createMemo(() => stringsFor(config()?.language ?? 'en'));
  const store = createChatStore({
    channelId: props.options.channel,
    endpoint: props.endpoint,
    client: props.client,
    socket: props.socket,
    tokenKey: `token@${apiOrigin}`,
    config,
    t,
  });
  const [screen, setScreen] = createSignal<Screen>('form');
  const [returning, setReturning] = createSignal(false);
  const [visible, setVisible] = createSignal(document.visibilityState !== 'hidden');
  let panel: HTMLDivElement | undefined;
  let launcherBox: HTMLDivElement | undefined;

  async function loadConfig(): Promise<void> {
    const { data, errors } = await props.client(WIDGET_CHANNEL, { id: props.options.channel });
    // A token the server no longer knows (revoked, or from a database since reset) refuses every request: start afresh.
    if (errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && store.hasToken()) {
      store.resetVisitor();
      return loadConfig();
    }
    if (data) setConfig(data.widgetChannel);
    else if (!config()) console.warn(`[ChatWidget] Channel ${props.options.channel} could not be loaded: ${errors?.[0]?.message ?? 'no data'}`);
  }

  onMount(() => {
    void loadConfig().then(() => config() && store.resume());
  });

  const onVisibility = () => setVisible(document.visibilityState !== 'hidden');
  document.addEventListener('visibilitychange', onVisibility);
  onCleanup(() => document.removeEventListener('visibilitychange', onVisibility));

  // identify() during a chat updates the visitor for the agent at once.
  createEffect(
    on(props.controls.identity, (identity) => store.sessionId() && void store.identify(identity.prefill, identity.emailSignature).catch(() => {}), {
      defer: true,
    }),
  );

  const view = () => {
    const status = store.status();
    if (store.sessionId()) return status === 'ENDED' && !returning() ? 'post' : 'chat';
    if (screen() === 'form' && config() && !config()!.availability.online) return 'offline';
    return screen();
  };

  // A fresh look at availability whenever the widget opens outside a chat: no polling in between.
  createEffect(on(props.controls.open, (open) => open && !store.sessionId() && config() && void loadConfig()));
  createEffect(on(store.status, () => setReturning(false)));

  // Read receipts: what an open, visible widget shows in the chat is read.
  createEffect(() => {
    if (props.controls.open() && visible() && view() === 'chat') {
      store.items();
      store.markRead();
    }
  });

  // Focus moves into the widget when it opens or its screen changes, and back to the launcher when it closes.
  createEffect(
    on([props.controls.open, view], ([open, screenShown], previous) => {
      // view() is re-read whenever a signal it reads changes (a refreshed configuration, say): focus
      // moves only when the widget opens or the screen really changes, never out of a field being typed in.
      if (previous && open === previous[0] && screenShown === previous[1]) return;
      if (open && panel)
        queueMicrotask(() => (panel!.querySelector<HTMLElement>('#composer') ?? focusables(panel!.querySelector('.body') as HTMLElement)[0])?.focus());
      else if (!open && previous?.[0]) launcherBox?.querySelector('button')?.focus();
    }),
  );

  const identity = () => props.controls.identity();
  const prefill = createMemo(() => (props.controls.open() ? { ...resolvePrefills(props.options.prefill, window), ...identity().prefill } : {}));
  const forms = createVisitorForms({ store, config, setConfig, setScreen, t, prefill, emailSignature: () => identity().emailSignature });
  const { busy, draft, describeError } = forms;

  const newChat = () => {
    store.forget();
    setScreen('form');
    forms.setDraft((d) => ({ ...d, message: '' }));
    void loadConfig();
  };

  const header = () => props.options.title ?? config()?.header ?? '';
  const dark = () => (props.options.theme ?? config()?.theme.toLowerCase()) === 'dark';
  const accent = () => props.options.color ?? config()?.color ?? '#2563eb';
  const style = (): JSX.CSSProperties => ({ '--accent': accent(), '--on-accent': textOn(accent()), '--font': config()?.font ?? 'system-ui, sans-serif' });
  const open = () => props.controls.open();

  return (
    // An archived channel takes nothing new: it shows only to a visitor whose chat there is still open.
    <Show when={(!!store.sessionId() || config()?.availability.reason !== 'ARCHIVED') && config()}>
      {(channel) => (
        <div class={dark() ? 'frame dark' : 'frame'} style={style()}>
          <Show when={open()}>
            <div
              ref={panel}
              class="panel"
              role="dialog"
              aria-modal="true"
              aria-labelledby="widget-title"
              on:keydown={(event) => {
                if (event.key === 'Escape') props.controls.setOpen(false);
                else trapTab(event, panel!);
              }}
            >
              <div class="head">
                <Show when={channel().logoUrl}>
                  <img class="logo" src={channel().logoUrl!} alt="" />
                </Show>
                <div class="titles">
                  <h2 id="widget-title">{header()}</h2>
                  <p class="sub">
                    <Show when={store.agent() && view() === 'chat'} fallback={channel().description}>
                      <Show when={channel().showAgentPhoto && store.agent()!.photoUrl}>
                        <img class="avatar small" src={store.agent()!.photoUrl!} alt="" />
                      </Show>
                      {store.agent()!.displayName}
                    </Show>
                  </p>
                </div>
                <Show when={store.status() === 'QUEUED' || store.status() === 'ACTIVE'}>
                  <button type="button" class="head-button" on:click={() => void store.end().catch((error) => forms.setFormError(describeError(error)))}>
                    {t().endChat}
                  </button>
                </Show>
                <button type="button" class="head-button close" aria-label={t().close} on:click={() => props.controls.setOpen(false)}>
                  ✕
                </button>
              </div>
              <Show when={store.sessionId() && store.closeCode()}>
                <p class="banner" role="status">
                  {/* The server is limiting this address: the socket waits 30 to 60 s before it tries again. */}
                  {store.closeCode() === WS_TOO_MANY_REQUESTS ? fill(t().rateLimited, { seconds: 60 }) : t().reconnecting}
                </p>
              </Show>
              <Show when={forms.formError()}>
                <p class="banner error" role="alert">
                  {forms.formError()}
                </p>
              </Show>
              <div class="body">
                <Switch>
                  <Match when={view() === 'form'}>
                    <VisitorForm
                      id="prechat"
                      t={t()}
                      fields={forms.formFields(channel().prechatRequiredFields)}
                      required={channel().prechatRequiredFields}
                      initial={{ ...prefill(), ...draft() }}
                      emailLocked={forms.emailLocked()}
                      messageLabel={t().question}
                      submitLabel={t().startChat}
                      busy={busy()}
                      serverErrors={forms.serverErrors()}
                      onSubmit={forms.submitPrechat}
                    />
                  </Match>
                  <Match when={view() === 'faq'}>
                    <FaqSuggestions
                      t={t()}
                      suggestions={forms.suggestions()}
                      busy={busy()}
                      onStartAnyway={forms.startPending}
                      onSolved={() => setScreen('solved')}
                    />
                  </Match>
                  <Match when={view() === 'solved'}>
                    <div class="done" role="status">
                      <p>{t().faqThanks}</p>
                      <button type="button" on:click={newChat}>
                        {t().newChat}
                      </button>
                    </div>
                  </Match>
                  <Match when={view() === 'offline'}>
                    <VisitorForm
                      id="offline"
                      t={t()}
                      fields={forms.formFields(channel().offlineRequiredFields, ['NAME', 'EMAIL'])}
                      required={channel().offlineRequiredFields}
                      initial={{ ...prefill(), ...draft() }}
                      emailLocked={forms.emailLocked()}
                      messageLabel={t().message}
                      submitLabel={t().offlineSend}
                      busy={busy()}
                      serverErrors={forms.serverErrors()}
                      onSubmit={forms.submitOffline}
                    >
                      <h3>{channel().offlineHeader}</h3>
                      <p>{channel().offlineMessage}</p>
                    </VisitorForm>
                  </Match>
                  <Match when={view() === 'offlineDone'}>
                    <div class="done" role="status">
                      <p class="request">{forms.requestNumber() ? fill(t().offlineNumber, { number: forms.requestNumber()! }) : t().offlineDone}</p>
                    </div>
                  </Match>
                  <Match when={view() === 'chat'}>
                    <ChatView
                      store={store}
                      t={t()}
                      language={channel().language}
                      showAgentPhoto={channel().showAgentPhoto}
                      maxAttachmentBytes={channel().maxAttachmentBytes}
                      apiOrigin={apiOrigin}
                      banner={
                        <Show when={store.status() === 'QUEUED'}>
                          <QueueMessage template={channel().queueMessage} queue={store.queue()} waitingText={t().waiting} />
                        </Show>
                      }
                    />
                  </Match>
                  <Match when={view() === 'post'}>
                    <PostChat
                      store={store}
                      config={channel()}
                      t={t()}
                      email={prefill().email ?? draft().email ?? ''}
                      describeError={describeError}
                      onReturn={() => setReturning(true)}
                      onNewChat={newChat}
                    />
                  </Match>
                </Switch>
              </div>
            </div>
          </Show>
          <div ref={launcherBox}>
            <Launcher
              label={channel().badgeHeader}
              open={open()}
              unread={store.unreadCount()}
              unreadLabel={fill(t().unread, { count: store.unreadCount() })}
              onToggle={() => props.controls.setOpen(!open())}
            />
          </div>
        </div>
      )}
    </Show>
  );
}
