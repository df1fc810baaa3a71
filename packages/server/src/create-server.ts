import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TProperties } from '@sinclair/typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { FaultType } from '@archaics/contracts';
import type { BaseServiceConfig } from '@archaics/runtime';
import { ChaosEngine } from './chaos/chaos-engine.ts';
import type { CpuBurner } from './chaos/cpu-burner.ts';
import { renderError } from './errors/render-error.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { createMetrics, registerSpanExportMetrics, type ServiceMetrics } from './metrics/metrics.ts';
import { accessLogPlugin } from './plugins/access-log.plugin.ts';
import { chaosPlugin } from './plugins/chaos.plugin.ts';
import { errorHandlerPlugin } from './plugins/error-handler.plugin.ts';
import { healthPlugin } from './plugins/health.plugin.ts';
import { openApiPlugin } from './plugins/openapi.plugin.ts';
import { requestContextPlugin } from './plugins/request-context.plugin.ts';
import type { ServiceContext } from './server-context.ts';
import { createTracing, type Tracing } from './tracing/tracing.ts';

export interface ServerOptions {
  service: string;
  version: string;
  /** The chaos token; null lifts the check (`CHAOS_OPEN=1`). */
  chaosToken: string | null;
  faultTypes: readonly FaultType[];
  logger?: Logger;
  logLevel?: string;
  tracing?: Tracing;
  otlpEndpoint?: string | undefined;
  otlpProtocol?: 'http/protobuf' | 'http/json';
  otlpHeaders?: Readonly<Record<string, string>>;
  sampleRatio?: number;
  metrics?: ServiceMetrics;
  /** Largest accepted body in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Overrides for tests: the crash exit, the random source, the CPU burner. */
  exit?: (code: number) => void;
  random?: () => number;
  cpu?: CpuBurner;
  /** One-line description of the service for the OpenAPI document. */
  description?: string;
  /**
   * What the service opened before its server (e.g. its SQLite store): closed if the server
   * cannot be created, and when it closes.
   */
  owns?: ReadonlyArray<{ close(): void }>;
  /**
   * More fields for `GET /health` (e.g. the detector's model state, SPEC §4): their
   * schema, and a function that reads them on each request.
   */
  health?: { readonly properties: TProperties; read(): Record<string, unknown> };
}

/** The server options every service takes from its base configuration (name, version, token, logs, tracing). */
export function serverOptionsOf(
  config: BaseServiceConfig,
): Pick<
  ServerOptions,
  'service' | 'version' | 'chaosToken' | 'logLevel' | 'otlpEndpoint' | 'otlpProtocol' | 'otlpHeaders' | 'sampleRatio'
> {
  return {
    service: config.service,
    version: config.version,
    chaosToken: config.chaosToken,
    logLevel: config.logLevel,
    otlpEndpoint: config.otlpEndpoint,
    otlpProtocol: config.otlpProtocol,
    otlpHeaders: config.otlpHeaders,
    sampleRatio: config.sampleRatio,
  };
}

/**
 * Creates a Fastify server with everything SPEC §2 asks of every service, each concern a
 * plugin: errors (one handler, `{error, detail}`), request context and tracing, access log
 * and metrics (/metrics), chaos (the hook, /inject-failure and /reset; only with fault
 * types), /docs and /health. Routes are added by the caller.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const owned = options.owns ?? [];
  let app: FastifyInstance;
  try {
    app = await buildServer(options);
  } catch (error) {
    for (const resource of owned) resource.close();
    throw error;
  }
  if (owned.length > 0) {
    app.addHook('onClose', async () => {
      for (const resource of owned) resource.close();
    });
  }
  return app;
}

async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { service, version } = options;
  const logger = options.logger ?? createLogger({ service, level: options.logLevel ?? 'info' });
  const metrics = options.metrics ?? createMetrics(service);
  const tracing =
    options.tracing ??
    createTracing({
      service,
      version,
      otlpEndpoint: options.otlpEndpoint,
      sampleRatio: options.sampleRatio ?? 1,
      ...(options.otlpProtocol ? { otlpProtocol: options.otlpProtocol } : {}),
      ...(options.otlpHeaders ? { otlpHeaders: options.otlpHeaders } : {}),
    });
  if (tracing.exportStats() !== undefined) registerSpanExportMetrics(metrics, () => tracing.exportStats());
  const chaos = new ChaosEngine({
    service,
    allowedTypes: options.faultTypes,
    logger,
    metrics,
    ...(options.exit ? { exit: options.exit } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.cpu ? { cpu: options.cpu } : {}),
  });

  const app = Fastify({
    loggerInstance: logger,
    // One line per request is written by the access-log plugin instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: false,
    // Ids such as db's user_id may be up to 128 characters.
    routerOptions: { maxParamLength: 256 },
    // Errors raised before routing (bad URL encoding, too-long params) get the same body as the rest.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = renderError(error);
      void (reply as FastifyReply).code(status).send(body);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const context: ServiceContext = { service, version, logger, metrics, tracing, chaos };
  app.decorate('archaics', context);
  app.addHook('onClose', async () => chaos.close());

  await app.register(errorHandlerPlugin);
  // Tracing first, so every later hook, handler and log line runs inside the server span.
  await app.register(requestContextPlugin);
  // The OpenAPI document sees only the routes registered after it.
  await app.register(openApiPlugin, { description: options.description });
  await app.register(accessLogPlugin);
  if (options.faultTypes.length > 0) await app.register(chaosPlugin, { chaosToken: options.chaosToken, faultTypes: options.faultTypes });
  await app.register(healthPlugin, { health: options.health });

  return app as unknown as FastifyInstance;
}
