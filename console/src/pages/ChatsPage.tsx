export function ChatsPage() {
  return (
    <section class="card" aria-labelledby="chats-title">
      <h2 id="chats-title">Chats</h2>
      <p class="muted">No conversations yet.</p>
    </section>
  );
}
