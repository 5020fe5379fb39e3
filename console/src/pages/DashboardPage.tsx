export function DashboardPage() {
  return (
    <section class="card" aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">Dashboard</h2>
      <p class="muted">Queue and agent stats will appear here.</p>
    </section>
  );
}
