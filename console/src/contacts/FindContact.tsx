import { createEffect, createResource, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { errorMessage } from '../api';
import type { ConversationSession } from '../chats/operations';
import { useRuntime } from '../runtime';
import { ErrorNotice } from '../ui/ErrorNotice';
import { initials } from '../ui/format';
import { showToast } from '../ui/toasts';
import { CreateContactForm } from './CreateContactForm';
import { linkContact, loadContactSuggestions, searchContacts } from './contact-data';
import type { ContactSummary } from './operations';

export function FindContact(props: { sessionId: string; session: ConversationSession; canCancel: boolean; onCancel(): void; onLinked(): void }) {
  const { client } = useRuntime();
  const [search, setSearch] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  const [creating, setCreating] = createSignal(false);
  const [linking, setLinking] = createSignal<string | null>(null);
  // Asked again when the visitor's name or email changes (the website identified them during the chat).
  const [suggestions] = createResource(
    () => JSON.stringify([props.sessionId, props.session.visitor.name, props.session.visitor.email]),
    () => loadContactSuggestions(client, props.sessionId),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(search, (value) => {
      clearTimeout(timer);
      timer = setTimeout(() => setDebounced(value.trim()), 200);
    }),
  );
  const [results] = createResource(
    () => debounced() || false,
    (q) => searchContacts(client, q),
  );

  async function link(contact: ContactSummary) {
    setLinking(contact.id);
    try {
      await linkContact(client, props.sessionId, contact.id);
      showToast({ tone: 'success', message: `Linked to ${contact.name}.` });
      props.onLinked();
    } catch (error) {
      showToast({ tone: 'error', message: errorMessage(error) });
    } finally {
      setLinking(null);
    }
  }

  return (
    <Show
      when={!creating()}
      fallback={<CreateContactForm sessionId={props.sessionId} session={props.session} onCancel={() => setCreating(false)} onCreated={props.onLinked} />}
    >
      <section class="panel-section">
        <div class="panel-section-header">
          <h3 class="panel-section-title">Contact</h3>
          <Show when={props.canCancel}>
            <button type="button" class="link-button" onClick={() => props.onCancel()}>
              Cancel
            </button>
          </Show>
        </div>
        <p class="muted small">No contact is linked to this chat yet.</p>
        <Switch>
          <Match when={suggestions.loading}>
            <div class="skeleton-row" role="status" aria-label="Looking for matching contacts" />
          </Match>
          <Match when={suggestions.error}>
            <ErrorNotice error={suggestions.error} />
          </Match>
          <Match when={(suggestions() ?? []).length > 0}>
            <h4 class="subheading">This could be…</h4>
            <ul class="contact-results" aria-label="Suggested contacts">
              <For each={suggestions()}>
                {(s) => (
                  <ContactRow
                    contact={s.contact}
                    reason={s.matchedBy === 'EMAIL' ? 'Same email' : `Similar name (${Math.round(s.score * 100)}%)`}
                    busy={linking() === s.contact.id}
                    onLink={() => link(s.contact)}
                  />
                )}
              </For>
            </ul>
          </Match>
        </Switch>
        <label class="field">
          <span>Search contacts</span>
          <input type="search" placeholder="Name, email, phone or company" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <Show when={debounced()}>
          <Switch>
            <Match when={results.loading}>
              <div class="skeleton-row" role="status" aria-label="Searching" />
            </Match>
            <Match when={results.error}>
              <ErrorNotice error={results.error} />
            </Match>
            <Match when={(results() ?? []).length === 0}>
              <p class="muted small">No contact matches “{debounced()}”.</p>
            </Match>
            <Match when={true}>
              <ul class="contact-results" aria-label="Search results">
                <For each={results()}>{(contact) => <ContactRow contact={contact} busy={linking() === contact.id} onLink={() => link(contact)} />}</For>
              </ul>
            </Match>
          </Switch>
        </Show>
        <button type="button" class="button button-block" onClick={() => setCreating(true)}>
          + Create contact from this chat
        </button>
      </section>
    </Show>
  );
}

function ContactRow(props: { contact: ContactSummary; reason?: string; busy: boolean; onLink(): void }) {
  return (
    <li class="contact-row">
      <span class="avatar avatar-small" aria-hidden="true">
        {initials(props.contact.name)}
      </span>
      <span class="contact-row-text">
        <strong>{props.contact.name || props.contact.email}</strong>
        <span class="muted small">{[props.contact.email, props.contact.company?.name].filter(Boolean).join(' · ')}</span>
        <Show when={props.reason}>
          <span class="tag">{props.reason}</span>
        </Show>
      </span>
      <button
        type="button"
        class="button button-small"
        disabled={props.busy}
        aria-label={`Link ${props.contact.name || props.contact.email} to this chat`}
        onClick={() => props.onLink()}
      >
        {props.busy ? 'Linking…' : 'Link'}
      </button>
    </li>
  );
}
