import { createServer, serverOptionsOf, type ServerOptions } from '@archaics/server';
import { telemetryReadersFrom, type MetricsReader } from '@archaics/telemetry-query';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OperatorWebhook } from './clients/operator-webhook.ts';
import type { DetectorConfig } from './config.ts';
import { detectorMetrics } from './detector-metrics.ts';
import { Detector } from './domain/detector.ts';
import { ModelStore } from './repositories/model-store.ts';
import { registerDetectorRoutes } from './routes/detector.routes.ts';

export type DetectorDeps = Partial<Pick<ServerOptions, 'logger' | 'tracing' | 'metrics'>> & {
  /** The metrics seam; built from the telemetry configuration when absent. */
  reader?: MetricsReader;
  now?: () => Date;
};

export type DetectorApp = FastifyInstance & { detector: Detector };

/**
 * Builds the anomaly detector (SPEC §4): the scoring loop starts when the server listens
 * and stops when it closes.
 */
export async function buildApp(config: DetectorConfig, deps: DetectorDeps = {}): Promise<DetectorApp> {
  const { reader, now, ...serverDeps } = deps;
  let detector: Detector | undefined;
  const app = await createServer({
    ...serverOptionsOf(config),
    faultTypes: [],
    description:
      'archaics anomaly-detector: learns a baseline of every business service, scores each interval with Isolation Forests and calls the ai-operator once per anomaly.',
    health: {
      properties: {
        model: Type.Literal('isolation-forest'),
        trained: Type.Boolean(),
        trained_at: Type.Union([Type.String(), Type.Null()]),
        baseline_samples: Type.Integer(),
        baseline_required: Type.Integer(),
        threshold: Type.Number(),
        interval_s: Type.Number(),
        last_sample_at: Type.Union([Type.String(), Type.Null()]),
        last_error: Type.Union([Type.String(), Type.Null()]),
        last_scores: Type.Record(Type.String(), Type.Number()),
      },
      read: () => ({
        model: 'isolation-forest',
        trained: detector?.isTrained ?? false,
        trained_at: detector?.trainedAt ?? null,
        baseline_samples: detector?.baselineProgress ?? 0,
        baseline_required: config.baselineSamples,
        threshold: config.threshold,
        interval_s: config.intervalMs / 1000,
        ...(detector?.status() ?? { last_sample_at: null, last_error: null }),
        last_scores: detector?.lastScores() ?? {},
      }),
    },
    ...serverDeps,
  });
  const { logger, metrics } = app.archaics;
  const gauges = detectorMetrics(metrics.registry, config);
  const webhook = new OperatorWebhook({
    operatorUrl: config.operatorUrl,
    secret: config.webhookSecret,
    maxAttempts: config.webhookMaxAttempts,
    backoffMs: config.webhookBackoffMs,
    timeoutMs: config.webhookTimeoutMs,
    logger,
    onAttempt: (state) => gauges.onWebhook(state.status === 'pending' ? 'retrying' : state.status),
  });
  detector = new Detector(config, {
    reader: reader ?? telemetryReadersFrom(config.telemetry).metrics,
    store: new ModelStore(config.modelPath),
    webhook,
    logger,
    ...(now ? { now } : {}),
    onInterval: (event) => gauges.onInterval(event, Boolean(detector?.openAnomaly)),
  });
  const running = detector;
  registerDetectorRoutes(app, { detector: running, chaosToken: config.chaosToken });

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const loop = (): void => {
    if (stopped) return;
    const started = Date.now();
    current = running.tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, Math.max(0, config.intervalMs - (Date.now() - started)));
    });
  };
  app.addHook('onListen', async () => {
    logger.info(
      running.isTrained
        ? `scoring every ${config.intervalMs / 1000} s (model of ${running.trainedAt})`
        : `learning a baseline: ${config.baselineSamples} intervals of ${config.intervalMs / 1000} s; webhooks go to ${config.operatorUrl}/analyze`,
    );
    loop();
  });
  app.addHook('onClose', async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
    await webhook.close();
  });
  return Object.assign(app, { detector: running });
}
