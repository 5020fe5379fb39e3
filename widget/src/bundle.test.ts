import { afterEach, describe, expect, inject, it, vi } from 'vitest';

// Runs the production widget.js (built by test/build-widget-bundle.ts) the way a host page
// would: as a classic <script>, in a fresh iframe so each test gets a clean global scope.
interface HostWindow extends Window {
  ChatWidget?: { open(): void; close(): void; identify(visitor: object): void };
  console: Console;
}

function createHostPage() {
  const iframe = document.createElement('iframe');
  document.body.append(iframe);
  const win = iframe.contentWindow as HostWindow | null;
  const doc = iframe.contentDocument;
  if (!win || !doc) throw new Error('iframe has no browsing context');
  return { win, doc };
}

/** Executes the bundle as an embed script; returns the globals it added. */
function runWidgetScript({ win, doc }: ReturnType<typeof createHostPage>, channel?: string): string[] {
  const globalsBefore = new Set(Object.getOwnPropertyNames(win));
  const script = doc.createElement('script');
  if (channel) script.dataset.channel = channel;
  script.textContent = inject('widgetBundle');
  doc.body.append(script);
  return Object.getOwnPropertyNames(win).filter((name) => !globalsBefore.has(name));
}

describe('built widget.js', () => {
  afterEach(() => {
    document.body.replaceChildren();
    vi.restoreAllMocks();
  });

  it('exposes exactly one global, ChatWidget with open/close/identify, and renders into a shadow root', () => {
    const page = createHostPage();
    vi.spyOn(page.win.console, 'warn').mockImplementation(() => {});
    const newGlobals = runWidgetScript(page, 'ch_demo');
    const { win, doc } = page;

    expect(newGlobals).toEqual(['ChatWidget']);
    expect(Object.keys(win.ChatWidget ?? {}).sort()).toEqual(['close', 'identify', 'open']);
    for (const name of ['open', 'close', 'identify'] as const) expect(typeof win.ChatWidget?.[name]).toBe('function');

    const host = doc.querySelector<HTMLElement>('[data-chat-widget-channel]');
    expect(host?.dataset.chatWidgetChannel).toBe('ch_demo');
    const sheets = [...(host?.shadowRoot?.adoptedStyleSheets ?? [])];
    expect(sheets.flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText)).join('\n')).toContain('.launcher');
    expect(host?.shadowRoot?.querySelector('style')).toBeNull();
    // Styles and markup stay inside the shadow root.
    expect(doc.querySelector('button, style, link')).toBeNull();
    expect(() => {
      win.ChatWidget?.identify({ name: 'Ada', email: 'ada@example.com' });
      win.ChatWidget?.open();
      win.ChatWidget?.close();
    }).not.toThrow();
  });

  it('warns and renders nothing when data-channel is missing', () => {
    const page = createHostPage();
    const warn = vi.spyOn(page.win.console, 'warn').mockImplementation(() => {});

    runWidgetScript(page);

    expect(warn).toHaveBeenCalledWith(expect.stringContaining('data-channel'));
    expect(page.doc.querySelector('[data-chat-widget-channel]')).toBeNull();
    expect(() => page.win.ChatWidget?.open()).not.toThrow();
  });
});
