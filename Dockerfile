# syntax=docker/dockerfile:1
# Production image: the compiled API serving the built console and widget.
#   docker build -t livechat .   then see compose.yaml for PostgreSQL and Redis.
# The image keeps the workspace layout (api/, prisma/, console/dist, widget/dist): the API finds
# its migrations and the front ends from the folder holding pnpm-workspace.yaml.
ARG NODE_VERSION=20
ARG PNPM_VERSION=10.34.9

FROM node:${NODE_VERSION}-bookworm-slim AS pnpm
ARG PNPM_VERSION
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION}
WORKDIR /app

# Every package's manifest, so the workspace and its lockfile resolve as in the repo.
FROM pnpm AS manifests
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY api/package.json api/
COPY console/package.json console/
COPY chat-client/package.json chat-client/
COPY widget/package.json widget/
COPY e2e/package.json e2e/

# 1. Install everything the build needs (postinstall generates the Prisma client from prisma/).
FROM manifests AS deps
COPY prisma prisma
COPY api/scripts/no-schema-engine.sh api/scripts/
RUN pnpm install --frozen-lockfile

# 2. Build the console, the widget and the API (api/dist/main.js).
FROM deps AS build
COPY . .
RUN pnpm build

# 3. The API's production dependencies only: no tsx, vite, vitest or Prisma CLI.
FROM manifests AS prod-deps
RUN pnpm install --frozen-lockfile --prod --filter api --ignore-scripts

# 4. The runtime: node, the bundle, its dependencies and the built front ends; run as `node`.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json pnpm-workspace.yaml ./
COPY prisma prisma
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=prod-deps /app/api/node_modules api/node_modules
COPY --from=build /app/api/package.json api/
COPY --from=build /app/api/dist api/dist
COPY --from=build /app/console/dist console/dist
COPY --from=build /app/widget/dist widget/dist
# The embedded database and uploads, when DATABASE_URL is not set; the only folder `node` writes.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
WORKDIR /app/api
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The production step of `pnpm start` (api/package.json "start"), with NODE_ENV set above.
CMD ["node", "--enable-source-maps", "dist/main.js"]
