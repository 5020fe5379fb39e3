import { afterEach, describe, expect, it } from 'vitest';
import { focusables, trapTab } from './focus-trap';

function dialogInShadowRoot() {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
    <div class="panel">
      <button id="close">Close</button>
      <input id="name">
      <input id="file" type="file" hidden>
      <button id="busy" disabled>Busy</button>
      <div hidden><button id="inHidden">x</button></div>
      <textarea id="message"></textarea>
      <button id="send">Send</button>
    </div>
    <button id="launcher">Chat</button>`;
  const panel = root.querySelector<HTMLElement>('.panel')!;
  const byId = (id: string) => root.getElementById(id) as HTMLElement;
  return { root, panel, byId };
}

function tab(panel: HTMLElement, shiftKey = false) {
  const event = new KeyboardEvent('keydown', { key: 'Tab', shiftKey, cancelable: true, bubbles: true });
  trapTab(event, panel);
  return event.defaultPrevented;
}

describe('focus trap', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists what Tab reaches, skipping hidden and disabled elements', () => {
    const { panel } = dialogInShadowRoot();
    expect(focusables(panel).map((el) => el.id)).toEqual(['close', 'name', 'message', 'send']);
  });

  it('wraps from the last element to the first and back, and lets Tab move freely in between', () => {
    const { panel, byId, root } = dialogInShadowRoot();
    byId('send').focus();
    expect(tab(panel)).toBe(true);
    expect(root.activeElement).toBe(byId('close'));

    expect(tab(panel, true)).toBe(true);
    expect(root.activeElement).toBe(byId('send'));

    byId('name').focus();
    expect(tab(panel)).toBe(false);
    expect(tab(panel, true)).toBe(false);
  });

  it('pulls focus back in from outside the dialog', () => {
    const { panel, byId, root } = dialogInShadowRoot();
    byId('launcher').focus();
    expect(tab(panel)).toBe(true);
    expect(root.activeElement).toBe(byId('close'));
  });

  it('ignores other keys', () => {
    const { panel, byId, root } = dialogInShadowRoot();
    byId('send').focus();
    const event = new KeyboardEvent('keydown', { key: 'Enter', cancelable: true });
    trapTab(event, panel);
    expect(event.defaultPrevented).toBe(false);
    expect(root.activeElement).toBe(byId('send'));
  });
});
