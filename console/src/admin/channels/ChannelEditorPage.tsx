import { ApiError } from '@livechat/chat-client/errors';
import { A, useBeforeLeave, useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import { errorMessage } from '../../api';
import { readFragment } from '../../graphql';
import { useRuntime } from '../../runtime';
import { showToast } from '../../ui/toasts';
import { CopyableCode } from '../CopyableCode';
import { formFromChannel, newChannelForm, type ChannelForm } from './channel-form';
import { createChannel, loadChannelAdmin, loadNewChannelOptions, removeChannelMember, setChannelMember, updateChannel } from './channel-data';
import { ChannelMemberFields, ChannelSettingsFields } from './operations';
import { CHANNEL_SECTIONS } from './channel-settings';
import { ChannelSettingsForm } from './ChannelSettingsForm';
import { IdentitySection } from './IdentitySection';
import { MembersPanel } from './MembersPanel';
import { browserTimeZone } from './OpeningHoursEditor';
import { ArchiveSection } from './ArchiveSection';

/** After an in-page link, keyboard users continue from the section it scrolled to. */
function focusLinkedSection(event: MouseEvent) {
  const hash = (event.target as Element).closest('a')?.hash;
  if (hash) requestAnimationFrame(() => document.getElementById(hash.slice(1))?.focus({ preventScroll: true }));
}

const UNSAVED_PROMPT = 'You have unsaved changes to this channel. Leave without saving?';

/** Asks before leaving the page (in the app or closing the tab) while the form has unsaved changes. */
function useUnsavedChangesGuard(isDirty: () => boolean) {
  useBeforeLeave((event) => {
    if (isDirty() && !event.defaultPrevented && !window.confirm(UNSAVED_PROMPT)) event.preventDefault();
  });
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!isDirty()) return;
    event.preventDefault();
    event.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  onCleanup(() => window.removeEventListener('beforeunload', onBeforeUnload));
}

export function NewChannelPage() {
  const { client } = useRuntime();
  const navigate = useNavigate();
  const [dirty, setDirty] = createSignal(false);
  useUnsavedChangesGuard(dirty);
  const [options] = createResource(() => loadNewChannelOptions(client));

  async function create(input: Parameters<Parameters<typeof ChannelSettingsForm>[0]['onSave']>[0]): Promise<ChannelForm> {
    const created = await createChannel(client, input);
    setDirty(false);
    showToast({ tone: 'success', message: `${created.name} created. Add its members and copy the embed snippet.` });
    queueMicrotask(() => navigate(`/admin/channels/${created.id}#members`, { replace: true }));
    return formFromChannel(created);
  }

  return (
    <div class="admin-page">
      <header class="admin-page-header">
        <div>
          <A href="/admin/channels" class="back-link">
            ← Channels
          </A>
          <h2>New channel</h2>
          <p class="muted">Settings you leave as they are get sensible defaults; everything can be changed later.</p>
        </div>
      </header>
      <Show when={!options.loading} fallback={<p class="muted">Loading…</p>}>
        <ChannelSettingsForm
          initial={newChannelForm(browserTimeZone())}
          faqFolders={options()?.faqFolders ?? []}
          submitLabel="Create channel"
          onSave={create}
          onDirtyChange={setDirty}
        />
      </Show>
    </div>
  );
}

export function ChannelEditorPage() {
  const params = useParams<{ id: string }>();
  // Another channel is a fresh editor: nothing of the previous form may linger.
  return (
    <Show when={params.id} keyed>
      {(id) => <ChannelEditor id={id} />}
    </Show>
  );
}

function ChannelEditor(props: { id: string }) {
  const { client } = useRuntime();
  const [dirty, setDirty] = createSignal(false);
  useUnsavedChangesGuard(dirty);
  const [data, { mutate }] = createResource(() => loadChannelAdmin(client, props.id));
  const channel = () => {
    const loaded = data()?.channel;
    return loaded ? { ...loaded, settings: readFragment(ChannelSettingsFields, loaded) } : undefined;
  };

  return (
    <div class="admin-page">
      <Switch>
        <Match when={data.error}>
          <header class="admin-page-header">
            <div>
              <A href="/admin/channels" class="back-link">
                ← Channels
              </A>
              <h2>Channel</h2>
            </div>
          </header>
          <div class="notice notice-error" role="alert">
            {data.error instanceof ApiError && data.error.code === 'NOT_FOUND'
              ? 'This channel does not exist (it may have been deleted).'
              : `Could not load the channel: ${errorMessage(data.error)}`}
          </div>
        </Match>
        <Match when={channel()}>
          {(current) => {
            // Read once: later updates (archiving) change only what reads current() itself.
            const loaded = current();
            return (
              <>
                <header class="admin-page-header">
                  <div>
                    <A href="/admin/channels" class="back-link">
                      ← Channels
                    </A>
                    <h2>
                      {current().settings.name}
                      <Show when={current().settings.archivedAt}>
                        <span class="tag tag-muted">Archived</span>
                      </Show>
                    </h2>
                  </div>
                  <a class="button" href={loaded.demoPageUrl} target="_blank" rel="noopener">
                    Try it on the demo page<span class="sr-only">{' (opens in a new tab)'}</span>
                  </a>
                </header>
                <Show when={current().settings.archivedAt}>
                  <p class="notice notice-warning">This channel is archived: its widget takes no new chats. Restore it at the bottom of the page.</p>
                </Show>
                <div class="channel-editor">
                  {/* biome-ignore lint/a11y/useKeyWithClickEvents: the click lands on the links inside, which keyboards follow with Enter (the hash change moves focus too) */}
                  <nav class="section-nav" aria-label="Channel sections" onClick={focusLinkedSection}>
                    <ul>
                      {CHANNEL_SECTIONS.map((section) => (
                        <li>
                          <a href={`#section-${section.id}`}>{section.title}</a>
                        </li>
                      ))}
                      <li>
                        <a href="#members">Members</a>
                      </li>
                      <li>
                        <a href="#embed">Embed</a>
                      </li>
                      <li>
                        <a href="#identity">Verified identities</a>
                      </li>
                      <li>
                        <a href="#archive">Archive or delete</a>
                      </li>
                    </ul>
                  </nav>
                  <div class="channel-editor-main">
                    <ChannelSettingsForm
                      initial={formFromChannel(loaded.settings)}
                      faqFolders={data()?.faqFolders ?? []}
                      submitLabel="Save changes"
                      onDirtyChange={setDirty}
                      onSave={async (input) => {
                        const saved = await updateChannel(client, props.id, input);
                        showToast({ tone: 'success', message: `${saved.name} saved.` });
                        const latest = data();
                        if (latest) mutate({ ...latest, channel: { ...latest.channel, ...saved } as typeof latest.channel });
                        return formFromChannel(saved);
                      }}
                    />

                    <section class="admin-section" id="members" tabindex="-1" aria-labelledby="members-title">
                      <header class="admin-section-header">
                        <h3 id="members-title">Members</h3>
                        <p class="muted">The agents of this channel and what each may do. Changes apply at once.</p>
                      </header>
                      <div class="admin-section-body">
                        <MembersPanel
                          members={loaded.members.map((m) => readFragment(ChannelMemberFields, m))}
                          agents={data()?.agents ?? []}
                          onSetFlags={(agentId, flags) => setChannelMember(client, props.id, agentId, flags)}
                          onAdd={(agentId, flags) => setChannelMember(client, props.id, agentId, flags)}
                          onRemove={(agentId) => removeChannelMember(client, props.id, agentId)}
                        />
                      </div>
                    </section>

                    <section class="admin-section" id="embed" tabindex="-1" aria-labelledby="embed-title">
                      <header class="admin-section-header">
                        <h3 id="embed-title">Embed on your website</h3>
                        <p class="muted">Paste this line into every page that should show the chat, just before &lt;/body&gt;.</p>
                      </header>
                      <div class="admin-section-body">
                        <CopyableCode label="Embed snippet" value={loaded.embedSnippet} wrap />
                        <p class="field-hint">
                          Optional attributes on the tag prefill the visitor’s details: <code>data-name</code>, <code>data-email</code>, <code>data-phone</code>{' '}
                          and <code>data-company</code>, each a fixed value or <code>cookie:NAME</code>, <code>url:PARAM</code> or <code>variable:NAME</code>.
                        </p>
                      </div>
                    </section>

                    <IdentitySection channelId={props.id} />

                    <ArchiveSection
                      channelId={props.id}
                      name={loaded.settings.name}
                      archived={!!current().settings.archivedAt}
                      onArchivedChange={(archivedAt) => {
                        const latest = data();
                        if (latest) mutate({ ...latest, channel: { ...latest.channel, archivedAt } as typeof latest.channel });
                      }}
                    />
                  </div>
                </div>
              </>
            );
          }}
        </Match>
        <Match when={data.loading}>
          <p class="muted" role="status">
            Loading the channel…
          </p>
        </Match>
      </Switch>
    </div>
  );
}
