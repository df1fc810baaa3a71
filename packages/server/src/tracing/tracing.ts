import { context, trace, type Context, type Span, type SpanOptions, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ParentBasedSampler,
  RandomIdGenerator,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OtlpHttpSpanProcessor, type OtlpExportStats } from './otlp-http-span-processor.ts';
import { parseLegacyTraceId } from '@archaics/runtime';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './semantic-attributes.ts';

export interface TracingOptions {
  service: string;
  version: string;
  /** OTLP/HTTP base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`); no export when absent. */
  otlpEndpoint?: string | undefined;
  /** `http/protobuf` (default, as in the OpenTelemetry spec) or `http/json` (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
  otlpProtocol?: 'http/protobuf' | 'http/json';
  /** Headers every export request carries (`OTEL_EXPORTER_OTLP_HEADERS`), e.g. a collector's API key. */
  otlpHeaders?: Readonly<Record<string, string>>;
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
  /** What the OTLP export did so far (spans exported, dropped on a full queue, failed); undefined without export. */
  exportStats(): OtlpExportStats | undefined;
  /** Sends the spans still queued, then stops the SDK. */
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
  let exporter: OtlpHttpSpanProcessor | undefined;
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    exporter = new OtlpHttpSpanProcessor({
      url,
      protocol: options.otlpProtocol ?? 'http/protobuf',
      timeoutMs: 2_000,
      headers: options.otlpHeaders ?? {},
    });
    processors.push(exporter);
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service, [ATTR_SERVICE_VERSION]: options.version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    idGenerator,
    spanProcessors: processors,
  });
  const tracer = provider.getTracer('@archaics/server', options.version);
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
      propagator.inject(ctx, carrier, { set: (c: Record<string, string>, k, v) => (c[k] = v) });
      const traceId = trace.getSpanContext(ctx)?.traceId;
      if (traceId) carrier['x-trace-id'] = traceId;
      return carrier;
    },
    exportStats() {
      return exporter?.stats();
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
