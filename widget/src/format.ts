import { fill } from './i18n';

/** `{averageWait}` as hh:mm (rounded up to the next minute, so a short wait never reads 00:00); "‑‑:‑‑" (non-breaking hyphens) without data. */
export function formatWait(seconds: number | null | undefined): string {
  if (seconds == null || seconds < 0 || !Number.isFinite(seconds)) return '\u2011\u2011:\u2011\u2011';
  const minutes = Math.ceil(seconds / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The channel's queue message with `{queuePosition}` and `{averageWait}` filled in. */
export function queueText(template: string, position: number | null | undefined, averageWaitSeconds: number | null | undefined): string {
  return fill(template, { queuePosition: position ?? '–', averageWait: formatWait(averageWaitSeconds) });
}

/** A message time in the visitor's own time zone. */
export function formatTime(iso: string, language: string): string {
  try {
    return new Date(iso).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
  } catch {
    return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }
}
