import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TProperties } from '@sinclair/typebox';

import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ErrorResponse,

  HealthResponse,
  InjectQuery,
  InjectResponse,
  ResetResponse,
  type FaultType,
} from '@archaics/contracts';
import { ChaosEngine, type DrawnFault } from './chaos/chaos-engine.ts';
import type { BaseServiceConfig } from '@archaics/runtime';
import type { CpuBurner } from './chaos/cpu-burner.ts';
import { AppError } from './errors/app-error.ts';
import { UpstreamFailure } from './http/dependency-client.ts';
import { upstreamFailureError } from './http/upstream-errors.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { createMetrics, registerSpanExportMetrics, type ServiceMetrics } from './metrics/metrics.ts';
import { createTracing, type Tracing } from './tracing/tracing.ts';
import { checkBearer } from './auth-token.ts';

/** What every archaics service shares, reachable from routes as `app.archaics`. */
export interface ServiceContext {
  readonly service: string;
  readonly version: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly tracing: Tracing;
  readonly chaos: ChaosEngine;
}

declare module 'fastify' {
  interface FastifyInstance {
    archaics: ServiceContext;
  }
  interface FastifyRequest {
    /** The fault drawn for this request, if one strikes it (bad_data is applied by the route). */
    fault: DrawnFault | undefined;
    /** The request's trace id (32 hex digits). */
    traceId: string;
    span: Span | undefined;
  }
  interface FastifyContextConfig {
    /** Control endpoints are never faulted. */
    control?: boolean;
  }
}

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
): Pick<ServerOptions, 'service' | 'version' | 'chaosToken' | 'logLevel' | 'otlpEndpoint' | 'otlpProtocol' | 'otlpHeaders' | 'sampleRatio'> {
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

export type ServiceServer = FastifyInstance & { withTypeProvider(): FastifyInstance };

const CONTROL_PREFIXES = ['/docs'];
const isControl = (request: FastifyRequest): boolean =>
  request.routeOptions.config.control === true || CONTROL_PREFIXES.some((p) => request.url.startsWith(p));

/**
 * Creates a Fastify server with everything SPEC §2 asks of every service: request
 * context and tracing, JSON logs, metrics, the chaos hook and endpoints, /health,
 * /metrics, /docs, and one error handler. Routes are added by the caller.
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
  const startedAt = Date.now();

  const app = Fastify({
    loggerInstance: logger,
    // One line per request is written by our onResponse hook instead.
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

  app.decorate('archaics', { service, version, logger, metrics, tracing, chaos });
  app.decorateRequest('fault', undefined);
  app.decorateRequest('traceId', '');
  app.decorateRequest('span', undefined);

  // Server span and trace id first, so every later hook, handler and log line runs inside it.
  app.addHook('onRequest', (request, reply, done) => {
    const { parent, legacyTraceId } = tracing.extract(request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracing.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0] ?? '', 'http.route': route },
      },
      parent,
      legacyTraceId,
    );
    request.span = span;
    request.traceId = span.spanContext().traceId;
    void reply.header('x-trace-id', request.traceId);
    context.with(trace.setSpan(parent, span), done);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (isControl(request)) return;
    const fault = chaos.draw();
    if (!fault) return;
    request.fault = fault;
    request.span?.setAttribute('chaos.fault', fault.type);
    if (fault.type === 'timeout') {
      const ms = 2000 * fault.intensity;
      request.log.warn({ chaos: { type: 'timeout', delay_ms: ms } }, `Injected timeout — sleeping ${ms / 1000}s`);
      await sleep(ms, undefined, { signal: fault.signal }).catch(() => undefined);
    } else if (fault.type === 'error') {
      request.log.warn({ chaos: { type: 'error' } }, 'Injected error — answering 500');
      return reply.code(500).send({ error: 'injected_error', service });
    } else if (fault.type === 'crash') {
      chaos.crash();
      // Only reached when exit is faked (tests): drop the connection as a dead process would.
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    return undefined;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const labels = { service, method: request.method, route, status };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    const span = request.span;
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const control = isControl(request);
    // Scrapes and health checks log at DEBUG: skip building the line when that is off.
    if (control && !logger.isLevelEnabled('debug')) return;
    const line = `${request.method} ${request.url.split('?')[0]} ${status} ${reply.elapsedTime.toFixed(1)}ms`;
    const fields = { http: { method: request.method, route, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime * 10) / 10 } };
    if (control) request.log.debug(fields, line);
    else if (reply.statusCode >= 500) request.log.error(fields, line);
    else request.log.info(fields, line);
  });

  app.addHook('onRequestAbort', async (request) => {
    request.span?.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
    request.span?.end();
  });

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const { status, body, headers } = renderError(error);
    // Deliberate answers (AppError, UpstreamFailure) were logged where they were decided.
    if (status >= 500 && !(error instanceof AppError) && !(error instanceof UpstreamFailure)) {
      request.log.error({ err: error }, `Unhandled error: ${error.message}`);
    }
    void reply.headers(headers);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', detail: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: service, version, description: options.description ?? `archaics ${service}` },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get(
    '/health',
    {
      config: { control: true },
      schema: {
        tags: ['control'],
        response: { 200: options.health ? Type.Composite([HealthResponse, Type.Object(options.health.properties)]) : HealthResponse },
      },
    },
    async () => ({
      status: 'ok',
      service,
      version,
      uptime_s: Math.round((Date.now() - startedAt) / 100) / 10,
      failure: chaos.state(),
      ...options.health?.read(),
    }),
  );

  app.get('/metrics', { config: { control: true }, schema: { tags: ['control'], hide: false } }, async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  const chaosToken = options.chaosToken;
  if (chaosToken === null) logger.warn('CHAOS_OPEN=1: /inject-failure and /reset accept requests without a token');
  const requireToken = async (request: FastifyRequest): Promise<void> => checkBearer(request.headers.authorization, chaosToken);
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

  app.post(
    '/inject-failure',
    {
      config: { control: true },
      preHandler: requireToken,
      schema: {
        tags: ['control'],
        description: `Injects a fault. Types: ${options.faultTypes.join(', ')}.`,
        security: [{ bearer: [] }],
        querystring: InjectQuery,
        response: { 200: InjectResponse, ...errors },
      },
    },
    async (request, reply: FastifyReply) => {
      const failure = chaos.inject(request.query as Record<string, string | undefined>);
      if (failure.type === 'crash' && failure.probability >= 1) {
        reply.raw.once('finish', () => setTimeout(() => chaos.crash(), 20));
      }
      return { status: 'injected' as const, service, failure };
    },
  );

  app.post(
    '/reset',
    {
      config: { control: true },
      preHandler: requireToken,
      schema: { tags: ['control'], security: [{ bearer: [] }], response: { 200: ResetResponse, ...errors } },
    },
    async (request) => {
      // The CLI's halt-all says why (X-Archaics-Reason); kept short and on one line in the log.
      const header = request.headers['x-archaics-reason'];
      const reason = typeof header === 'string' ? header.replace(/[\r\n\t]+/g, ' ').trim().slice(0, 200) : '';
      return { status: 'reset' as const, service, cleared: chaos.reset(reason ? `reset: ${reason}` : 'reset') };
    },
  );

  app.addHook('onClose', async () => {
    chaos.close();
    await tracing.shutdown().catch(() => undefined);
  });

  return app as unknown as FastifyInstance;
}

/** Maps any error to the `{error, detail}` body and status (one place for all services). */
export function renderError(error: FastifyError | AppError | Error): {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
} {
  if (error instanceof UpstreamFailure) return renderError(upstreamFailureError(error));
  if (error instanceof AppError) return { status: error.statusCode, body: error.toBody(), headers: { ...error.headers } };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const where = fastifyError.validationContext ?? 'request';
    const first = fastifyError.validation[0];
    const path = first?.instancePath ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const field = [where, path, missing].filter(Boolean).join('.');
    return { status: 400, body: { error: 'bad_request', detail: `${field} ${first?.message ?? 'is invalid'}`.trim() }, headers: {} };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const codes: Record<string, string> = {
      FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
      FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
    };
    const code = (fastifyError.code && codes[fastifyError.code]) ?? (status === 413 ? 'payload_too_large' : status === 414 ? 'uri_too_long' : 'bad_request');
    return { status, body: { error: code, detail: error.message }, headers: {} };
  }
  return { status: 500, body: { error: 'internal_error' }, headers: {} };
}

