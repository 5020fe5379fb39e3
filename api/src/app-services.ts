import { Redis } from 'ioredis';
import type { AppConfig } from './platform/config';
import type { Database, RawSql } from './platform/db/client';
import { createMetrics, type Metrics } from './platform/metrics';
import type { PrismaClient } from './generated/prisma/client';
import { createEventBus, type EventBus } from './platform/pubsub';
import { createAgentService, type AgentService } from './modules/agents/agents.service';
import { createAttachmentService, type AttachmentService } from './modules/chats/attachments.service';
import { createAuthService, type AuthService } from './modules/identity/auth.service';
import { createChannelService, type ChannelService } from './modules/channels/channels.service';
import { createChatReadService, type ChatReadService } from './modules/chats/chat-reads.service';
import { createChatEventLog, type ChatEventLog } from './modules/chats/chat-events';
import { createChatService, type ChatService } from './modules/chats/chats.service';
import { createFaqService, type FaqService } from './modules/knowledge/faq.service';
import { createIdleMonitor, type IdleMonitor } from './modules/chats/idle';
import { createQueueService, type QueueService } from './modules/chats/queue.service';
import { createQuickReplyService, type QuickReplyService } from './modules/knowledge/quick-replies.service';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './platform/rate-limiter';
import { createTemplateService, type TemplateService } from './modules/knowledge/templates.service';
import { createTransferService, type TransferService } from './modules/chats/transfers.service';
import { createStatisticsService, type StatisticsService } from './modules/statistics/statistics.service';
import { createWidgetService, type WidgetService } from './modules/widget/widget.service';
import { createContactService, type ContactService } from './modules/crm/contacts.service';
import { createSalesService, type SalesService } from './modules/crm/sales.service';
import { createRequestService, type RequestService } from './modules/crm/requests.service';
import { createTranscriptService, type TranscriptService } from './modules/transcripts/transcripts.service';

/** The domain services one API instance runs with; handed to every resolver through the context. */
export interface AppServices {
  prisma: PrismaClient;
  /** Plain SQL on Prisma's pool, for hot paths written as one statement. */
  sql: RawSql;
  config: AppConfig;
  bus: EventBus;
  rateLimiter: RateLimiter;
  /** This instance's Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  auth: AuthService;
  agents: AgentService;
  channels: ChannelService;
  events: ChatEventLog;
  chats: ChatService;
  /** What callers may read of the chats, narrowed to what each may see. */
  chatReads: ChatReadService;
  queue: QueueService;
  transfers: TransferService;
  idle: IdleMonitor;
  attachments: AttachmentService;
  transcripts: TranscriptService;
  statistics: StatisticsService;
  widget: WidgetService;
  contacts: ContactService;
  sales: SalesService;
  requests: RequestService;
  faq: FaqService;
  templates: TemplateService;
  quickReplies: QuickReplyService;
  close(): Promise<void>;
}

declare module './graphql/context' {
  /** Every resolver's `ctx.services` is this instance's AppServices. */
  interface ContextServices extends AppServices {}
}

export function createAppServices(database: Database, config: AppConfig, metrics: Metrics = createMetrics()): AppServices {
  const { prisma, sql } = database;
  const bus = createEventBus(config.redisUrl, { delivered: (topic, lagSeconds) => metrics.pubsubLag.observe({ topic }, lagSeconds) });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  redis?.on('error', () => {});
  const rateLimiter = redis ? createRedisRateLimiter(redis, undefined, metrics.rateLimitRefused) : createMemoryRateLimiter(undefined, metrics.rateLimitRefused);
  const auth = createAuthService({
    prisma,
    sql,
    rateLimiter,
    bus,
    options: {
      ...config,
      // A visitor's lastSeenAt must be fresher than the idle timeout, or active visitors would look gone.
      visitorLastSeenPrecisionMs: Math.min(30_000, (config.chat.idleTimeoutSeconds * 1000) / 3),
    },
  });
  const events = createChatEventLog({
    prisma,
    sql,
    bus,
    onMessageStored: (event) => metrics.messagesStored.inc({ author: event.message?.authorKind ?? 'unknown' }),
  });
  const chats = createChatService({ prisma, events, bus, rateLimiter, auth, limits: config.chat });
  const queue = createQueueService({ prisma, sql, events, bus, chats });
  const contacts = createContactService({ prisma, events, chats });
  return {
    prisma,
    sql,
    config,
    bus,
    rateLimiter,
    metrics,
    auth,
    agents: createAgentService({ prisma, bus, queue }),
    channels: createChannelService({ prisma, bus }),
    events,
    chats,
    chatReads: createChatReadService({ prisma }),
    queue,
    transfers: createTransferService({ prisma, events, bus, chats }),
    idle: createIdleMonitor({ prisma, sql, chats, limits: config.chat, log: config.log }),
    attachments: createAttachmentService({ prisma, chats, rateLimiter, limits: config.chat, config: config.attachments }),
    transcripts: createTranscriptService({ prisma, rateLimiter, config: config.mail, log: config.log }),
    statistics: createStatisticsService({ prisma, queue }),
    widget: createWidgetService({
      prisma,
      events,
      chats,
      rateLimiter,
      limits: config.chat,
      settings: {
        mailConfigured: config.mail.smtpUrl != null,
        reopenWindowMinutes: config.chat.reopenWindowMinutes,
        maxAttachmentBytes: config.attachments.maxBytes,
      },
    }),
    contacts,
    sales: createSalesService({ prisma, contacts }),
    requests: createRequestService({ prisma, contacts, rateLimiter, offlineFormLimitPerIp: config.chat.offlineFormPerIp, auth, events, chats }),
    faq: createFaqService({ prisma, chats, rateLimiter, limits: config.chat }),
    templates: createTemplateService({ prisma, chats }),
    quickReplies: createQuickReplyService({ prisma }),
    async close() {
      await bus.close();
      redis?.disconnect();
      await database.close();
    },
  };
}
