# syntax=docker/dockerfile:1
# ai-operator, built from the repository root (the image needs the workspace root and packages/):
#   docker build -f infra/docker/ai-operator.Dockerfile -t ai-operator:latest .

# 1. Production dependencies of this workspace only. better-sqlite3 takes its prebuilt
#    binary for glibc, or compiles with the tools installed here (this stage only).
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
COPY services/ai-operator/package.json services/ai-operator/
RUN npm ci --omit=dev --no-audit --no-fund -w @archaics/ai-operator --include-workspace-root \
 && npm cache clean --force

# 2. Runtime: the TypeScript sources run with tsx (no build step), as the non-root user
#    node (uid 1000). The root filesystem may be read-only: state goes to ARCHAICS_HOME,
#    tsx's cache to /tmp (mount both writable).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8005 \
    ARCHAICS_HOME=/var/lib/archaics \
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
WORKDIR /app
COPY packages/contracts packages/contracts
COPY packages/client packages/client
COPY packages/runtime packages/runtime
COPY packages/server packages/server
COPY packages/telemetry-query packages/telemetry-query
COPY services/ai-operator services/ai-operator
COPY --from=deps /app/ ./
RUN mkdir -p /var/lib/archaics && chown node:node /var/lib/archaics
USER node
WORKDIR /app/services/ai-operator
EXPOSE 8005
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/main.ts"]
