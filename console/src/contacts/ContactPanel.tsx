import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { errorMessage, runMutation, runQuery, type ApiError } from '../api';
import type { ConversationSession } from '../chats/operations';
import { graphql, type ResultOf } from '../graphql';
import { useRuntime } from '../runtime';
import { formatDateTime, initials, visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import { ErrorNotice } from '../ui/ErrorNotice';

const SuggestionsQuery = graphql(`
  query ContactSuggestions($sessionId: ID!) {
    contactSuggestions(sessionId: $sessionId, first: 5) {
      matchedBy
      score
      contact {
        id
        name
        email
        phone
        company {
          id
          name
        }
      }
    }
  }
`);

const SearchContactsQuery = graphql(`
  query SearchContacts($search: String!) {
    contacts(search: $search, first: 8) {
      edges {
        node {
          id
          name
          email
          phone
          company {
            id
            name
          }
        }
      }
    }
  }
`);

const ContactDetailsQuery = graphql(`
  query ContactDetails($id: ID!) {
    contact(id: $id) {
      id
      name
      firstName
      lastName
      email
      phone
      title
      country
      company {
        id
        name
        domain
        phone
      }
      requests(first: 10) {
        totalCount
        edges {
          node {
            id
            displayNumber
            title
            status
            priority
            createdAt
          }
        }
      }
      sales(first: 10) {
        totalCount
        edges {
          node {
            id
            title
            amount
            currency
            stage
            date
          }
        }
      }
      followUps(first: 10) {
        totalCount
        edges {
          node {
            id
            title
            dueAt
            done
          }
        }
      }
      chatSessions(first: 10) {
        totalCount
        edges {
          node {
            id
            requestedAt
            status
            channel {
              id
              name
            }
          }
        }
      }
    }
  }
`);

const LinkContactMutation = graphql(`
  mutation LinkChatToContact($sessionId: ID!, $contactId: ID) {
    linkChatToContact(sessionId: $sessionId, contactId: $contactId) {
      id
      contact {
        id
        name
      }
    }
  }
`);

const CreateContactFromChatMutation = graphql(`
  mutation CreateContactFromChat($sessionId: ID!, $input: CreateContactFromChatInput) {
    createContactFromChat(sessionId: $sessionId, input: $input) {
      contact {
        id
        name
      }
      company {
        id
        name
      }
    }
  }
`);

const CreateFollowUpMutation = graphql(`
  mutation CreateFollowUp($input: CreateFollowUpInput!) {
    createFollowUp(input: $input) {
      id
    }
  }
`);

const CreateSaleMutation = graphql(`
  mutation CreateSale($input: CreateSaleInput!) {
    createSale(input: $input) {
      id
    }
  }
`);

type ContactDetails = ResultOf<typeof ContactDetailsQuery>['contact'];
type ContactSummary = ResultOf<typeof SearchContactsQuery>['contacts']['edges'][number]['node'];

/** The visitor's name as first and last name for the form (the server splits the same way). */
export function splitName(name: string | null | undefined): { firstName: string; lastName: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return { firstName: words[0] ?? '', lastName: '' };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1]! };
}

/**
 * The CRM beside the conversation: who the visitor may be ("This could be…"), search, link or
 * change the contact, create one (and its company) from what the visitor told us, and the linked
 * contact's requests, sales, follow-ups and earlier chats.
 */
export function ContactPanel(props: { sessionId: string; session: ConversationSession; crmVersion: number; onChanged(): void }) {
  const { client } = useRuntime();
  const [changing, setChanging] = createSignal(false);
  const contactId = () => (changing() ? null : (props.session.contact?.id ?? null));

  return (
    <aside id="contact-panel" class="contact-panel" aria-label="Contact">
      <section class="panel-section">
        <h3 class="panel-section-title">Visitor</h3>
        <div class="visitor-card">
          <span class="avatar" aria-hidden="true">
            {initials(visitorLabel(props.session.visitor))}
          </span>
          <dl class="facts facts-compact">
            <Fact label="Name" value={props.session.visitor.name} always />
            <Fact label="Email" value={props.session.visitor.email} always />
            <Fact label="Phone" value={props.session.visitor.phone} />
            <Fact label="Company" value={props.session.visitor.company} />
            <Fact label="Country" value={props.session.visitor.country} />
          </dl>
        </div>
      </section>
      <Show
        when={contactId()}
        keyed
        fallback={
          <FindContact
            sessionId={props.sessionId}
            session={props.session}
            canCancel={changing()}
            onCancel={() => setChanging(false)}
            onLinked={() => {
              setChanging(false);
              props.onChanged();
            }}
          />
        }
      >
        {(id) => (
          <LinkedContact
            id={id}
            version={props.crmVersion}
            onChange={() => setChanging(true)}
            onUnlink={async () => {
              try {
                await runMutation(client, LinkContactMutation, { sessionId: props.sessionId, contactId: null });
                showToast({ tone: 'info', message: 'Contact unlinked from this chat.' });
                props.onChanged();
              } catch (error) {
                showToast({ tone: 'error', message: errorMessage(error) });
              }
            }}
          />
        )}
      </Show>
    </aside>
  );
}

function FindContact(props: { sessionId: string; session: ConversationSession; canCancel: boolean; onCancel(): void; onLinked(): void }) {
  const { client } = useRuntime();
  const [search, setSearch] = createSignal('');
  const [debounced, setDebounced] = createSignal('');
  const [creating, setCreating] = createSignal(false);
  const [linking, setLinking] = createSignal<string | null>(null);
  // Asked again when the visitor's name or email changes (the website identified them during the chat).
  const [suggestions] = createResource(
    () => JSON.stringify([props.sessionId, props.session.visitor.name, props.session.visitor.email]),
    () => runQuery(client, SuggestionsQuery, { sessionId: props.sessionId }).then((d) => d.contactSuggestions),
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
    (q) => runQuery(client, SearchContactsQuery, { search: q }).then((d) => d.contacts.edges.map((e) => e.node)),
  );

  async function link(contact: ContactSummary) {
    setLinking(contact.id);
    try {
      await runMutation(client, LinkContactMutation, { sessionId: props.sessionId, contactId: contact.id });
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

function CreateContactForm(props: { sessionId: string; session: ConversationSession; onCancel(): void; onCreated(): void }) {
  const { client } = useRuntime();
  const visitor = props.session.visitor;
  const split = splitName(visitor.name);
  const [firstName, setFirstName] = createSignal(split.firstName);
  const [lastName, setLastName] = createSignal(split.lastName);
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
    try {
      const data = await runMutation(client, CreateContactFromChatMutation, {
        sessionId: props.sessionId,
        input: {
          firstName: firstName().trim() || null,
          lastName: lastName().trim() || null,
          email: email().trim() || null,
          phone: phone().trim() || null,
          title: title().trim() || null,
          country: visitor.country ?? null,
          createCompany: withCompany(),
          companyName: withCompany() ? companyName().trim() || null : null,
        },
      });
      const result = data.createContactFromChat;
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

type DetailTab = 'requests' | 'sales' | 'followUps' | 'chats';

function LinkedContact(props: { id: string; version: number; onChange(): void; onUnlink(): void }) {
  const { client } = useRuntime();
  const [details, { refetch }] = createResource(
    () => ({ id: props.id, version: props.version }),
    ({ id }) => runQuery(client, ContactDetailsQuery, { id }).then((d) => d.contact),
  );
  const [tab, setTab] = createSignal<DetailTab>('requests');

  return (
    <Switch>
      <Match when={details.error}>
        <section class="panel-section">
          <ErrorNotice error={details.error} />
          <button type="button" class="button button-small" onClick={() => refetch()}>
            Try again
          </button>
        </section>
      </Match>
      <Match when={details()}>
        {(contact) => (
          <>
            <section class="panel-section">
              <div class="panel-section-header">
                <h3 class="panel-section-title">Contact</h3>
                <div class="row">
                  <button type="button" class="link-button" onClick={() => props.onChange()}>
                    Change
                  </button>
                  <button type="button" class="link-button link-button-muted" onClick={() => props.onUnlink()}>
                    Unlink
                  </button>
                </div>
              </div>
              <div class="contact-card">
                <strong class="contact-name">{contact().name || contact().email}</strong>
                <Show when={contact().title || contact().company}>
                  <span class="muted">{[contact().title, contact().company?.name].filter(Boolean).join(' at ')}</span>
                </Show>
                <dl class="facts facts-compact">
                  <Fact label="Email" value={contact().email} link={contact().email ? `mailto:${contact().email}` : undefined} />
                  <Fact label="Phone" value={contact().phone} />
                  <Fact label="Country" value={contact().country} />
                  <Fact label="Website" value={contact().company?.domain} />
                </dl>
              </div>
            </section>
            <section class="panel-section panel-section-grow">
              <div class="tabs tabs-small" role="tablist" aria-label="Contact records">
                <DetailTabButton id="requests" label="Requests" count={contact().requests.totalCount} tab={tab()} onSelect={setTab} />
                <DetailTabButton id="sales" label="Sales" count={contact().sales.totalCount} tab={tab()} onSelect={setTab} />
                <DetailTabButton id="followUps" label="Follow-ups" count={contact().followUps.totalCount} tab={tab()} onSelect={setTab} />
                <DetailTabButton id="chats" label="Chats" count={contact().chatSessions.totalCount} tab={tab()} onSelect={setTab} />
              </div>
              <div role="tabpanel" id={`contact-panel-${tab()}`} aria-labelledby={`contact-tab-${tab()}`} class="detail-list">
                <DetailList contact={contact()} tab={tab()} onCreated={() => refetch()} />
              </div>
            </section>
          </>
        )}
      </Match>
      <Match when={details.loading}>
        <section class="panel-section">
          <div class="skeleton-row" role="status" aria-label="Loading the contact" />
          <div class="skeleton-row" />
        </section>
      </Match>
    </Switch>
  );
}

function DetailTabButton(props: { id: DetailTab; label: string; count: number; tab: DetailTab; onSelect(tab: DetailTab): void }) {
  return (
    <button
      type="button"
      role="tab"
      id={`contact-tab-${props.id}`}
      class="tab"
      aria-selected={props.tab === props.id}
      aria-controls={`contact-panel-${props.id}`}
      onClick={() => props.onSelect(props.id)}
    >
      {props.label} <span class="tab-count">{props.count}</span>
    </button>
  );
}

function DetailList(props: { contact: ContactDetails; tab: DetailTab; onCreated(): void }) {
  const c = () => props.contact;
  return (
    <Switch>
      <Match when={props.tab === 'requests'}>
        <Show when={c().requests.edges.length} fallback={<p class="muted small">No requests.</p>}>
          <ul class="records">
            <For each={c().requests.edges}>
              {({ node }) => (
                <li class="record">
                  <span class="record-title">
                    <strong>{node.displayNumber}</strong> {node.title}
                  </span>
                  <span class="muted small">
                    {humanize(node.status)} · {humanize(node.priority)} · {formatDateTime(node.createdAt)}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Match>
      <Match when={props.tab === 'sales'}>
        <Show when={c().sales.edges.length} fallback={<p class="muted small">No sales.</p>}>
          <ul class="records">
            <For each={c().sales.edges}>
              {({ node }) => (
                <li class="record">
                  <span class="record-title">{node.title}</span>
                  <span class="muted small">
                    {node.amount} {node.currency} · {humanize(node.stage)} · {formatDateTime(node.date)}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <NewSaleForm contactId={c().id} onCreated={props.onCreated} />
      </Match>
      <Match when={props.tab === 'followUps'}>
        <Show when={c().followUps.edges.length} fallback={<p class="muted small">No follow-ups.</p>}>
          <ul class="records">
            <For each={c().followUps.edges}>
              {({ node }) => (
                <li class="record" classList={{ 'is-done': node.done }}>
                  <span class="record-title">
                    <span aria-hidden="true">{node.done ? '☑' : '☐'}</span>
                    <span class="sr-only">{node.done ? 'Done: ' : 'Open: '}</span> {node.title}
                  </span>
                  <span class="muted small">Due {formatDateTime(node.dueAt)}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <NewFollowUpForm contactId={c().id} onCreated={props.onCreated} />
      </Match>
      <Match when={props.tab === 'chats'}>
        <Show when={c().chatSessions.edges.length} fallback={<p class="muted small">No earlier chats.</p>}>
          <ul class="records">
            <For each={c().chatSessions.edges}>
              {({ node }) => (
                <li class="record">
                  <A class="record-title" href={`/chats/${node.id}`}>
                    {node.channel.name}
                  </A>
                  <span class="muted small">
                    {formatDateTime(node.requestedAt)} · {humanize(node.status)}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Match>
    </Switch>
  );
}

function NewFollowUpForm(props: { contactId: string; onCreated(): void }) {
  const { client } = useRuntime();
  const [open, setOpen] = createSignal(false);
  const [title, setTitle] = createSignal('');
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const [due, setDue] = createSignal(tomorrow);
  const [error, setError] = createSignal<string | null>(null);
  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="button button-small" onClick={() => setOpen(true)}>
          + Follow-up
        </button>
      }
    >
      <form
        class="stack inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await runMutation(client, CreateFollowUpMutation, {
              input: { contactId: props.contactId, title: title().trim(), dueAt: new Date(`${due()}T09:00:00`).toISOString() },
            });
            setOpen(false);
            setTitle('');
            props.onCreated();
          } catch (caught) {
            setError(errorMessage(caught));
          }
        }}
      >
        <label class="field">
          <span>What to do</span>
          <input required maxLength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Due</span>
          <input type="date" required value={due()} onInput={(e) => setDue(e.currentTarget.value)} />
        </label>
        <ErrorNotice error={error()} />
        <div class="row">
          <button class="button button-primary button-small" type="submit" disabled={!title().trim()}>
            Add follow-up
          </button>
          <button class="button button-small" type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}

function NewSaleForm(props: { contactId: string; onCreated(): void }) {
  const { client } = useRuntime();
  const [open, setOpen] = createSignal(false);
  const [title, setTitle] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [currency, setCurrency] = createSignal('EUR');
  const [error, setError] = createSignal<string | null>(null);
  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="button button-small" onClick={() => setOpen(true)}>
          + Sale
        </button>
      }
    >
      <form
        class="stack inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await runMutation(client, CreateSaleMutation, {
              input: { contactId: props.contactId, title: title().trim(), amount: amount().trim() || null, currency: currency().trim().toUpperCase() || null },
            });
            setOpen(false);
            setTitle('');
            setAmount('');
            props.onCreated();
          } catch (caught) {
            setError(errorMessage(caught));
          }
        }}
      >
        <label class="field">
          <span>What is being sold</span>
          <input required maxLength={200} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>Amount</span>
            <input inputMode="decimal" placeholder="1499.50" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Currency</span>
            <input maxLength={3} value={currency()} onInput={(e) => setCurrency(e.currentTarget.value)} />
          </label>
        </div>
        <ErrorNotice error={error()} />
        <div class="row">
          <button class="button button-primary button-small" type="submit" disabled={!title().trim()}>
            Add sale
          </button>
          <button class="button button-small" type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}

/** One row of a facts list; left out when empty unless `always` (then "not given"). */
function Fact(props: { label: string; value: string | null | undefined; always?: boolean; link?: string }) {
  return (
    <Show when={props.value || props.always}>
      <div>
        <dt>{props.label}</dt>
        <dd>
          <Show when={props.value} fallback={<span class="muted">not given</span>}>
            <Show when={props.link} fallback={props.value}>
              <a href={props.link}>{props.value}</a>
            </Show>
          </Show>
        </dd>
      </div>
    </Show>
  );
}

function humanize(value: string) {
  const text = value.replace(/_/g, ' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
