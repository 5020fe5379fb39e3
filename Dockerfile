# syntax=docker/dockerfile:1
# The production image: the compiled API serving the built console and widget, as `pnpm start` runs it.
#   docker build -t livechat .        (compose.yaml adds PostgreSQL and Redis)
ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: every package (dev ones too, to build), cached while the manifests stay the same ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY api/package.json api/
COPY console/package.json console/
COPY widget/package.json widget/
COPY e2e/package.json e2e/
# postinstall generates the Prisma client: it needs the schema and the stand-in engine script.
COPY prisma/schema.prisma prisma/
COPY api/scripts/no-schema-engine.sh api/scripts/
RUN pnpm install --frozen-lockfile

# --- build: console, widget and API (api/dist) ---
FROM deps AS build
COPY . .
RUN pnpm build

# --- prod-deps: only the API's runtime packages; no scripts (the Prisma client is bundled in api/dist) ---
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY api/package.json api/
COPY console/package.json console/
COPY widget/package.json widget/
COPY e2e/package.json e2e/
RUN pnpm install --frozen-lockfile --prod --ignore-scripts --filter api

# --- runtime: node, the packages, the built files; nothing else ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
# The API finds its workspace by pnpm-workspace.yaml: prisma/migrations, console/dist and widget/dist beside api/.
COPY --from=prod-deps /app/package.json /app/pnpm-workspace.yaml ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/api/node_modules ./api/node_modules
COPY --from=prod-deps /app/api/package.json ./api/
COPY --from=build /app/api/dist ./api/dist
COPY --from=build /app/console/dist ./console/dist
COPY --from=build /app/widget/dist ./widget/dist
COPY prisma ./prisma
# Attachments (and an embedded database, without DATABASE_URL) live in /data, the one writable place.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
WORKDIR /app/api
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The production step of `pnpm start` (api/package.json "start"), without the shell: node is PID 1 and gets SIGTERM.
CMD ["node", "dist/main.js"]
