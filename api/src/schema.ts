import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './graphql/builder';
import './graphql/scalars';
import './modules/agents/agents.graphql';
import './modules/identity/auth.graphql';
import './modules/identity/api-tokens.graphql';
import './modules/channels/channels.graphql';
import './modules/chats/chats.graphql';
import './modules/knowledge/faq.graphql';
import './modules/knowledge/templates.graphql';
import './modules/knowledge/quick-replies.graphql';
import './modules/crm/requests.graphql';
import './modules/crm/contacts.graphql';
import './modules/crm/sales.graphql';
import './modules/chats/queue.graphql';
import './modules/chats/transfers.graphql';
import './modules/statistics/statistics.graphql';
import './modules/chats/attachments.graphql';
import './modules/transcripts/transcripts.graphql';
import './modules/widget/widget.graphql';

export const schema = builder.toSchema({ sortSchema: true });

/** The SDL checked in as `schema.graphql`. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
