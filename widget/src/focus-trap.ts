/** The elements Tab can reach inside `container`, in order. */
export function focusables(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>('a[href],button,input,textarea,summary,[tabindex="0"]')).filter(
    (el) => !(el as HTMLInputElement).disabled && !el.closest('[hidden]'),
  );
}

/**
 * Keeps Tab and Shift+Tab inside `container` (the open widget): from the last element Tab
 * goes to the first, from the first Shift+Tab to the last. Call from a keydown listener.
 */
export function trapTab(event: KeyboardEvent, container: HTMLElement): void {
  const list = focusables(container);
  if (event.key !== 'Tab' || !list.length) return;
  const active = (container.getRootNode() as ShadowRoot).activeElement;
  const edge = event.shiftKey ? list[0] : list[list.length - 1];
  if (active === edge || !container.contains(active)) {
    event.preventDefault();
    (event.shiftKey ? list[list.length - 1] : list[0])!.focus();
  }
}
