import { cleanup, render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueState } from './chat-store';
import { formatWait, queueText } from './format';
import { QueueMessage } from './QueueMessage';

const TEMPLATE = 'You are number {queuePosition} in the queue. Expected wait: {averageWait}.';

describe('formatWait', () => {
  it('gives hh:mm, rounding up to the next minute', () => {
    expect(formatWait(0)).toBe('00:00');
    expect(formatWait(1)).toBe('00:01');
    expect(formatWait(60)).toBe('00:01');
    expect(formatWait(61)).toBe('00:02');
    expect(formatWait(59 * 60 + 1)).toBe('01:00');
    expect(formatWait(2 * 3600 + 5 * 60)).toBe('02:05');
    expect(formatWait(125 * 3600)).toBe('125:00');
  });

  it('says nothing is known without data', () => {
    expect(formatWait(null)).toBe('\u2011\u2011:\u2011\u2011');
    expect(formatWait(undefined)).toBe('\u2011\u2011:\u2011\u2011');
    expect(formatWait(-5)).toBe('\u2011\u2011:\u2011\u2011');
  });
});

describe('queueText', () => {
  it('fills both variables wherever and however often they appear, leaving other braces', () => {
    expect(queueText('{queuePosition}/{queuePosition} {averageWait} {other}', 3, 150)).toBe('3/3 00:03 {other}');
  });
});

describe('QueueMessage', () => {
  afterEach(cleanup);

  it('shows the waiting text until the first status, then the channel’s message, updating live', () => {
    const [queue, setQueue] = createSignal<QueueState | null>(null);
    render(() => <QueueMessage template={TEMPLATE} queue={queue()} waitingText="Waiting for an agent…" />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Waiting for an agent…');

    setQueue({ position: 3, averageWaitSeconds: 250 });
    expect(status.textContent).toBe('You are number 3 in the queue. Expected wait: 00:05.');

    setQueue({ position: 2, averageWaitSeconds: 250 });
    expect(status.textContent).toBe('You are number 2 in the queue. Expected wait: 00:05.');

    setQueue({ position: 1, averageWaitSeconds: null });
    expect(status.textContent).toBe('You are number 1 in the queue. Expected wait: \u2011\u2011:\u2011\u2011.');
    // The same element all along: screen readers announce the change.
    expect(screen.getByRole('status')).toBe(status);
  });

  it('renders the channel’s own wording in its language', () => {
    render(() => (
      <QueueMessage
        template="Du er nummer {queuePosition} i køen. Forventet ventetid: {averageWait}."
        queue={{ position: 12, averageWaitSeconds: 3 * 3600 + 59 }}
        waitingText=""
      />
    ));
    expect(screen.getByRole('status').textContent).toBe('Du er nummer 12 i køen. Forventet ventetid: 03:01.');
  });
});
