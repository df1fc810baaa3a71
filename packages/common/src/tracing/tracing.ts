import {
  context,

  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  RandomIdGenerator,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { parseLegacyTraceId } from './trace-id.ts';

export interface TracingOptions {
  service: string;
  version: string;
  /** OTLP/HTTP base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`); no export when absent. */
  otlpEndpoint?: string | undefined;
  /** `http/protobuf` (default, as in the OpenTelemetry spec) or `http/json` (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
  otlpProtocol?: 'http/protobuf' | 'http/json';
  /** Fraction of new traces sampled (parents' decisions are followed). Default 1. */
  sampleRatio?: number;
  /** Extra processors (tests use an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

/** Tracing for one service: a tracer, W3C + X-Trace-ID propagation, and shutdown. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Starts a span; `traceId` forces the id of a new root span (legacy X-Trace-ID). */
  startSpan(name: string, options: SpanOptions, parent: Context, traceId?: string): Span;
  /** The parent context carried by incoming headers (traceparent), and a legacy trace id. */
  extract(headers: Record<string, string | string[] | undefined>): { parent: Context; legacyTraceId?: string };
  /** Headers an outgoing call carries for the active context: traceparent and X-Trace-ID. */
  outgoingHeaders(ctx?: Context): Record<string, string>;
  shutdown(): Promise<void>;
}

let contextManagerInstalled = false;

function installContextManager(): void {
  if (contextManagerInstalled) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerInstalled = true;
}

/** Lets a new root span take a trace id that arrived as a legacy X-Trace-ID. */
class ForcedTraceIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  forced: string | undefined;
  generateTraceId(): string {
    return this.forced ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/** Sets up the OpenTelemetry SDK for a service (TSDoc: one per process in production). */
export function createTracing(options: TracingOptions): Tracing {
  installContextManager();
  const idGenerator = new ForcedTraceIdGenerator();
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    const Exporter = options.otlpProtocol === 'http/json' ? OTLPJsonTraceExporter : OTLPProtoTraceExporter;
    processors.push(
      new BatchSpanProcessor(new Exporter({ url, timeoutMillis: 2_000 }), {
        maxQueueSize: 4_096,
        scheduledDelayMillis: 1_000,
      }),
    );
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.version': options.version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    idGenerator,
    spanProcessors: processors,
  });
  const tracer = provider.getTracer('@archaics/common', options.version);
  const propagator = new W3CTraceContextPropagator();

  return {
    tracer,
    startSpan(name, spanOptions, parent, traceId) {
      idGenerator.forced = traceId;
      try {
        return tracer.startSpan(name, spanOptions, parent);
      } finally {
        idGenerator.forced = undefined;
      }
    },
    extract(headers) {
      const parent = propagator.extract(context.active(), headers, headerGetter);
      const remote = trace.getSpanContext(parent);
      if (remote) return { parent };
      const legacyTraceId = parseLegacyTraceId(headers['x-trace-id']);
      return legacyTraceId ? { parent, legacyTraceId } : { parent };
    },
    outgoingHeaders(ctx = context.active()) {
      const carrier: Record<string, string> = {};
      propagator.inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) });
      const traceId = trace.getSpanContext(ctx)?.traceId;
      if (traceId) carrier['x-trace-id'] = traceId;
      return carrier;
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}

