import { A } from '@solidjs/router';

export function NotFoundPage() {
  return (
    <section class="card" aria-labelledby="not-found-title">
      <h2 id="not-found-title">Page not found</h2>
      <A href="/dashboard">Back to the dashboard</A>
    </section>
  );
}
