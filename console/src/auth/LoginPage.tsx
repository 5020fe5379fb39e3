import { Navigate, useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../api';
import { useRuntime } from '../runtime';
import { ErrorNotice } from '../ui/ErrorNotice';
import { login } from './auth-data';

/** Only same-app paths: a `next` pointing elsewhere would turn the login page into an open redirect. */
export function safeNextPath(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/dashboard';
}

export function LoginPage() {
  const { client, session } = useRuntime();
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      session.signIn(await login(client, email().trim(), password()));
      navigate(safeNextPath(params.next), { replace: true });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show when={!session.token()} fallback={<Navigate href={safeNextPath(params.next)} />}>
      <main class="login-page">
        <form class="login-card" onSubmit={submit} aria-labelledby="login-title" novalidate>
          <div class="login-brand" aria-hidden="true">
            <span class="brand-mark">LC</span>
          </div>
          <h1 id="login-title">Sign in to Live Chat</h1>
          <p class="muted">The console for your support and sales team.</p>
          <Show when={session.notice()}>
            <p class="notice notice-info" role="status">
              {session.notice()}
            </p>
          </Show>
          <label class="field">
            <span>Email</span>
            <input type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} autofocus />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              type="password"
              name="password"
              autocomplete="current-password"
              required
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <ErrorNotice error={error()} />
          <button class="button button-primary button-block" type="submit" disabled={busy() || !email() || !password()}>
            {busy() ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </Show>
  );
}
