import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { errorMessage, runMutation, runQuery } from '../../api';
import { graphql, readFragment, type ResultOf } from '../../graphql';
import { useRuntime } from '../../runtime';
import { Dialog } from '../../ui/Dialog';
import { showToast } from '../../ui/toasts';
import { AdminPageHeader } from '../AdminPageHeader';
import { CopyableCode } from '../CopyableCode';
import { ConfirmDialog, FormDialog, LoadFailed } from '../dialogs';
import { Checkbox, Field, createFieldErrors, focusField } from '../forms';

const ApiTokenFields = graphql(`
  fragment ApiTokenFields on ApiToken {
    id
    name
    prefix
    scopes
    createdAt
    expiresAt
    revokedAt
    lastUsedAt
    createdBy {
      id
      name
    }
  }
`);

const ApiTokensQuery = graphql(
  `
    query ApiTokensAdmin {
      apiTokens {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

const CreateApiTokenMutation = graphql(
  `
    mutation CreateApiTokenAdmin($input: CreateApiTokenInput!) {
      createApiToken(input: $input) {
        token
        apiToken {
          ...ApiTokenFields
        }
      }
    }
  `,
  [ApiTokenFields],
);

const RevokeApiTokenMutation = graphql(
  `
    mutation RevokeApiTokenAdmin($id: ID!) {
      revokeApiToken(id: $id) {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

type TokenRow = ResultOf<typeof ApiTokenFields>;
type Scope = TokenRow['scopes'][number];

export const API_SCOPES: { value: Scope; label: string; description: string }[] = [
  { value: 'CHATS_READ', label: 'chats:read', description: 'Read chat sessions and follow their events.' },
  { value: 'CHATS_WRITE', label: 'chats:write', description: 'Act on chats.' },
  { value: 'REQUESTS_READ', label: 'requests:read', description: 'Read requests (tickets).' },
  { value: 'REQUESTS_WRITE', label: 'requests:write', description: 'Create and update requests, e.g. an import script.' },
  { value: 'CONTACTS_READ', label: 'contacts:read', description: 'Read contacts, companies, sales and follow-ups.' },
  { value: 'CONTACTS_WRITE', label: 'contacts:write', description: 'Create and change CRM records.' },
  { value: 'KNOWLEDGE_READ', label: 'knowledge:read', description: 'Read reply templates and FAQ, drafts included.' },
];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function tokenStatus(token: TokenRow, now = new Date()): { label: string; tone: 'success' | 'muted' | 'danger' } {
  if (token.revokedAt) return { label: 'Revoked', tone: 'danger' };
  if (token.expiresAt && new Date(token.expiresAt) <= now) return { label: 'Expired', tone: 'muted' };
  return { label: 'Active', tone: 'success' };
}

export function ApiTokensAdminPage() {
  const { client } = useRuntime();
  const [tokens, { refetch, mutate }] = createResource(() =>
    runQuery(client, ApiTokensQuery, {}).then((data) => data.apiTokens.map((t) => readFragment(ApiTokenFields, t))),
  );
  const [creating, setCreating] = createSignal(false);
  const [revoking, setRevoking] = createSignal<TokenRow | null>(null);
  const [busy, setBusy] = createSignal(false);

  const replace = (saved: TokenRow) =>
    mutate((list) => [saved, ...(list ?? []).filter((t) => t.id !== saved.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));

  async function revoke(token: TokenRow) {
    setBusy(true);
    try {
      const data = await runMutation(client, RevokeApiTokenMutation, { id: token.id });
      replace(readFragment(ApiTokenFields, data.revokeApiToken));
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
      <Switch>
        <Match when={tokens.error}>
          <LoadFailed what="the tokens" error={tokens.error} onRetry={refetch} />
        </Match>
        <Match when={tokens()}>
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
        </Match>
        <Match when={tokens.loading}>
          <p class="muted" role="status">
            Loading tokens…
          </p>
        </Match>
      </Switch>
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

function CreateTokenDialog(props: { onClose(): void; onCreated(token: TokenRow): void }) {
  const { client } = useRuntime();
  const [name, setName] = createSignal('');
  const [scopes, setScopes] = createSignal<Scope[]>([]);
  const [expires, setExpires] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [general, setGeneral] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<{ token: string; apiToken: TokenRow } | null>(null);
  const errors = createFieldErrors();
  let formElement!: HTMLFormElement;
  const tomorrow = () => {
    const date = new Date(Date.now() + 86_400_000);
    return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!name().trim()) problems.name = 'Name the token after what uses it, e.g. “CSV import”.';
    else if (name().trim().length > 100) problems.name = 'At most 100 characters.';
    if (scopes().length === 0) problems.scopes = 'Choose at least one scope.';
    if (expires() && expires() < tomorrow()) problems.expiresAt = 'Choose a date after today.';
    errors.replace(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusField(formElement, Object.keys(problems)[0]);
    setBusy(true);
    try {
      // The token works through the whole chosen day, in the admin's time zone.
      const expiresAt = expires() ? new Date(`${expires()}T23:59:59`).toISOString() : null;
      const data = await runMutation(client, CreateApiTokenMutation, { input: { name: name().trim(), scopes: scopes(), expiresAt } });
      const apiToken = readFragment(ApiTokenFields, data.createApiToken.apiToken);
      setCreated({ token: data.createApiToken.token, apiToken });
      props.onCreated(apiToken);
    } catch (error) {
      if (errors.placeApiError(error, ['name', 'scopes', 'expiresAt'])) focusField(formElement, errors.fields()[0]);
      else setGeneral(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show
      when={created()}
      fallback={
        <FormDialog
          title="New API token"
          size="large"
          submitLabel="Create token"
          busy={busy()}
          error={general()}
          onSubmit={submit}
          onClose={props.onClose}
          formRef={(form) => (formElement = form)}
        >
          <Field name="name" label="Name" required error={errors.get('name')} hint="What uses it, so you can tell tokens apart later.">
            {(control) => <input {...control} type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <fieldset class="checkbox-group scope-list" data-field="scopes" aria-describedby={errors.get('scopes') ? 'scopes-error' : undefined}>
            <legend>Scopes</legend>
            <For each={API_SCOPES}>
              {(scope) => (
                <Checkbox
                  label={<code>{scope.label}</code>}
                  hint={scope.description}
                  checked={scopes().includes(scope.value)}
                  onChange={(on) => setScopes((list) => (on ? [...list, scope.value] : list.filter((s) => s !== scope.value)))}
                />
              )}
            </For>
            <Show when={errors.get('scopes')}>
              <p id="scopes-error" class="field-error">
                {errors.get('scopes')}
              </p>
            </Show>
          </fieldset>
          <Field name="expiresAt" label="Expires" error={errors.get('expiresAt')} hint="Optional: the last day it works. Empty: until revoked.">
            {(control) => <input {...control} type="date" min={tomorrow()} value={expires()} onInput={(e) => setExpires(e.currentTarget.value)} />}
          </Field>
        </FormDialog>
      }
    >
      {(result) => (
        <Dialog
          title={`${result().apiToken.name} is ready`}
          description="Copy the token now and store it somewhere safe. For your security it is not shown again: only its first characters are kept."
          onClose={props.onClose}
          footer={
            <button type="button" class="button button-primary" onClick={props.onClose}>
              I have copied it
            </button>
          }
        >
          <div class="token-once">
            <CopyableCode label="API token" value={result().token} wrap />
            <p class="field-hint">
              Send it as <code>Authorization: Bearer {'<token>'}</code>. Scopes:{' '}
              {result()
                .apiToken.scopes.map((s) => API_SCOPES.find((x) => x.value === s)?.label ?? s)
                .join(', ')}
              .
            </p>
          </div>
        </Dialog>
      )}
    </Show>
  );
}
