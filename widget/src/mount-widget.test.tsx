import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountWidget, type MountedWidget } from './mount-widget';

describe('mountWidget', () => {
  let widget: MountedWidget | undefined;
  afterEach(() => {
    widget?.dispose();
    widget = undefined;
  });

  function mount(): MountedWidget {
    widget = mountWidget({
      options: { channel: 'ch_test', prefill: { name: undefined, email: undefined, phone: undefined, company: undefined } },
      // Nothing listens here: these tests are about the shell, not the conversation.
      graphqlEndpoint: 'http://127.0.0.1:9/graphql',
      container: document.body,
    });
    return widget;
  }

  it('renders into an open shadow root on a custom element, with its own styles', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { host, shadowRoot } = mount();

    expect(host.parentElement).toBe(document.body);
    // Not a <div>: host-page rules like `div { display: none }` cannot match it.
    expect(host.tagName).toBe('CHAT-WIDGET-HOST');
    expect(host.dataset.chatWidgetChannel).toBe('ch_test');
    expect(host.shadowRoot).toBe(shadowRoot);
    expect(shadowRoot.mode).toBe('open');
    // A constructed sheet, not a <style> element: a host page's CSP without style-src 'unsafe-inline' would block that.
    expect(shadowRoot.querySelector('style')).toBeNull();
    const css = [...shadowRoot.adoptedStyleSheets].flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText)).join('\n');
    expect(css).toContain('.launcher');
    expect(css).toMatch(/:host\s*{\s*all: initial !important;\s*display: block !important;/);
    // Nothing leaks into the host page's light DOM.
    expect(document.querySelector('button')).toBeNull();
    expect(document.head.querySelector('style')).toBeNull();
  });

  it('keeps key presses and clicks inside the widget away from the page’s own handlers', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { shadowRoot } = mount();
    const pageSaw: string[] = [];
    const listener = (event: Event) => pageSaw.push(event.type);
    for (const type of ['keydown', 'click']) document.addEventListener(type, listener);
    const inside = shadowRoot.querySelector('.widget')!;
    const probe = document.createElement('input');
    inside.append(probe);

    probe.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true, composed: true }));
    probe.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    document.body.dispatchEvent(new MouseEvent('click', { bubbles: true }));

    for (const type of ['keydown', 'click']) document.removeEventListener(type, listener);
    expect(pageSaw).toEqual(['click']);
  });

  it('removes the host element on dispose', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { host, dispose } = mount();
    dispose();
    widget = undefined;

    expect(host.isConnected).toBe(false);
    expect(document.body.children).toHaveLength(0);
  });
});
