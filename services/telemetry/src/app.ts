import type { FastifyInstance } from 'fastify';
import {
  createLogger,
  createMetrics,
  createServer,
  createTracing,
  type Logger,
  type ServerOptions,
  type ServiceMetrics,
  type Tracing,
} from '@archaics/server';
import type { TelemetryConfig } from './config.ts';
import { openSpanDatabase } from './repositories/database.ts';
import { registerStoreMetrics } from './store-metrics.ts';
import { LogFollower } from './repositories/log-follower.ts';
import { SpanRepository } from './repositories/span.repository.ts';
import { registerJaegerRoutes } from './routes/jaeger.route.ts';
import { registerLogRoutes } from './routes/logs.route.ts';
import { registerOtlpRoutes } from './routes/otlp.route.ts';
import { closeUnusedConnections } from './server-shutdown.ts';

/** What tests may replace. */
export interface TelemetryAppDeps {
  logger?: Logger;
  metrics?: ServiceMetrics;
  tracing?: Tracing;
  /** Clock in milliseconds: retention and the default search window. */
  now?: () => number;
}

/** The telemetry process: two servers sharing one span store, logger, metrics and tracing. */
export interface TelemetryApp {
  /** OTLP/HTTP receiver (`POST /v1/traces`), plus /health, /metrics, /docs. */
  readonly otlp: FastifyInstance;
  /** Jaeger query API and logs API, plus /health, /metrics, /docs. */
  readonly query: FastifyInstance;
  readonly spans: SpanRepository;
  /** Closes everything (closing `otlp` does the same): the query server, the sweep timer, the log follower, the store. */
  close(): Promise<void>;
}

/** Builds the telemetry process (the local stand-in for Jaeger and Loki); the caller listens. */
export async function buildApp(config: TelemetryConfig, deps: TelemetryAppDeps = {}): Promise<TelemetryApp> {
  const now = deps.now ?? Date.now;
  const db = openSpanDatabase(config.dbPath);
  const spans = new SpanRepository(db, { maxSpans: config.maxSpans, retentionS: config.retentionS, now });
  const logger = deps.logger ?? createLogger({ service: config.service, level: config.logLevel });
  const metrics = deps.metrics ?? createMetrics(config.service);
  registerStoreMetrics(metrics, spans);
  const shared: ServerOptions = {
    service: config.service,
    version: config.version,
    chaosToken: config.chaosToken,
    // Telemetry is infrastructure, not a target: no fault type applies to it.
    faultTypes: [],
    logger,
    metrics,
    // No exporter: the process would otherwise send its own spans to itself, forever.
    tracing: deps.tracing ?? createTracing({ service: config.service, version: config.version }),
  };
  const follower = new LogFollower(config.logsDir, {
    pollMs: config.logPollMs,
    onError: (error) => logger.warn({ err: error }, `log follower: ${error.message}`),
  });

  let otlp: FastifyInstance | undefined;
  let query: FastifyInstance | undefined;
  try {
    otlp = await createServer({
      ...shared,
      bodyLimit: config.maxBodyBytes,
      description: 'archaics telemetry: the OTLP/HTTP trace receiver',
    });
    query = await createServer({ ...shared, description: 'archaics telemetry: the Jaeger query API (read side) and the logs API' });
    closeUnusedConnections(otlp);
    closeUnusedConnections(query);
    await registerOtlpRoutes(otlp, { spans, maxBodyBytes: config.maxBodyBytes });
    registerJaegerRoutes(query, { spans, now });
    registerLogRoutes(query, { logsDir: config.logsDir, follower, maxStreams: config.maxStreams, heartbeatMs: config.heartbeatMs });
  } catch (error) {
    await query?.close();
    await otlp?.close();
    db.close();
    throw error;
  }

  const sweep = (): void => {
    try {
      const pruned = spans.sweep();
      if (pruned.byAge + pruned.bySize > 0) {
        logger.info(
          { retention: { ...pruned, stored: spans.count() } },
          `Retention: ${pruned.byAge} span(s) past ${config.retentionS}s and ${pruned.bySize} over ${config.maxSpans} deleted`,
        );
      }
    } catch (error) {
      logger.error({ err: error }, `Retention sweep failed: ${(error as Error).message}`);
    }
  };
  sweep();
  const sweepTimer = setInterval(sweep, config.retentionSweepS * 1000);
  sweepTimer.unref();

  const queryServer = query;
  otlp.addHook('onClose', async () => {
    clearInterval(sweepTimer);
    await queryServer.close();
    follower.close();
    db.close();
  });
  logger.info(
    {
      store: { path: config.dbPath, spans: spans.count(), max_spans: config.maxSpans, retention_s: config.retentionS },
      logs: { dir: config.logsDir },
    },
    `Span store open at ${config.dbPath} (${spans.count()} spans); logs read from ${config.logsDir}`,
  );
  const otlpServer = otlp;
  return { otlp: otlpServer, query: queryServer, spans, close: () => otlpServer.close() };
}
