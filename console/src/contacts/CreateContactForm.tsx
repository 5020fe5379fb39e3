import type { ApiError } from '@livechat/chat-client/errors';
import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../api';
import type { ConversationSession } from '../chats/operations';
import { useRuntime } from '../runtime';
import { ErrorNotice } from '../ui/ErrorNotice';
import { showToast } from '../ui/toasts';
import { createContactFromChat } from './contact-data';

export function CreateContactForm(props: { sessionId: string; session: ConversationSession; onCancel(): void; onCreated(): void }) {
  const { client } = useRuntime();
  const visitor = props.session.visitor;
  // Empty names are left out of the input: the server then splits the visitor's name.
  const [firstName, setFirstName] = createSignal('');
  const [lastName, setLastName] = createSignal('');
  const [email, setEmail] = createSignal(visitor.email ?? '');
  const [phone, setPhone] = createSignal(visitor.phone ?? '');
  const [title, setTitle] = createSignal('');
  const [withCompany, setWithCompany] = createSignal(!!visitor.company);
  const [companyName, setCompanyName] = createSignal(visitor.company ?? '');
  const [error, setError] = createSignal<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const named = !!(firstName().trim() || lastName().trim());
    try {
      const result = await createContactFromChat(client, props.sessionId, {
        firstName: named ? firstName().trim() || null : undefined,
        lastName: named ? lastName().trim() || null : undefined,
        email: email().trim() || null,
        phone: phone().trim() || null,
        title: title().trim() || null,
        country: visitor.country ?? null,
        createCompany: withCompany(),
        companyName: withCompany() ? companyName().trim() || null : null,
      });
      showToast({
        tone: 'success',
        message: `Created ${result.contact.name}${result.company ? ` at ${result.company.name}` : ''} and linked it to this chat.`,
      });
      props.onCreated();
    } catch (caught) {
      setError({ message: errorMessage(caught), field: (caught as ApiError).field });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel-section">
      <h3 class="panel-section-title">New contact</h3>
      <p class="muted small">Prefilled from what the visitor told us. The chat is linked to the new contact.</p>
      <form class="stack" onSubmit={submit}>
        <div class="field-row">
          <label class="field">
            <span>First name</span>
            <input value={firstName()} onInput={(e) => setFirstName(e.currentTarget.value)} maxLength={100} />
          </label>
          <label class="field">
            <span>Last name</span>
            <input value={lastName()} onInput={(e) => setLastName(e.currentTarget.value)} maxLength={100} />
          </label>
        </div>
        <Show when={visitor.name}>{(name) => <p class="muted small">Leave both names empty to take the visitor’s name, “{name()}”.</p>}</Show>
        <label class="field">
          <span>Email</span>
          <input type="email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} aria-invalid={error()?.field === 'email'} />
        </label>
        <label class="field">
          <span>Phone</span>
          <input value={phone()} onInput={(e) => setPhone(e.currentTarget.value)} maxLength={50} />
        </label>
        <label class="field">
          <span>Job title</span>
          <input value={title()} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={100} />
        </label>
        <label class="checkbox">
          <input type="checkbox" checked={withCompany()} onChange={(e) => setWithCompany(e.currentTarget.checked)} />
          <span>Also create a company</span>
        </label>
        <Show when={withCompany()}>
          <label class="field">
            <span>Company name</span>
            <input value={companyName()} onInput={(e) => setCompanyName(e.currentTarget.value)} maxLength={200} required />
          </label>
        </Show>
        <ErrorNotice error={error()?.message} />
        <div class="row">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? 'Creating…' : withCompany() ? 'Create contact and company' : 'Create contact'}
          </button>
          <button type="button" class="button" onClick={() => props.onCancel()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
