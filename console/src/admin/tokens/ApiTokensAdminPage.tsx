import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { showToast } from '../../ui/toasts';
import { AdminPageHeader } from '../AdminPageHeader';
import { ConfirmDialog } from '../dialogs';
import { ResourceView } from '../ResourceView';
import { API_SCOPES, type TokenRow } from './operations';
import { loadApiTokens, revokeApiToken } from './tokens-data';
import { CreateTokenDialog } from './CreateTokenDialog';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function tokenStatus(token: TokenRow, now = new Date()): { label: string; tone: 'success' | 'muted' | 'danger' } {
  if (token.revokedAt) return { label: 'Revoked', tone: 'danger' };
  if (token.expiresAt && new Date(token.expiresAt) <= now) return { label: 'Expired', tone: 'muted' };
  return { label: 'Active', tone: 'success' };
}

export function ApiTokensAdminPage() {
  const { client } = useRuntime();
  const [tokens, { refetch, mutate }] = createResource(() => loadApiTokens(client));
  const [creating, setCreating] = createSignal(false);
  const [revoking, setRevoking] = createSignal<TokenRow | null>(null);
  const [busy, setBusy] = createSignal(false);

  const replace = (saved: TokenRow) =>
    mutate((list) => [saved, ...(list ?? []).filter((t) => t.id !== saved.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));

  async function revoke(token: TokenRow) {
    setBusy(true);
    try {
      replace(await revokeApiToken(client, token.id));
      setRevoking(null);
      showToast({ tone: 'success', message: `${token.name} revoked: it stops working at once.` });
    } catch (error) {
      showToast({ tone: 'error', message: `Could not revoke ${token.name}: ${errorMessage(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="admin-page">
      <AdminPageHeader
        title="API tokens"
        intro="Credentials for scripts and other apps that use the GraphQL API. Each holds only the scopes it needs; the secret is shown once."
      >
        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
          New API token
        </button>
      </AdminPageHeader>
      <ResourceView resource={tokens} what="the tokens" onRetry={refetch} loadingText="Loading tokens…">
        {() => (
          <>
            <Show when={(tokens() ?? []).length > 0} fallback={<p class="empty-note">No API tokens yet.</p>}>
              <table class="admin-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Token</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={tokens()}>
                    {(token) => {
                      const status = () => tokenStatus(token);
                      return (
                        <tr classList={{ 'is-inactive': status().label !== 'Active' }}>
                          <th scope="row">{token.name}</th>
                          <td>
                            <code>{token.prefix}…</code>
                          </td>
                          <td>{token.scopes.map((s) => API_SCOPES.find((x) => x.value === s)?.label ?? s).join(', ')}</td>
                          <td>
                            {dateFormat.format(new Date(token.createdAt))}
                            <Show when={token.createdBy}>
                              <span class="muted small block">by {token.createdBy!.name}</span>
                            </Show>
                          </td>
                          <td>{token.lastUsedAt ? dateTimeFormat.format(new Date(token.lastUsedAt)) : <span class="muted">Never</span>}</td>
                          <td>
                            <span class={`tag tag-${status().tone}`}>{status().label}</span>
                            <Show when={token.expiresAt && !token.revokedAt}>
                              <span class="muted small block">
                                {status().label === 'Expired' ? 'since' : 'until'} {dateFormat.format(new Date(token.expiresAt!))}
                              </span>
                            </Show>
                          </td>
                          <td class="actions-cell">
                            <Show when={!token.revokedAt}>
                              <button
                                aria-label={`Revoke ${token.name}`}
                                type="button"
                                class="button button-small button-ghost"
                                onClick={() => setRevoking(token)}
                              >
                                Revoke
                              </button>
                            </Show>
                          </td>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </Show>
          </>
        )}
      </ResourceView>
      <Show when={creating()}>
        <CreateTokenDialog onClose={() => setCreating(false)} onCreated={replace} />
      </Show>
      <Show when={revoking()} keyed>
        {(token) => (
          <ConfirmDialog
            title={`Revoke ${token.name}?`}
            description="Scripts using it get UNAUTHENTICATED from now on. This cannot be undone."
            confirmLabel="Revoke token"
            busy={busy()}
            onConfirm={() => void revoke(token)}
            onClose={() => setRevoking(null)}
          >
            <p>
              Token <code>{token.prefix}…</code> with {token.scopes.length} {token.scopes.length === 1 ? 'scope' : 'scopes'}.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </div>
  );
}
