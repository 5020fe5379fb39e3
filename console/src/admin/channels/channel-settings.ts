// What the channel settings form offers and checks that is not the form's state: its sections, the
// fields the server may name, suggestions, and the FAQ folders and colour contrast it shows.

export interface FolderOption {
  id: string;
  name: string;
  parent?: { id: string } | null;
}

/** Every input field the server may name in a VALIDATION or CONFLICT error. */
export const SERVER_FIELDS = [
  'name',
  'language',
  'badgeHeader',
  'description',
  'timeZone',
  'openingHoursEnabled',
  'openingHours',
  'warnAgentsAfterMinutes',
  'warnManagersAfterMinutes',
  'widgetTheme',
  'widgetColor',
  'widgetFont',
  'widgetLogoUrl',
  'showAgentPhoto',
  'widgetHeader',
  'welcomeMessage',
  'queueMessage',
  'prechatEnabled',
  'prechatRequiredFields',
  'faqSuggestionsEnabled',
  'faqFolderId',
  'offlineHeader',
  'offlineMessage',
  'offlineCreatesRequest',
  'offlineRequiredFields',
  'offlineAfterWaitMinutes',
  'offlineAfterQueueLength',
  'postchatEnabled',
  'postchatRating',
  'postchatTranscript',
] as const;

export const CHANNEL_SECTIONS = [
  { id: 'general', title: 'General' },
  { id: 'hours', title: 'Opening hours' },
  { id: 'warnings', title: 'Warnings' },
  { id: 'widget', title: 'Widget' },
  { id: 'prechat', title: 'Pre-chat form' },
  { id: 'offline', title: 'Offline form' },
  { id: 'postchat', title: 'Post-chat form' },
] as const;

export const LANGUAGE_SUGGESTIONS = [
  ['en', 'English'],
  ['nb', 'Norwegian Bokmål'],
  ['nn', 'Norwegian Nynorsk'],
  ['sv', 'Swedish'],
  ['da', 'Danish'],
  ['fi', 'Finnish'],
  ['de', 'German'],
  ['fr', 'French'],
  ['es', 'Spanish'],
  ['nl', 'Dutch'],
  ['it', 'Italian'],
  ['pt', 'Portuguese'],
  ['pl', 'Polish'],
] as const;

export const FONT_SUGGESTIONS = [
  'system-ui, sans-serif',
  'Inter, system-ui, sans-serif',
  'Arial, Helvetica, sans-serif',
  'Georgia, serif',
  '"Segoe UI", Roboto, sans-serif',
];

/** Folders as "Parent / Child" paths, sorted, for a select. */
export function folderPaths(folders: readonly FolderOption[]): { id: string; path: string }[] {
  const byId = new Map(folders.map((f) => [f.id, f]));
  const pathOf = (folder: FolderOption, seen = new Set<string>()): string => {
    const parent = folder.parent ? byId.get(folder.parent.id) : undefined;
    if (!parent || seen.has(parent.id)) return folder.name;
    seen.add(folder.id);
    return `${pathOf(parent, seen)} / ${folder.name}`;
  };
  return folders.map((f) => ({ id: f.id, path: pathOf(f) })).sort((a, b) => a.path.localeCompare(b.path));
}

/** WCAG contrast ratio of white text on a #rrggbb background. */
export function contrastWithWhite(hex: string): number | null {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) return null;
  const channel = (value: string) => {
    const c = parseInt(value, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(match[1]!) + 0.7152 * channel(match[2]!) + 0.0722 * channel(match[3]!);
  return 1.05 / (luminance + 0.05);
}
