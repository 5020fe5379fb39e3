import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { Dialog } from '../../ui/Dialog';
import { CopyableCode } from '../CopyableCode';
import { FormDialog } from '../dialogs';
import { Checkbox, Field } from '../forms';
import { createFieldErrors, focusField } from '../field-errors';
import { API_SCOPES, type TokenRow, type Scope } from './operations';
import { createApiToken } from './tokens-data';

export function CreateTokenDialog(props: { onClose(): void; onCreated(token: TokenRow): void }) {
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
      const { token, apiToken } = await createApiToken(client, { name: name().trim(), scopes: scopes(), expiresAt });
      setCreated({ token, apiToken });
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
