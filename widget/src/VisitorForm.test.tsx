import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringsFor } from './i18n';
import { VisitorForm, type VisitorFormProps } from './VisitorForm';

const t = stringsFor('en');

function renderForm(overrides: Partial<VisitorFormProps> = {}) {
  const onSubmit = vi.fn();
  render(() => (
    <VisitorForm
      id="prechat"
      t={t}
      fields={['NAME', 'EMAIL', 'PHONE']}
      required={['NAME', 'EMAIL']}
      initial={{}}
      messageLabel={t.question}
      submitLabel={t.startChat}
      onSubmit={onSubmit}
      {...overrides}
    />
  ));
  return { onSubmit };
}

const type = (label: RegExp, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const errorOf = (label: RegExp) => {
  const input = screen.getByLabelText(label);
  const id = input.getAttribute('aria-describedby');
  return {
    invalid: input.getAttribute('aria-invalid') === 'true',
    message: id ? (input.getRootNode() as Document).getElementById(id)?.textContent : undefined,
  };
};

describe('VisitorForm', () => {
  afterEach(cleanup);

  it('labels every field and marks which are required', () => {
    renderForm();
    expect(screen.getByLabelText(/^Name/).getAttribute('aria-required')).toBe('true');
    expect(screen.getByLabelText(/^Email/).getAttribute('type')).toBe('email');
    expect(screen.getByLabelText(/^Phone/).getAttribute('aria-required')).toBe('false');
    expect(screen.getByText('(optional)')).toBeTruthy();
    expect(screen.getByLabelText(/^How can we help/).tagName).toBe('TEXTAREA');
  });

  it('checks the email syntax as the visitor types', () => {
    renderForm();
    expect(errorOf(/^Email/)).toEqual({ invalid: false, message: undefined });

    type(/^Email/, 'ada@');
    expect(errorOf(/^Email/)).toEqual({ invalid: true, message: t.errEmail });
    type(/^Email/, 'ada@example');
    expect(errorOf(/^Email/).message).toBe(t.errEmail);
    type(/^Email/, 'ada@example.com');
    expect(errorOf(/^Email/)).toEqual({ invalid: false, message: undefined });
  });

  it('says a required field is missing once the visitor empties it, and not for optional ones', () => {
    renderForm();
    type(/^Name/, 'A');
    expect(errorOf(/^Name/).invalid).toBe(false);
    type(/^Name/, '  ');
    expect(errorOf(/^Name/)).toEqual({ invalid: true, message: t.errRequired });
    type(/^Phone/, '1');
    type(/^Phone/, '');
    expect(errorOf(/^Phone/).invalid).toBe(false);
  });

  it('on submit shows every problem, focuses the first and sends nothing', () => {
    const { onSubmit } = renderForm();
    type(/^Email/, 'not-an-email');
    fireEvent.click(screen.getByRole('button', { name: t.startChat }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(errorOf(/^Name/).message).toBe(t.errRequired);
    expect(errorOf(/^Email/).message).toBe(t.errEmail);
    expect(errorOf(/^How can we help/).message).toBe(t.errRequired);
    expect(document.activeElement).toBe(screen.getByLabelText(/^Name/));
  });

  it('sends the trimmed values once everything is valid', () => {
    const { onSubmit } = renderForm({ initial: { name: 'Ada' } });
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe('Ada');
    type(/^Email/, ' ada@example.com ');
    type(/^How can we help/, ' My printer is on fire ');
    fireEvent.click(screen.getByRole('button', { name: t.startChat }));

    expect(onSubmit).toHaveBeenCalledWith({ name: 'Ada', email: 'ada@example.com', phone: '', message: 'My printer is on fire' });
  });

  it('shows a server error under its field until that field is edited', () => {
    renderForm({ serverErrors: { email: t.identity }, initial: { name: 'Ada', email: 'ada@example.com' } });
    expect(errorOf(/^Email/)).toEqual({ invalid: true, message: t.identity });
    type(/^Email/, 'other@example.com');
    expect(errorOf(/^Email/).invalid).toBe(false);
  });

  it('shows a signed email as verified and read-only', () => {
    renderForm({ emailLocked: true, initial: { email: 'ada@example.com' } });
    const email = screen.getByLabelText(/^Email/) as HTMLInputElement;
    expect(email.readOnly).toBe(true);
    expect(errorOf(/^Email/).message).toContain(t.verified);
  });

  it('enforces the server’s length limits while typing', () => {
    renderForm();
    expect(screen.getByLabelText(/^Name/).getAttribute('maxlength')).toBe('100');
    type(/^Name/, 'x'.repeat(101));
    expect(errorOf(/^Name/).message).toBe('At most 100 characters.');
  });
});
