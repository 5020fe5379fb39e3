import { For } from 'solid-js';
import { formatDuration } from '../ui/format';
import type { DashboardSnapshot } from './operations';

type Stats = DashboardSnapshot['stats'];

interface Tile {
  label: string;
  value: (stats: Stats, elapsed: number) => string;
  hint?: string;
  tone?: (stats: Stats) => 'alert' | undefined;
}

const tiles: Tile[] = [
  { label: 'Waiting', value: (s) => String(s.waiting), hint: 'Visitors in the queue now', tone: (s) => (s.waiting > 0 ? 'alert' : undefined) },
  // The longest wait keeps growing between snapshots.
  {
    label: 'Longest wait',
    value: (s, elapsed) => (s.longestWaitSeconds == null ? '–' : formatDuration(s.longestWaitSeconds + elapsed)),
    hint: 'The visitor waiting longest',
  },
  { label: 'Agents present', value: (s) => String(s.agentsPresent), hint: 'Present members who can respond' },
  { label: 'Active sessions', value: (s) => String(s.activeSessions), hint: 'Chats being handled now' },
  { label: "Today's chats", value: (s) => String(s.chatsToday), hint: 'Requested today, missed included' },
  { label: 'Average wait', value: (s) => formatDuration(s.averageWaitSeconds), hint: 'Of chats queued today' },
  { label: 'Time to accept', value: (s) => formatDuration(s.averageTimeToAcceptSeconds), hint: 'Average, of chats taken today' },
  {
    label: 'Missed today',
    value: (s) => String(s.missedToday),
    hint: 'Ended in the queue or went offline',
    tone: (s) => (s.missedToday > 0 ? 'alert' : undefined),
  },
  {
    label: 'Average rating',
    value: (s) => (s.averageRating == null ? '–' : `${s.averageRating.toFixed(1)} / 5`),
    hint: 'Of chats rated today',
  },
];

export function StatTiles(props: { stats: Stats | undefined; elapsedSeconds: number }) {
  return (
    <ul class="stat-tiles" aria-label="Live statistics" aria-busy={!props.stats}>
      <For each={tiles}>
        {(tile) => (
          <li class="stat-tile" classList={{ 'stat-tile-alert': !!props.stats && tile.tone?.(props.stats) === 'alert' }}>
            <span class="stat-label">{tile.label}</span>
            <span class="stat-value">
              {props.stats ? tile.value(props.stats, props.elapsedSeconds) : <span class="skeleton-text" role="img" aria-label="Loading" />}
            </span>
            <span class="stat-hint">
              {tile.hint}
              {tile.label === 'Average rating' && props.stats ? ` (${props.stats.ratingsToday})` : ''}
            </span>
          </li>
        )}
      </For>
    </ul>
  );
}
