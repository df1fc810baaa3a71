# syntax=docker/dockerfile:1
# dashboard (web UI + its server), built from the repository root:
#   docker build -f infra/docker/dashboard.Dockerfile -t dashboard:latest .

# 1. Production dependencies of the dashboard only (better-sqlite3 via @archaics/runtime).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/client/package.json packages/client/
COPY packages/runtime/package.json packages/runtime/
COPY packages/server/package.json packages/server/
COPY packages/telemetry-query/package.json packages/telemetry-query/
COPY load/package.json load/
COPY packages/experiments/package.json packages/experiments/
COPY apps/dashboard/package.json apps/dashboard/
RUN npm ci --omit=dev --no-audit --no-fund -w @archaics/dashboard --include-workspace-root \
 && npm cache clean --force

# 2. The UI's static assets (Vite), built with the development dependencies too.
FROM deps AS build
RUN npm ci --no-audit --no-fund -w @archaics/dashboard --include-workspace-root
COPY packages/contracts packages/contracts
COPY packages/client packages/client
COPY packages/runtime packages/runtime
COPY packages/server packages/server
COPY packages/telemetry-query packages/telemetry-query
COPY load load
COPY packages/experiments packages/experiments
COPY apps/dashboard apps/dashboard
RUN npm run build -w @archaics/dashboard

# 3. Runtime: the Fastify server (tsx, no build step) serving the built UI, non-root.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=7000 \
    ARCHAICS_HOME=/var/lib/archaics \
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
WORKDIR /app
COPY packages/contracts packages/contracts
COPY packages/client packages/client
COPY packages/runtime packages/runtime
COPY packages/server packages/server
COPY packages/telemetry-query packages/telemetry-query
COPY load load
COPY packages/experiments packages/experiments
COPY experiments experiments
COPY --from=build /app/apps/dashboard apps/dashboard
RUN rm -rf apps/dashboard/node_modules
COPY --from=deps /app/ ./
RUN mkdir -p /var/lib/archaics && chown node:node /var/lib/archaics
USER node
WORKDIR /app/apps/dashboard
EXPOSE 7000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/server/main.ts"]
