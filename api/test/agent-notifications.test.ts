import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelWithAgents, startChat } from './chat-fixtures';
import { startTestApp, subscribe, type TestApp } from './harness';

const SETTINGS = `fragment S on Agent { notifyBrowser notifySound notifyManagerWarnings }`;
const ME = `${SETTINGS} { me { id ...S } }`;
const AGENTS = `${SETTINGS} { agents { id ...S } }`;
const UPDATE = `${SETTINGS} mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id ...S } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

// The console's per-agent switches for new-chat notifications, the sound and manager warnings.
describe('agent notification settings', () => {
  it('are on by default and each can be switched off by the agent themself', async () => {
    const { agent, token } = await app.agentWithToken();
    expect((await app.gql(ME, {}, token)).data.me).toEqual({ id: agent.id, notifyBrowser: true, notifySound: true, notifyManagerWarnings: true });

    const off = await app.gql(UPDATE, { id: agent.id, input: { notifySound: false, notifyManagerWarnings: false } }, token);
    expect(off.errors).toBeUndefined();
    expect(off.data.updateAgent).toEqual({ id: agent.id, notifyBrowser: true, notifySound: false, notifyManagerWarnings: false });
    // Omitted switches keep their value; the change is stored.
    const browserOff = await app.gql(UPDATE, { id: agent.id, input: { notifyBrowser: false } }, token);
    expect(browserOff.data.updateAgent).toMatchObject({ notifyBrowser: false, notifySound: false, notifyManagerWarnings: false });
    expect((await app.gql(ME, {}, token)).data.me).toMatchObject({ notifyBrowser: false, notifySound: false, notifyManagerWarnings: false });
  });

  it('are private: another agent can neither read nor change them; an admin can', async () => {
    // A colleague reaches the owner's Agent through the channel they share: the field guard, not
    // the admin-only `agents` list, is what keeps the settings private.
    const { channel, agents } = await channelWithAgents(app, { owner: { canRespond: true }, other: { canRespond: true } });
    const [owner, other] = [agents.owner!, agents.other!];
    const admin = await app.agentWithToken({ role: 'ADMIN' });
    const MEMBERS = (fields: string) => `query($id: ID!) { channel(id: $id) { members { agent { id ${fields} } } } }`;
    const ownerIndex = async (token: string) =>
      (await app.gql(MEMBERS(''), { id: channel.id }, token)).data.channel.members.findIndex((m: { agent: { id: string } }) => m.agent.id === owner.agent.id);

    // The colleague sees the member list, but each setting of the owner is FORBIDDEN, and only the owner's.
    expect(await ownerIndex(other.token)).toBeGreaterThanOrEqual(0);
    for (const field of ['notifyBrowser', 'notifySound', 'notifyManagerWarnings']) {
      const read = await app.gql(MEMBERS(field), { id: channel.id }, other.token);
      expect(read.data?.channel ?? null).toBeNull();
      expect(read.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
        ['FORBIDDEN', ['channel', 'members', await ownerIndex(other.token), 'agent', field]],
      ]);
    }

    const changed = await app.gql(UPDATE, { id: owner.agent.id, input: { notifySound: false } }, other.token);
    expect(changed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(ME, {}, owner.token)).data.me.notifySound).toBe(true);

    const byAdmin = await app.gql(UPDATE, { id: owner.agent.id, input: { notifySound: false } }, admin.token);
    expect(byAdmin.data.updateAgent.notifySound).toBe(false);
    const throughChannel = await app.gql(MEMBERS('notifySound'), { id: channel.id }, admin.token);
    expect(throughChannel.errors).toBeUndefined();
    expect(throughChannel.data.channel.members[await ownerIndex(admin.token)].agent).toEqual({ id: owner.agent.id, notifySound: false });
    const adminList = await app.gql(AGENTS, {}, admin.token);
    expect(adminList.errors).toBeUndefined();
    expect(adminList.data.agents.find((a: { id: string }) => a.id === owner.agent.id).notifySound).toBe(false);
  });

  it('reject a value that is not a boolean', async () => {
    const { agent, token } = await app.agentWithToken();
    const result = await app.gql(UPDATE, { id: agent.id, input: { notifySound: 'loud' } }, token);
    expect(result.errors?.[0]?.message).toMatch(/Boolean/);
    expect((await app.gql(ME, {}, token)).data.me.notifySound).toBe(true);
  });
});

// SPEC: a new incoming chat notifies the members with notifications on. The console announces
// the chats of `queue` when agentEvents says the queue changed, so both must cover those members.
describe('new-chat notifications', () => {
  const QUEUE = `query($ids: [ID!]) { queue(channelIds: $ids) { session { id channel { id } } } }`;
  const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds badges { incoming } } }`;
  const ACCEPT = `mutation($id: ID!) { acceptChat(sessionId: $id) { id } }`;
  const PRESENCE = `mutation($p: Presence!) { setPresence(presence: $p) { presence } }`;
  type AgentEventData = { agentEvents: { reasons: string[]; sessionIds: string[]; badges: { incoming: number } } };
  const queued = async (token: string, ids?: string[]) => {
    const result = await app.gql(QUEUE, { ids }, token);
    expect(result.errors).toBeUndefined();
    return (result.data.queue as { session: { id: string } }[]).map((q) => q.session.id);
  };

  it('reach a member with notifications on who cannot respond, and managers; not a member without either', async () => {
    const { channel, agents } = await channelWithAgents(app, {
      responder: { canRespond: true, getsNotifications: false },
      notified: { canRespond: false, getsNotifications: true },
      manager: { canRespond: false, getsNotifications: false, isManager: true },
      listener: { canRespond: false, getsNotifications: false, canListenIn: true },
    });
    const feeds = Object.fromEntries(
      Object.entries(agents).map(([key, { token }]) => [key, subscribe<AgentEventData>(app.ws(`Bearer ${token}`), AGENT_EVENTS)]),
    );
    for (const feed of Object.values(feeds)) await feed.waitFor((d) => d.agentEvents.reasons.includes('initial'));

    const { sessionId } = await startChat(app, channel.id, 'anyone there?');
    for (const key of ['responder', 'notified', 'manager']) {
      const event = await feeds[key]!.waitFor((d) => d.agentEvents.sessionIds.includes(sessionId));
      expect(event.agentEvents.reasons).toContain('queue');
      // The Dashboard badge counts only chats they could take.
      expect(event.agentEvents.badges.incoming).toBe(key === 'responder' ? 1 : 0);
      expect(await queued(agents[key]!.token)).toEqual([sessionId]);
    }
    expect(await queued(agents.notified!.token, [channel.id])).toEqual([sessionId]);

    // The listener gets neither: her own presence change, published after the chat, arrives first.
    const listener = agents.listener!;
    expect((await app.gql(PRESENCE, { p: 'AWAY' }, listener.token)).errors).toBeUndefined();
    await feeds.listener!.waitFor((d) => d.agentEvents.reasons.includes('presence'));
    expect(feeds.listener!.values().filter((d) => d.agentEvents.sessionIds.includes(sessionId))).toEqual([]);
    expect(await queued(listener.token)).toEqual([]);
    const refused = await app.gql(QUEUE, { ids: [channel.id] }, listener.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Being told is not being allowed to take it.
    const taken = await app.gql(ACCEPT, { id: sessionId }, agents.notified!.token);
    expect(taken.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Once answered it leaves their queue, and they are told so.
    const notified = feeds.notified!;
    const since = notified.values().length;
    expect((await app.gql(ACCEPT, { id: sessionId }, agents.responder!.token)).errors).toBeUndefined();
    await notified.waitFor((d) => notified.values().indexOf(d) >= since && d.agentEvents.sessionIds.includes(sessionId));
    expect(await queued(agents.notified!.token)).toEqual([]);
    for (const feed of Object.values(feeds)) {
      expect(feed.results.every((r) => !r.errors)).toBe(true);
      feed.stop();
    }
  });
});
