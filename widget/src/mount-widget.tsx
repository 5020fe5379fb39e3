import { createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import type { EmbedOptions } from './embed-options';
import { createGraphqlClient, createSocket } from './graphql-client';
import { ChatWidget, type Identity } from './ChatWidget';
import { readStored } from './storage';
import styles from './widget.css?inline';

export interface MountWidgetOptions {
  options: EmbedOptions;
  graphqlEndpoint: string;
  container: HTMLElement;
}

export interface MountedWidget {
  host: HTMLElement;
  shadowRoot: ShadowRoot;
  open(): void;
  close(): void;
  identify(identity: Identity): void;
  dispose(): void;
}

// Events that must not reach the host page's own shortcuts and click-outside handlers.
const CONTAINED_EVENTS = ['keydown', 'keyup', 'keypress', 'click', 'mousedown', 'pointerdown', 'touchstart', 'focusin', 'input', 'paste'];

export function mountWidget({ options, graphqlEndpoint, container }: MountWidgetOptions): MountedWidget {
  // A custom element, not a <div>: page rules such as `div { display: none }` do not match it.
  const host = document.createElement('chat-widget-host');
  host.dataset.chatWidgetChannel = options.channel;
  const shadowRoot = host.attachShadow({ mode: 'open' });

  // A document-level <link>/<style> would not reach inside the shadow root. A constructed sheet, unlike
  // a <style> element, is not inline style to the host page's CSP: no style-src 'unsafe-inline' needed.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(styles);
  shadowRoot.adoptedStyleSheets = [sheet];
  const root = document.createElement('div');
  root.className = 'widget';
  for (const type of CONTAINED_EVENTS) root.addEventListener(type, (event) => event.stopPropagation());
  shadowRoot.append(root);
  container.append(host);

  const tokenKey = `token@${new URL(graphqlEndpoint).origin}`;
  const getToken = () => readStored(tokenKey);
  const socket = createSocket({ endpoint: graphqlEndpoint, getToken });
  const client = createGraphqlClient({ endpoint: graphqlEndpoint, getToken });

  // Open or minimised survives a reload of this tab (not other tabs).
  const openKey = `chat-widget:open:${options.channel}`;
  const [isOpen, setOpenSignal] = createSignal(safeSession(() => sessionStorage.getItem(openKey)) === '1');
  const setOpen = (open: boolean) => {
    setOpenSignal(open);
    safeSession(() => sessionStorage.setItem(openKey, open ? '1' : '0'));
  };
  const [identity, setIdentity] = createSignal<Identity>({ prefill: {}, emailSignature: options.emailSignature });

  const disposeRender = render(
    () => <ChatWidget options={options} endpoint={graphqlEndpoint} client={client} socket={socket} controls={{ open: isOpen, setOpen, identity }} />,
    root,
  );

  return {
    host,
    shadowRoot,
    open: () => setOpen(true),
    close: () => setOpen(false),
    identify(next) {
      // A signature belongs to one email: another email without a signature of its own goes unsigned.
      const email = next.prefill.email;
      const keep = !email || email === (identity().prefill.email ?? options.prefill.email);
      setIdentity({
        prefill: { ...identity().prefill, ...next.prefill },
        emailSignature: next.emailSignature ?? (keep ? identity().emailSignature : undefined),
      });
    },
    dispose() {
      disposeRender();
      void socket.dispose();
      host.remove();
    },
  };
}

function safeSession<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
