import { A } from '@solidjs/router';
import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { useRuntime } from '../runtime';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDateTime } from '../ui/format';
import { NewFollowUpForm, NewSaleForm } from './ContactRecordForms';
import { Fact } from './Fact';
import { loadContactDetails } from './contact-data';
import type { ContactDetails } from './operations';

type DetailTab = 'requests' | 'sales' | 'followUps' | 'chats';

export function LinkedContact(props: { id: string; version: number; onChange(): void; onUnlink(): void }) {
  const { client } = useRuntime();
  const [details, { refetch }] = createResource(
    () => ({ id: props.id, version: props.version }),
    ({ id }) => loadContactDetails(client, id),
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

function humanize(value: string) {
  const text = value.replace(/_/g, ' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
