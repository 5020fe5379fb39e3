import { A } from '@solidjs/router';

export function LoginPage() {
  return (
    <section class="card card-narrow" aria-labelledby="login-title">
      <h2 id="login-title">Sign in</h2>
      <p class="muted">Agent sign-in arrives with the auth API.</p>
      <A class="button" href="/dashboard">
        Continue to dashboard
      </A>
    </section>
  );
}
