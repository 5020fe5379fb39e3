import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/platform/config';
import { channelWithAgents, startChat, type MemberFlags } from './chat-fixtures';
import { startTestApp, subscribe, type Subscription, type TestApp } from './harness';

const roomy = { limit: 100_000, windowSeconds: 60 };
let app: TestApp;
let adminToken: string;
beforeAll(async () => {
  const chat = configFromEnv({}).chat;
  app = await startTestApp({ chat: { ...chat, startChatPerIp: roomy, startChatPerVisitor: roomy } });
  adminToken = (await app.agentWithToken({ role: 'ADMIN' })).token;
});
afterAll(() => app?.stop());

const AGENT_EVENTS = `subscription { agentEvents { reasons sessionIds badges { incoming } } }`;
const DASHBOARD = `subscription($ids: [ID!]) { dashboardEvents(channelIds: $ids) { incoming { session { id channel { id } } } stats { waiting } } }`;
const SET_MEMBER = `mutation($c: ID!, $a: ID!, $f: ChannelMemberInput) { setChannelMember(channelId: $c, agentId: $a, flags: $f) { canRespond } }`;
const REMOVE_MEMBER = `mutation($c: ID!, $a: ID!) { removeChannelMember(channelId: $c, agentId: $a) { id } }`;

async function setMember(channelId: string, agentId: string, flags: MemberFlags) {
  const result = await app.gql(SET_MEMBER, { c: channelId, a: agentId, f: flags }, adminToken);
  expect(result.errors).toBeUndefined();
}

async function removeMember(channelId: string, agentId: string) {
  const result = await app.gql(REMOVE_MEMBER, { c: channelId, a: agentId }, adminToken);
  expect(result.errors).toBeUndefined();
}

/** Waits for a value that arrives after the `since`-th one. */
function nextValue<T>(feed: Subscription<T>, since: number, predicate: (value: T) => boolean = () => true) {
  return feed.waitFor((value) => feed.values().indexOf(value) >= since && predicate(value));
}

type AgentEventData = { agentEvents: { reasons: string[]; sessionIds: string[]; badges: { incoming: number } } };
type DashboardData = { dashboardEvents: { incoming: { session: { id: string; channel: { id: string } } }[]; stats: { waiting: number } } };

/**
 * A chat in `channelId` that must not reach the feed: a chat in a channel the feed does cover
 * comes after it, and once that one has arrived the first has had every chance to (the bus
 * delivers in order).
 */
async function expectUnseen<T>(feed: Subscription<T>, channelId: string, coveredChannelId: string, seen: (value: T, sessionId: string) => boolean) {
  const unseen = await startChat(app, channelId, 'not for you');
  const marker = await startChat(app, coveredChannelId, 'for you');
  await feed.waitFor((value) => seen(value, marker.sessionId));
  expect(feed.values().filter((value) => seen(value, unseen.sessionId))).toEqual([]);
  return unseen;
}

describe('agentEvents follows membership changes without resubscribing', () => {
  it('starts carrying a channel’s new chats when the agent is added or their flags allow it, and stops when removed or not', async () => {
    const home = await channelWithAgents(app, { alice: { canRespond: true } });
    const other = await channelWithAgents(app, { bob: { canRespond: true } });
    const alice = home.agents.alice!;
    const feed = subscribe<AgentEventData>(app.ws(`Bearer ${alice.token}`), AGENT_EVENTS);
    await feed.waitFor((d) => d.agentEvents.reasons.includes('initial'));
    const carries = (d: AgentEventData, sessionId: string) => d.agentEvents.sessionIds.includes(sessionId);

    // Not a member yet: the other channel's chats do not reach her.
    const before = await expectUnseen(feed, other.channel.id, home.channel.id, carries);

    // Added as a responder: the badge counts that channel's queue at once, and new chats arrive.
    let since = feed.values().length;
    await setMember(other.channel.id, alice.agent.id, { canRespond: true });
    const joined = await nextValue(feed, since, (d) => d.agentEvents.reasons.includes('channels'));
    // Her own channel's marker chat and the one that waited in the other channel.
    expect(joined.agentEvents.badges.incoming).toBe(2);
    const added = await startChat(app, other.channel.id, 'now for you');
    const arrived = await feed.waitFor((d) => carries(d, added.sessionId));
    expect(arrived.agentEvents.reasons).toContain('queue');
    expect(arrived.agentEvents.badges.incoming).toBe(3);

    // Still a member, but neither responding nor notified: its chats stop, and its queue leaves the badge.
    since = feed.values().length;
    await setMember(other.channel.id, alice.agent.id, { canRespond: false, getsNotifications: false });
    const demoted = await nextValue(feed, since, (d) => d.agentEvents.reasons.includes('channels'));
    expect(demoted.agentEvents.badges.incoming).toBe(1);
    await expectUnseen(feed, other.channel.id, home.channel.id, carries);

    // Able to respond again, then removed.
    since = feed.values().length;
    await setMember(other.channel.id, alice.agent.id, { canRespond: true });
    await nextValue(feed, since, (d) => d.agentEvents.reasons.includes('channels'));
    const again = await startChat(app, other.channel.id, 'for you again');
    await feed.waitFor((d) => carries(d, again.sessionId));

    since = feed.values().length;
    await removeMember(other.channel.id, alice.agent.id);
    const removed = await nextValue(feed, since, (d) => d.agentEvents.reasons.includes('channels'));
    expect(removed.agentEvents.badges.incoming).toBe(2);
    await expectUnseen(feed, other.channel.id, home.channel.id, carries);

    expect(feed.values().filter((d) => carries(d, before.sessionId))).toEqual([]);
    expect(feed.results.every((r) => !r.errors)).toBe(true);
    feed.stop();
  });
});

describe('dashboardEvents follows membership changes without resubscribing', () => {
  const incomingIds = (d: DashboardData) => d.dashboardEvents.incoming.map((q) => q.session.id);
  const shows = (d: DashboardData, sessionId: string) => incomingIds(d).includes(sessionId);

  it('covers all of the agent’s channels as they are now', async () => {
    const home = await channelWithAgents(app, { alice: { canRespond: true } });
    const other = await channelWithAgents(app, { bob: { canRespond: true } });
    const alice = home.agents.alice!;
    const feed = subscribe<DashboardData>(app.ws(`Bearer ${alice.token}`), DASHBOARD, {});
    await feed.waitFor(() => true);

    const waitingElsewhere = await expectUnseen(feed, other.channel.id, home.channel.id, shows);

    // Any membership brings the channel onto her dashboard, with what already waits there.
    await setMember(other.channel.id, alice.agent.id, { canRespond: false, canListenIn: true });
    await feed.waitFor((d) => shows(d, waitingElsewhere.sessionId));
    const added = await startChat(app, other.channel.id, 'on the dashboard');
    const both = await feed.waitFor((d) => shows(d, added.sessionId));
    expect(new Set(both.dashboardEvents.incoming.map((q) => q.session.channel.id))).toEqual(new Set([home.channel.id, other.channel.id]));

    await removeMember(other.channel.id, alice.agent.id);
    const gone = await feed.waitFor((d) => !shows(d, added.sessionId) && !shows(d, waitingElsewhere.sessionId));
    expect(gone.dashboardEvents.incoming.every((q) => q.session.channel.id === home.channel.id)).toBe(true);
    expect(gone.dashboardEvents.stats.waiting).toBe(gone.dashboardEvents.incoming.length);
    await expectUnseen(feed, other.channel.id, home.channel.id, shows);
    expect(feed.results.every((r) => !r.errors)).toBe(true);
    feed.stop();
  });

  it('drops a chosen channel the agent leaves, and brings it back when they return', async () => {
    const { channel: home, agents } = await channelWithAgents(app, { alice: { canRespond: true } });
    const other = await channelWithAgents(app, { bob: { canRespond: true } });
    const alice = agents.alice!;
    await setMember(other.channel.id, alice.agent.id, { canRespond: true });
    const feed = subscribe<DashboardData>(app.ws(`Bearer ${alice.token}`), DASHBOARD, { ids: [home.id, other.channel.id] });
    await feed.waitFor(() => true);
    const waiting = await startChat(app, other.channel.id, 'chosen');
    await feed.waitFor((d) => shows(d, waiting.sessionId));

    await removeMember(other.channel.id, alice.agent.id);
    await feed.waitFor((d) => !shows(d, waiting.sessionId));
    await expectUnseen(feed, other.channel.id, home.id, shows);

    await setMember(other.channel.id, alice.agent.id, { canRespond: true });
    await feed.waitFor((d) => shows(d, waiting.sessionId));
    expect(feed.results.every((r) => !r.errors)).toBe(true);
    feed.stop();
  });
});
