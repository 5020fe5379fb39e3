import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { showToast } from '../../ui/toasts';
import { CopyableCode } from '../CopyableCode';
import { ConfirmDialog } from '../dialogs';
import { ResourceView } from '../ResourceView';
import { disableIdentityVerification, loadIdentitySecret, loadIdentityVerification, rotateIdentitySecret } from './channel-data';

// Read only when the admin asks to see it, so the secret does not travel on every visit to the editor.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Signed visitor identities: the website's server signs the visitor's email with the channel's
 * secret, so agents can trust it. Admins turn it on (a secret is made), rotate and turn it off.
 */
export function IdentitySection(props: { channelId: string }) {
  const { client } = useRuntime();
  const [state, { refetch, mutate }] = createResource(() => loadIdentityVerification(client, props.channelId));
  /** The secret, once shown (asked for, or just made). */
  const [secret, setSecret] = createSignal<string | null>(null);
  const [confirm, setConfirm] = createSignal<'rotate' | 'disable' | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function reveal() {
    setBusy(true);
    try {
      const channelIdentitySecret = await loadIdentitySecret(client, props.channelId);
      setSecret(channelIdentitySecret.secret);
      mutate({ enabled: channelIdentitySecret.secret != null, secretChangedAt: channelIdentitySecret.changedAt });
    } catch (error) {
      showToast({ tone: 'error', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  async function run(action: 'rotate' | 'disable') {
    setBusy(true);
    try {
      if (action === 'rotate') {
        const made = await rotateIdentitySecret(client, props.channelId);
        setSecret(made.secret);
        mutate({ enabled: true, secretChangedAt: made.changedAt });
      } else {
        mutate(await disableIdentityVerification(client, props.channelId));
        setSecret(null);
      }
      setConfirm(null);
      showToast({
        tone: 'success',
        message: action === 'rotate' ? 'New identity secret made: update your website’s server.' : 'Identity verification turned off.',
      });
    } catch (error) {
      showToast({ tone: 'error', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="admin-section" id="identity" tabindex="-1" aria-labelledby="identity-title">
      <header class="admin-section-header">
        <h3 id="identity-title">Verified visitor identities</h3>
        <p class="muted">
          Let your website vouch for signed-in visitors: its server signs the visitor’s lower-cased email with this secret (HMAC-SHA256, hex) and puts it in{' '}
          <code>data-email-signature</code> next to <code>data-email</code>. Agents of this channel then see the email as verified, and nobody can claim it here
          unsigned.
        </p>
      </header>
      <div class="admin-section-body">
        <ResourceView resource={state} what="the identity settings" onRetry={refetch}>
          {(current) => (
            <Show
              when={current().enabled}
              fallback={
                <div class="row">
                  <span class="tag tag-muted">Off</span>
                  <button type="button" class="button" disabled={busy()} onClick={() => void run('rotate')}>
                    Turn on and make a secret
                  </button>
                </div>
              }
            >
              <p class="row">
                <span class="tag tag-success">On</span>
                <Show when={current().secretChangedAt}>
                  {(changedAt) => <span class="muted small">secret made {dateTime.format(new Date(changedAt()))}</span>}
                </Show>
              </p>
              <Show
                when={secret()}
                fallback={
                  <div>
                    <button type="button" class="button button-small" disabled={busy()} onClick={() => void reveal()}>
                      Show the secret
                    </button>
                  </div>
                }
              >
                {(shown) => <CopyableCode label="Identity secret" value={shown()} wrap />}
              </Show>
              <div class="row">
                <button type="button" class="button" disabled={busy()} onClick={() => setConfirm('rotate')}>
                  Make a new secret…
                </button>
                <button type="button" class="button button-ghost" disabled={busy()} onClick={() => setConfirm('disable')}>
                  Turn off…
                </button>
              </div>
            </Show>
          )}
        </ResourceView>
      </div>
      <Show when={confirm()} keyed>
        {(action) => (
          <ConfirmDialog
            title={action === 'rotate' ? 'Make a new identity secret?' : 'Turn off verified identities?'}
            description={
              action === 'rotate'
                ? 'Signatures made with the current secret are refused from now on, and visitors verified with it are no longer shown as verified, until your website signs with the new one. Emails verified before stay protected.'
                : 'Signatures are ignored from now on: no visitor is shown as verified in this channel and no email is refused. If you turn it on again, the emails verified before are protected again, and visitors are verified anew once your website signs with the new secret.'
            }
            confirmLabel={action === 'rotate' ? 'Make a new secret' : 'Turn off'}
            busy={busy()}
            onConfirm={() => void run(action)}
            onClose={() => setConfirm(null)}
          />
        )}
      </Show>
    </section>
  );
}
