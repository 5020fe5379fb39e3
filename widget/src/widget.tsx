import { readEmbedOptions, type VisitorPrefill } from './embed-options';
import { graphqlEndpointFromScriptSrc } from './graphql-client';
import { mountWidget, type MountedWidget } from './mount-widget';

// Must be read while this classic script executes: it is null afterwards (and for module scripts).
const ownScript = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

let widget: MountedWidget | undefined;
// Calls made before the widget is mounted (the page ran identify() first) are replayed after.
const early: ((w: MountedWidget) => void)[] = [];

function boot(): void {
  const options = ownScript && readEmbedOptions(ownScript);
  if (!options) {
    console.warn('[ChatWidget] No data-channel on its <script> tag: not rendering.');
    return;
  }
  widget = mountWidget({
    options,
    // `src` is already absolute; an inlined copy of the bundle has none and uses the page's base URL.
    graphqlEndpoint: graphqlEndpointFromScriptSrc(ownScript!.src || document.baseURI),
    container: document.body,
  });
  for (const call of early.splice(0)) call(widget);
}

function withWidget(call: (w: MountedWidget) => void): void {
  if (widget) call(widget);
  else early.push(call);
}

// A `defer`/`async` script runs with <body> present; a blocking one in <head> does not.
if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot, { once: true });

// These exports become `window.ChatWidget` (build.lib.name in vite.config.ts).
export function open(): void {
  withWidget((w) => w.open());
}

export function close(): void {
  withWidget((w) => w.close());
}

/**
 * Tells the widget who the visitor is: prefills the forms and, during a chat, updates the visitor
 * for the agent. `signature` is the hex HMAC-SHA256 of the email with the channel's identity
 * secret, computed by the site's server; it makes the email verified.
 */
export function identify(visitor: VisitorPrefill & { signature?: string } = {}): void {
  const { signature, ...fields } = visitor;
  const prefill: VisitorPrefill = {};
  for (const key of ['name', 'email', 'phone', 'company'] as const) if (typeof fields[key] === 'string' && fields[key]) prefill[key] = fields[key];
  withWidget((w) => w.identify({ prefill, emailSignature: typeof signature === 'string' && signature ? signature : undefined }));
}
