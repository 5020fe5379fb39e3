/** The Chats tab's keyboard shortcuts, as shown in the help dialog and matched on keydown. */
export interface Shortcut {
  id: 'nextChat' | 'previousChat' | 'focusInput' | 'openInsert' | 'nextInQueue' | 'help' | 'send' | 'newLine';
  keys: string[];
  description: string;
}

export const shortcuts: Shortcut[] = [
  { id: 'nextChat', keys: ['Alt', '↓'], description: 'Next chat in the list' },
  { id: 'previousChat', keys: ['Alt', '↑'], description: 'Previous chat in the list' },
  { id: 'focusInput', keys: ['Alt', 'I'], description: 'Focus the reply box' },
  { id: 'send', keys: ['Enter'], description: 'Send the message (in the reply box)' },
  { id: 'newLine', keys: ['Shift', 'Enter'], description: 'New line (in the reply box)' },
  { id: 'openInsert', keys: ['Alt', 'K'], description: 'Open Insert: templates, FAQ, quick replies' },
  { id: 'nextInQueue', keys: ['Alt', 'N'], description: 'Get next in queue' },
  { id: 'help', keys: ['?'], description: 'Show these shortcuts' },
];

/** Which shortcut a keydown is, if any. Keys by `code` so Alt+letter works on every layout and OS. */
export function matchShortcut(event: KeyboardEvent): Shortcut['id'] | null {
  const typing = isTextInput(event.target);
  if (event.altKey && !event.ctrlKey && !event.metaKey) {
    if (event.key === 'ArrowDown') return 'nextChat';
    if (event.key === 'ArrowUp') return 'previousChat';
    if (event.code === 'KeyI') return 'focusInput';
    if (event.code === 'KeyK') return 'openInsert';
    if (event.code === 'KeyN') return 'nextInQueue';
  }
  if (!typing && event.key === '?' && !event.altKey && !event.ctrlKey && !event.metaKey) return 'help';
  return null;
}

function isTextInput(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
