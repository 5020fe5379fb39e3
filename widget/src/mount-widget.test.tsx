import { fireEvent } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { mountWidget, type MountedWidget } from './mount-widget';

describe('mountWidget', () => {
  let widget: MountedWidget | undefined;
  afterEach(() => {
    widget?.dispose();
    widget = undefined;
  });

  function mount(): MountedWidget {
    widget = mountWidget({
      channel: 'ch_test',
      graphqlEndpoint: 'https://chat.example.com/graphql',
      container: document.body,
    });
    return widget;
  }

  it('renders the launcher inside an open shadow root with its own styles', () => {
    const { host, shadowRoot } = mount();

    expect(host.parentElement).toBe(document.body);
    expect(host.dataset.chatWidgetChannel).toBe('ch_test');
    expect(host.shadowRoot).toBe(shadowRoot);
    expect(shadowRoot.mode).toBe('open');

    const button = shadowRoot.querySelector('button.launcher');
    expect(button?.textContent).toBe('Chat with us');
    expect(shadowRoot.querySelector('style')?.textContent).toContain('.launcher');
    // Nothing leaks into the host page's light DOM.
    expect(document.querySelector('button')).toBeNull();
    expect(document.head.querySelector('style')).toBeNull();
  });

  it('toggles on click (Solid event delegation across the shadow boundary) and via open/close', () => {
    const { shadowRoot, open, close } = mount();
    const button = shadowRoot.querySelector('button.launcher');
    if (!button) throw new Error('launcher not rendered');

    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');

    open();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    close();
    expect(button.getAttribute('aria-expanded')).toBe('false');
  });

  it('removes the host element on dispose', () => {
    const { host, dispose } = mount();
    dispose();
    widget = undefined;

    expect(host.isConnected).toBe(false);
    expect(document.body.children).toHaveLength(0);
  });
});
