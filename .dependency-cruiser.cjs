// `pnpm deps`: the import rules of the workspace (see README, Layout). Type-only imports count.
// API layers: platform ← graphql ← modules (in MODULE_ORDER) ← server; app-services.ts wires the modules.
// chat-client/ is below both front ends: console/ and widget/ import it, it imports neither; the API takes only its error codes.
const MODULE_ORDER = ['agents', 'identity', 'channels', 'chats', 'widget', 'statistics', 'crm', 'knowledge', 'transcripts'];
const src = '^api/src/';

const moduleOrderRules = MODULE_ORDER.slice(0, -1).map((name, index) => ({
  name: `module-order-${name}`,
  comment: `modules/${name} comes before ${MODULE_ORDER.slice(index + 1).join(', ')}: it may not import them`,
  severity: 'error',
  from: { path: `${src}modules/${name}/` },
  to: { path: `${src}modules/(${MODULE_ORDER.slice(index + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'No import cycles, type-only imports included', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'platform-is-the-bottom',
      comment: 'platform/ (db, pub/sub, errors, ids, limits, config) knows nothing of GraphQL, the domains or the server',
      severity: 'error',
      from: { path: `${src}platform/` },
      to: { path: `${src}(graphql|modules|server)/|${src}app-services` },
    },
    {
      name: 'graphql-below-modules',
      comment:
        'graphql/ (builder, context, scalars, guards, plugins) imports no domain module, not the server and not the composition root: the context learns the services by declaration merging',
      severity: 'error',
      from: { path: `${src}graphql/`, pathNot: '\\.test\\.ts$' },
      to: { path: `${src}(modules|server)/|${src}(app-services|schema|main)\\.ts$` },
    },
    {
      name: 'modules-below-server',
      comment: 'a module never reaches up into the HTTP server or the composition root',
      severity: 'error',
      from: { path: `${src}modules/` },
      to: { path: `${src}server/|${src}app-services` },
    },
    {
      name: 'unknown-module',
      comment: 'every folder under modules/ has its place in MODULE_ORDER (.dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: `${src}modules/(?!(${MODULE_ORDER.join('|')})/)` },
      to: {},
    },
    ...moduleOrderRules,
    {
      name: 'chat-client-below-front-ends',
      comment: 'chat-client/ is what the console and the widget share: it imports neither of them, nor the API or the e2e suite',
      severity: 'error',
      from: { path: '^chat-client/' },
      to: { path: '^(api|console|widget|e2e)/' },
    },
    {
      name: 'api-takes-only-the-error-codes-from-chat-client',
      comment:
        'the API and the clients write the error codes once, in chat-client/src/error-codes.ts (types only, erased from the build); the rest of chat-client is client code the server never runs',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^chat-client/', pathNot: '^chat-client/src/error-codes\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
