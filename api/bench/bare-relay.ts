// The bare relay the full stack is judged against: graphql-yoga + graphql-ws on one port at
// /graphql, with no database, no auth and no validation beyond GraphQL's. `sendMessage` publishes
// to yoga's in-memory pub/sub; `chatEvents(sessionId)` relays it. Its types mirror the shape of
// our schema's Message and ChatEvent, so the load generator sends the very same operations.
// Run by bench/run.ts in a process of its own; prints its URL on stdout.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { announceReady, serveParent } from './child';
import { cpuProfilerHandlers } from './cpu-profiler';

type Message = { id: string; sessionId: string; cursor: number; authorKind: string; body: string; clientMessageId: string; createdAt: string };
type ChatEvent = { cursor: number; type: string; sessionId: string; createdAt: string; message: Message };

const pubsub = createPubSub<{ chat: [sessionId: string, event: ChatEvent] }>();
const cursors = new Map<string, number>();

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Message { id: ID! sessionId: ID! cursor: Int! authorKind: String! body: String! clientMessageId: String createdAt: String! }
    type ChatEvent { cursor: Int sessionId: ID! type: String! createdAt: String! message: Message }
    input SendMessageInput { sessionId: ID! body: String! clientMessageId: String! }
    type Query { ok: Boolean! }
    type Mutation { sendMessage(input: SendMessageInput!): Message! }
    type Subscription { chatEvents(sessionId: ID!, after: Int): ChatEvent! }
  `,
  resolvers: {
    Query: { ok: () => true },
    Mutation: {
      sendMessage: (_root: unknown, { input }: { input: { sessionId: string; body: string; clientMessageId: string } }) => {
        const cursor = (cursors.get(input.sessionId) ?? 0) + 1;
        cursors.set(input.sessionId, cursor);
        const createdAt = new Date().toISOString();
        // The author is not known without auth; the load generator tells sides apart by its own bookkeeping.
        const message: Message = {
          id: randomUUID(),
          sessionId: input.sessionId,
          cursor,
          authorKind: 'VISITOR',
          body: input.body,
          clientMessageId: input.clientMessageId,
          createdAt,
        };
        pubsub.publish('chat', input.sessionId, { cursor, type: 'MESSAGE', sessionId: input.sessionId, createdAt, message });
        return message;
      },
    },
    Subscription: {
      chatEvents: {
        subscribe: (_root: unknown, { sessionId }: { sessionId: string }) => pubsub.subscribe('chat', sessionId),
        resolve: (event: ChatEvent) => event,
      },
    },
  },
});

const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false, logging: 'warn' });
const server = createServer(yoga);
const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024 });
// The same graphql-ws recipe as src/server/app.ts (yoga's envelop for parse, validate and execute).
const disposable = useServer(
  {
    execute: (args: any) => args.rootValue.execute(args),
    subscribe: (args: any) => args.rootValue.subscribe(args),
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        params,
      });
      const args = {
        schema,
        operationName: params.operationName,
        document: parse(params.query),
        variableValues: params.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      return errors.length ? errors : args;
    },
  },
  wss,
);

// Only the BENCH_PROFILE=1 hook; the relay itself stays the framework's defaults.
serveParent(cpuProfilerHandlers(), async () => {
  for (const client of wss.clients) client.close(1001, 'Server shutting down');
  await disposable.dispose();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
announceReady(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'none');
