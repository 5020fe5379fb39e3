import { A } from '@solidjs/router';

export function NotFoundPage() {
  return (
    <section class="page page-centered" aria-labelledby="not-found-title">
      <div class="empty-state">
        <h2 id="not-found-title">Page not found</h2>
        <p class="muted">The address does not match any part of the console.</p>
        <A class="button" href="/dashboard">
          Back to the dashboard
        </A>
      </div>
    </section>
  );
}
