import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Launcher } from './Launcher';

describe('Launcher', () => {
  afterEach(cleanup);

  it('shows the channel’s badge text and toggles, reporting its expanded state', () => {
    const [open, setOpen] = createSignal(false);
    const onToggle = vi.fn(() => setOpen((value) => !value));
    render(() => <Launcher label="Need help? Chat with support" open={open()} unread={0} unreadLabel="" onToggle={onToggle} />);

    const button = screen.getByRole('button', { name: 'Need help? Chat with support' });
    expect(button.getAttribute('type')).toBe('button');
    expect(button.getAttribute('aria-expanded')).toBe('false');

    fireEvent.click(button);

    expect(onToggle).toHaveBeenCalledTimes(1);
    expect(button.getAttribute('aria-expanded')).toBe('true');
  });

  it('shows the unread count only while minimised', () => {
    const [open, setOpen] = createSignal(false);
    const [unread, setUnread] = createSignal(2);
    render(() => <Launcher label="Chat" open={open()} unread={unread()} unreadLabel={`${unread()} unread`} onToggle={() => {}} />);

    expect(screen.getByLabelText('2 unread').textContent).toBe('2');
    setUnread(3);
    expect(screen.getByLabelText('3 unread').textContent).toBe('3');
    setOpen(true);
    expect(screen.queryByLabelText('3 unread')).toBeNull();
    setOpen(false);
    setUnread(0);
    expect(screen.queryByText('0')).toBeNull();
  });
});
