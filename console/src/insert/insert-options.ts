import type { FaqItem, QuickReplyItem, TemplateItem } from './insert-source';

// The options of the insert menu (templates, FAQ entries, quick replies) and its tabs.

export type InsertTab = 'templates' | 'faq' | 'quick';

export type InsertOption =
  | { kind: 'template'; item: TemplateItem; key: string }
  | { kind: 'faq'; item: FaqItem; key: string }
  | { kind: 'quick'; item: QuickReplyItem; key: string };

export interface InsertOptionGroup {
  label: string;
  options: InsertOption[];
}

export const tabLabels: Record<InsertTab, string> = { templates: 'Templates', faq: 'FAQ', quick: 'Quick replies' };

export function templateOption(item: TemplateItem, prefix = 'tpl'): InsertOption {
  return { kind: 'template', item, key: `${prefix}-${item.id}` };
}
export function faqOption(item: FaqItem): InsertOption {
  return { kind: 'faq', item, key: `faq-${item.id}` };
}
export function quickOption(item: QuickReplyItem): InsertOption {
  return { kind: 'quick', item, key: `quick-${item.id}` };
}
export function optionId(option: InsertOption) {
  return `insert-option-${option.key}`;
}

export function nextTab(current: InsertTab, step: number): InsertTab {
  const order: InsertTab[] = ['templates', 'faq', 'quick'];
  return order[(order.indexOf(current) + step + order.length) % order.length]!;
}

export function emptyText(tab: InsertTab) {
  if (tab === 'templates') return 'No reply templates yet. Admins add them under Admin → Templates.';
  if (tab === 'faq') return 'No published FAQ entries yet.';
  return 'No quick replies yet. Use “Manage quick replies” to add your own.';
}

export function otherTabsHint(counts: Record<InsertTab, number>, current: InsertTab) {
  const others = (Object.keys(counts) as InsertTab[]).filter((k) => k !== current && counts[k] > 0);
  return others.length ? `Matches in ${others.map((k) => `${tabLabels[k]} (${counts[k]})`).join(', ')}.` : 'Try other words.';
}
