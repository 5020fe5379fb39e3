import { createSignal, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { errorMessage } from '../../api';
import { useRuntime } from '../../runtime';
import { Dialog } from '../../ui/Dialog';
import { showToast } from '../../ui/toasts';
import { CopyableCode } from '../CopyableCode';
import { FormDialog } from '../dialogs';
import { Checkbox, Field } from '../forms';
import { createFieldErrors, focusField } from '../field-errors';
import { createAgent, revokeAgentSessions, updateAgent } from './agents-data';
import type { AgentRow, Role } from './operations';

export const MIN_PASSWORD_LENGTH = 10;

/** A random password an admin can hand over; the agent should change it. */
export function generatePassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const AGENT_FIELDS = ['email', 'name', 'nickname', 'photoUrl', 'role', 'active', 'password'] as const;

/** `onSaved(agent, false)`: listed, but the dialog stays to show the new agent's password. */
export function AgentDialog(props: { agent: AgentRow | null; isSelf: boolean; onClose(): void; onSaved(agent: AgentRow, close: boolean): void }) {
  const { client } = useRuntime();
  const creating = !props.agent;
  const [form, setForm] = createStore({
    email: props.agent?.email ?? '',
    name: props.agent?.name ?? '',
    nickname: props.agent?.nickname ?? '',
    photoUrl: props.agent?.photoUrl ?? '',
    role: (props.agent?.role ?? 'AGENT') as Role,
    active: props.agent?.active ?? true,
    password: creating ? generatePassword() : '',
  });
  const errors = createFieldErrors();
  const [busy, setBusy] = createSignal(false);
  const [general, setGeneral] = createSignal<string | null>(null);
  const [handOver, setHandOver] = createSignal<{ agent: AgentRow; password: string } | null>(null);
  let formElement!: HTMLFormElement;

  function check(): Record<string, string> {
    const problems: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) problems.email = 'Enter a valid email address.';
    if (!form.name.trim()) problems.name = 'Enter a name.';
    else if (form.name.trim().length > 100) problems.name = 'At most 100 characters.';
    if (form.nickname.trim().length > 50) problems.nickname = 'At most 50 characters.';
    if (form.photoUrl.trim() && !/^https?:\/\/\S+$/i.test(form.photoUrl.trim())) problems.photoUrl = 'Use a full address starting with https://.';
    if ((creating || form.password) && form.password.length < MIN_PASSWORD_LENGTH) problems.password = `At least ${MIN_PASSWORD_LENGTH} characters.`;
    return problems;
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const problems = check();
    errors.replace(problems);
    setGeneral(null);
    if (Object.keys(problems).length) return focusField(formElement, Object.keys(problems)[0]);
    setBusy(true);
    try {
      let saved: AgentRow;
      if (creating) {
        saved = await createAgent(
          client,
          { email: form.email.trim(), name: form.name.trim(), nickname: form.nickname.trim() || null, role: form.role, password: form.password },
          form.photoUrl.trim(),
        );
        showToast({ tone: 'success', message: `${saved.name} can now sign in.` });
        setHandOver({ agent: saved, password: form.password });
        props.onSaved(saved, false);
        return;
      }
      const before = props.agent!;
      const input = {
        email: form.email.trim() !== before.email ? form.email.trim() : undefined,
        name: form.name.trim() !== before.name ? form.name.trim() : undefined,
        nickname: form.nickname.trim() !== (before.nickname ?? '') ? form.nickname.trim() : undefined,
        photoUrl: form.photoUrl.trim() !== (before.photoUrl ?? '') ? form.photoUrl.trim() : undefined,
        role: form.role !== before.role ? form.role : undefined,
        active: form.active !== before.active ? form.active : undefined,
        password: form.password ? form.password : undefined,
      };
      saved = await updateAgent(client, before.id, input);
      showToast({ tone: 'success', message: `${saved.name} saved.${input.active === false ? ' They were signed out and can no longer sign in.' : ''}` });
      props.onSaved(saved, true);
    } catch (error) {
      if (errors.placeApiError(error, AGENT_FIELDS)) focusField(formElement, errors.fields()[0]);
      else setGeneral(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  async function signOutEverywhere() {
    setBusy(true);
    try {
      const n = await revokeAgentSessions(client, props.agent!.id);
      showToast({ tone: 'success', message: `${props.agent!.name} was signed out of ${n} ${n === 1 ? 'session' : 'sessions'}.` });
    } catch (error) {
      setGeneral(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show
      when={!handOver()}
      fallback={
        <Dialog
          title={`${handOver()!.agent.name} can sign in`}
          description="Give them their email and this password over a safe channel. It is not shown again; they can change it after signing in."
          onClose={props.onClose}
          footer={
            <button type="button" class="button button-primary" onClick={props.onClose}>
              Done
            </button>
          }
        >
          <div class="token-once">
            <p>
              Email: <strong>{handOver()!.agent.email}</strong>
            </p>
            <CopyableCode label="Password" value={handOver()!.password} />
          </div>
        </Dialog>
      }
    >
      <FormDialog
        title={creating ? 'New agent' : `Edit ${props.agent!.name}`}
        submitLabel={creating ? 'Create agent' : 'Save'}
        busy={busy()}
        error={general()}
        onSubmit={submit}
        onClose={props.onClose}
        formRef={(form) => (formElement = form)}
      >
        <Field name="name" label="Name" required error={errors.get('name')}>
          {(control) => <input {...control} type="text" autocomplete="off" value={form.name} onInput={(e) => setForm('name', e.currentTarget.value)} />}
        </Field>
        <Field name="nickname" label="Nickname" error={errors.get('nickname')} hint="Optional; visitors see it instead of the name.">
          {(control) => <input {...control} type="text" autocomplete="off" value={form.nickname} onInput={(e) => setForm('nickname', e.currentTarget.value)} />}
        </Field>
        <Field name="email" label="Email" required error={errors.get('email')} hint="They sign in with it.">
          {(control) => <input {...control} type="email" autocomplete="off" value={form.email} onInput={(e) => setForm('email', e.currentTarget.value)} />}
        </Field>
        <Field name="photoUrl" label="Photo URL" error={errors.get('photoUrl')} hint="Optional; shown to visitors in channels that show agent photos.">
          {(control) => <input {...control} type="url" value={form.photoUrl} onInput={(e) => setForm('photoUrl', e.currentTarget.value)} />}
        </Field>
        <Field name="role" label="Role" error={errors.get('role')} hint="Admins manage channels, agents, knowledge and API tokens.">
          {(control) => (
            <select {...control} value={form.role} onChange={(e) => setForm('role', e.currentTarget.value as Role)}>
              <option value="AGENT">Agent</option>
              <option value="ADMIN">Admin</option>
            </select>
          )}
        </Field>
        <Field
          name="password"
          label={creating ? 'Initial password' : 'New password'}
          required={creating}
          error={errors.get('password')}
          hint={
            creating
              ? `At least ${MIN_PASSWORD_LENGTH} characters. A random one is filled in.`
              : 'Leave empty to keep the current one. A new password signs them out everywhere else.'
          }
        >
          {(control) => (
            <span class="input-with-action">
              <input
                {...control}
                type="text"
                autocomplete="new-password"
                spellcheck={false}
                value={form.password}
                onInput={(e) => setForm('password', e.currentTarget.value)}
              />
              <button type="button" class="button button-small" onClick={() => setForm('password', generatePassword())}>
                Generate
              </button>
            </span>
          )}
        </Field>
        <Show when={!creating}>
          <div data-field="active">
            <Checkbox
              label="Active"
              hint={
                props.isSelf
                  ? 'You cannot deactivate yourself here.'
                  : 'Deactivated agents cannot sign in and are signed out at once; their chats and history stay.'
              }
              checked={form.active}
              disabled={props.isSelf}
              onChange={(value) => setForm('active', value)}
            />
            <Show when={errors.get('active')}>
              <p class="field-error">{errors.get('active')}</p>
            </Show>
          </div>
          <div class="row" hidden={props.isSelf}>
            <button type="button" class="button button-small" disabled={busy()} onClick={() => void signOutEverywhere()}>
              Sign out everywhere
            </button>
            <span class="field-hint">Ends all of {props.agent!.name}’s console sessions.</span>
          </div>
        </Show>
      </FormDialog>
    </Show>
  );
}
