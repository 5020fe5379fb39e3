import { graphqlEndpointFromScriptSrc } from './graphql-client';
import { mountWidget, type MountedWidget } from './mount-widget';

// Must be read while this classic script executes: it is null afterwards (and for module scripts).
const ownScript = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

let widget: MountedWidget | undefined;

function boot(): void {
  const channel = ownScript?.dataset.channel;
  if (!ownScript || !channel) {
    console.warn('[ChatWidget] The widget <script> tag needs a data-channel attribute; not rendering.');
    return;
  }
  widget = mountWidget({
    channel,
    // `src` is already absolute; an inlined copy of the bundle has none and uses the page's base URL.
    graphqlEndpoint: graphqlEndpointFromScriptSrc(ownScript.src || document.baseURI),
    container: document.body,
  });
}

// A `defer`/`async` script runs with <body> present; a blocking one in <head> does not.
if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot, { once: true });

// These exports become `window.ChatWidget` (build.lib.name in vite.config.ts).
export function open(): void {
  widget?.open();
}

export function close(): void {
  widget?.close();
}
