import { Show, createSignal } from 'solid-js';
import { errorMessage } from '../api';
import type { ConversationSession } from '../chats/operations';
import { useRuntime } from '../runtime';
import { initials, visitorLabel } from '../ui/format';
import { showToast } from '../ui/toasts';
import { Fact } from './Fact';
import { FindContact } from './FindContact';
import { LinkedContact } from './LinkedContact';
import { linkContact } from './contact-data';

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
                await linkContact(client, props.sessionId, null);
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
