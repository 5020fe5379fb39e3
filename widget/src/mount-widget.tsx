import { Provider } from '@urql/solid';
import { createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { createGraphqlClient } from './graphql-client';
import { Launcher } from './Launcher';
import styles from './widget.css?inline';

export interface MountWidgetOptions {
  channel: string;
  graphqlEndpoint: string;
  container: HTMLElement;
}

export interface MountedWidget {
  host: HTMLElement;
  shadowRoot: ShadowRoot;
  open(): void;
  close(): void;
  dispose(): void;
}

export function mountWidget({ channel, graphqlEndpoint, container }: MountWidgetOptions): MountedWidget {
  const host = document.createElement('div');
  host.dataset.chatWidgetChannel = channel;
  const shadowRoot = host.attachShadow({ mode: 'open' });

  // A document-level <link>/<style> would not reach inside the shadow root.
  const style = document.createElement('style');
  style.textContent = styles;
  const root = document.createElement('div');
  root.className = 'widget';
  shadowRoot.append(style, root);
  container.append(host);

  const client = createGraphqlClient({ endpoint: graphqlEndpoint });
  const [isOpen, setOpen] = createSignal(false);
  const disposeRender = render(
    () => (
      <Provider value={client}>
        <Launcher open={isOpen()} onToggle={() => setOpen((open) => !open)} />
      </Provider>
    ),
    root,
  );

  return {
    host,
    shadowRoot,
    open: () => setOpen(true),
    close: () => setOpen(false),
    dispose() {
      disposeRender();
      host.remove();
    },
  };
}
