import { builder } from '../../graphql/builder';
import { sharedRead } from '../../graphql/shared-reads';
import { agentOf } from '../../graphql/context';
import type { AgentSignal, ChannelSignal } from '../../platform/pubsub';
import { signalStream, type BusRoute } from '../../platform/live-signals';
import { validateTimeZone } from '../channels/opening-hours';
import type { DashboardSnapshot, LiveStats } from './statistics.service';
import { QueuedChatRef } from '../chats/queue.graphql';

const LiveStatsRef = builder.objectRef<LiveStats>('LiveStats').implement({
  description: 'Live statistics for a set of channels. "Today" starts at midnight in the requested time zone.',
  fields: (t) => ({
    waiting: t.exposeInt('waiting', { description: 'Visitors waiting in the queue now.' }),
    longestWaitSeconds: t.exposeInt('longestWaitSeconds', {
      nullable: true,
      description: 'How long the longest-waiting visitor has waited; null when nobody waits.',
    }),
    agentsPresent: t.exposeInt('agentsPresent', {
      description: 'Present member agents who can respond: the same count that decides whether a channel is online.',
    }),
    activeSessions: t.exposeInt('activeSessions', { description: 'Chats an agent is handling now.' }),
    chatsToday: t.exposeInt('chatsToday', { description: 'Chats requested today, including missed and offline ones.' }),
    averageWaitSeconds: t.exposeInt('averageWaitSeconds', {
      nullable: true,
      description: 'Average time chats queued today waited: until an agent took them, they ended, or now.',
    }),
    averageTimeToAcceptSeconds: t.exposeInt('averageTimeToAcceptSeconds', { nullable: true, description: 'Average wait of the chats an agent took today.' }),
    missedToday: t.exposeInt('missedToday', { description: 'Chats today that ended while queued or went to the offline form.' }),
    averageRating: t.exposeFloat('averageRating', { nullable: true, description: 'Average visitor rating (1–5) of chats ended today.' }),
    ratingsToday: t.exposeInt('ratingsToday', { description: 'How many chats ended today were rated.' }),
  }),
});

const DashboardRef = builder.objectRef<DashboardSnapshot>('DashboardSnapshot').implement({
  description: 'Everything the Dashboard tab shows, recomputed whenever its channels change.',
  fields: (t) => ({
    stats: t.field({ type: LiveStatsRef, description: 'The statistics tiles.', resolve: (d) => d.stats }),
    incoming: t.field({
      type: [QueuedChatRef],
      description: 'Chats waiting for an agent, oldest first: the incoming list (its length is the tab badge).',
      resolve: (d) => d.incoming,
    }),
    ongoing: t.prismaField({
      type: ['ChatSession'],
      description: 'Chats agents are handling now: the ongoing list (open one to listen in).',
      resolve: (query, d, _args, ctx) =>
        sharedRead(d, query, () => ctx.prisma.chatSession.findMany({ ...query, ...ctx.services.statistics.ongoingListArgs(d.ongoing) })),
    }),
  }),
});

const STATS_CHANNELS = 'Limit to these channels; by default all of yours.';
const STATS_TIME_ZONE = 'IANA time zone in which "today" is counted, e.g. Europe/Oslo.';

builder.queryFields((t) => ({
  liveStats: t.field({
    type: LiveStatsRef,
    description: 'Waiting, longest wait, agents Present, active sessions, today’s chats, average wait and time to accept, missed chats and average rating.',
    authScopes: { agent: true },
    args: {
      channelIds: t.arg.idList({ description: STATS_CHANNELS }),
      timeZone: t.arg.string({ defaultValue: 'UTC', description: STATS_TIME_ZONE }),
    },
    resolve: (_root, { channelIds, timeZone }, ctx) => ctx.services.statistics.liveStats(agentOf(ctx)!, channelIds, timeZone ?? 'UTC'),
  }),
}));

/** How long message-only activity may wait before a dashboard shows it. */
const DASHBOARD_ACTIVITY_MS = 10_000;

builder.subscriptionField('dashboardEvents', (t) =>
  t.field({
    type: DashboardRef,
    description:
      'The Dashboard, live: a snapshot now and after every change in its channels (bursts are merged, at most about two per second). New messages and read receipts alone refresh it at most every 10 seconds.',
    authScopes: { agent: true },
    args: {
      channelIds: t.arg.idList({ description: STATS_CHANNELS }),
      timeZone: t.arg.string({ defaultValue: 'UTC', description: STATS_TIME_ZONE }),
    },
    subscribe: async (_root, { channelIds, timeZone }, ctx) => {
      const agent = agentOf(ctx)!;
      const { statistics } = ctx.services;
      let channels = await statistics.dashboardChannels(agent, channelIds);
      const zone = validateTimeZone(timeZone ?? 'UTC');
      const routes = (): BusRoute[] => [['agent', agent.id], ...channels.map((id) => ['channel', id] as const)];
      return signalStream<ChannelSignal | AgentSignal, DashboardSnapshot>(ctx.services.bus, {
        routes: routes(),
        // From the agent's own route only a membership change matters: the feed then covers the
        // channels they are in now (a channel they left drops out, one they joined comes in).
        accepts: (topic, signal) => topic === 'channel' || signal.reason === 'channels',
        reroute: {
          when: (signal) => signal.reason === 'channels',
          read: async () => {
            channels = await statistics.currentDashboardChannels(agent, channelIds);
            return routes();
          },
        },
        coalesceMs: 500,
        lowPriority: { when: (signal) => 'activity' in signal && signal.activity === true, everyMs: DASHBOARD_ACTIVITY_MS },
        emitInitial: true,
        compute: (_signals, receivedAt) => statistics.sharedDashboard(channels, zone, receivedAt),
      });
    },
    resolve: (snapshot) => snapshot,
  }),
);
