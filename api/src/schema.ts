import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder';
import './schema/scalars';
import './schema/agents';
import './schema/auth';
import './schema/api-tokens';
import './schema/channels';
import './schema/chats';
import './schema/faq';
import './schema/templates';
import './schema/quick-replies';
import './schema/requests';
import './schema/contacts';
import './schema/sales';
import './schema/queue';
import './schema/transfers';
import './schema/statistics';
import './schema/attachments';
import './schema/transcripts';
import './schema/widget';

export const schema = builder.toSchema({ sortSchema: true });

/** The SDL checked in as `schema.graphql`. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
