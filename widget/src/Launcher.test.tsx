import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Launcher } from './Launcher';

describe('Launcher', () => {
  afterEach(cleanup);

  it('renders a "Chat with us" button whose expanded state follows the open prop', () => {
    const [open, setOpen] = createSignal(false);
    const onToggle = vi.fn(() => setOpen((value) => !value));
    render(() => <Launcher open={open()} onToggle={onToggle} />);

    const button = screen.getByRole('button', { name: 'Chat with us' });
    expect(button.getAttribute('type')).toBe('button');
    expect(button.getAttribute('aria-expanded')).toBe('false');

    fireEvent.click(button);

    expect(onToggle).toHaveBeenCalledTimes(1);
    expect(button.getAttribute('aria-expanded')).toBe('true');
  });
});
