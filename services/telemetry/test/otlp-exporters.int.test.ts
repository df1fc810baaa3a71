import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JaegerTrace } from '../src/domain/jaeger.ts';
import { registerOtlpRoutes } from '../src/routes/otlp.route.ts';
import { getJson, startTelemetry, type RunningTelemetry } from './telemetry-harness.ts';

let running: RunningTelemetry;
beforeAll(async () => {
  running = await startTelemetry();
});
afterAll(async () => running.stop());

/** A real SDK provider for one service, exporting every ended span to the receiver. */
function provider(service: string, exporter: SpanExporter): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '0.1.0' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

/** The exporters' `compression` option (a string enum of otlp-exporter-base). */
const GZIP = 'gzip' as NonNullable<NonNullable<ConstructorParameters<typeof JsonExporter>[0]>['compression']>;

/** HrTime of unix microseconds. */
const hr = (micros: number): [number, number] => [Math.floor(micros / 1e6), (micros % 1e6) * 1000];

/**
 * product-service `GET /products` (server) → client call to db-service → db-service server
 * span with an exception event, at fixed times so that durations are exact.
 */
function emitTrace(product: Tracer, db: Tracer, t0: number): string {
  const root = product.startSpan('GET /products', { kind: SpanKind.SERVER, startTime: hr(t0), attributes: { 'http.route': '/products' } });
  const rootContext = trace.setSpan(context.active(), root);
  const client = product.startSpan(
    'GET db-service/products',
    { kind: SpanKind.CLIENT, startTime: hr(t0 + 1_000), attributes: { 'peer.service': 'db-service' } },
    rootContext,
  );
  const server = db.startSpan(
    'GET /products',
    { kind: SpanKind.SERVER, startTime: hr(t0 + 1_500), attributes: { 'chaos.fault': 'timeout', attempt: 2, ratio: 0.5, cached: false } },
    trace.setSpan(context.active(), client),
  );
  server.addEvent('exception', { 'exception.message': 'slow' }, hr(t0 + 2_000));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
  server.end(hr(t0 + 998_500));
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'db-service timeout after 1002ms' });
  client.end(hr(t0 + 1_003_000));
  root.setAttribute('http.response.status_code', 504);
  root.end(hr(t0 + 1_004_250));
  return root.spanContext().traceId;
}

async function exportAndRead(exporters: { product: SpanExporter; db: SpanExporter }): Promise<JaegerTrace> {
  const product = provider('product-service', exporters.product);
  const db = provider('db-service', exporters.db);
  const t0 = Date.now() * 1000 - 5_000_000;
  const traceId = emitTrace(product.getTracer('@archaics/server', '0.1.0'), db.getTracer('@archaics/server', '0.1.0'), t0);
  await Promise.all([product.forceFlush(), db.forceFlush()]);
  await Promise.all([product.shutdown(), db.shutdown()]);
  const { status, body } = await getJson(`${running.queryUrl}/api/traces/${traceId}`);
  expect(status).toBe(200);
  const [found] = body.data as JaegerTrace[];
  expect(found!.traceID).toBe(traceId);
  const spans = found!.spans;
  expect(spans.map((s) => s.operationName)).toEqual(['GET /products', 'GET db-service/products', 'GET /products']);
  const [root, client, server] = spans as [JaegerTrace['spans'][number], JaegerTrace['spans'][number], JaegerTrace['spans'][number]];
  expect(root.references).toEqual([]);
  expect(client.references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: root.spanID }]);
  expect(server.references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: client.spanID }]);
  expect([root.startTime - t0, client.startTime - t0, server.startTime - t0]).toEqual([0, 1_000, 1_500]);
  expect([root.duration, client.duration, server.duration]).toEqual([1_004_250, 1_002_000, 997_000]);
  expect(found!.processes[root.processID]!.serviceName).toBe('product-service');
  expect(found!.processes[server.processID]!.serviceName).toBe('db-service');
  expect(found!.processes[server.processID]!.tags).toEqual(
    expect.arrayContaining([{ key: 'service.version', type: 'string', value: '0.1.0' }]),
  );
  expect(server.tags).toEqual([
    { key: 'otel.scope.name', type: 'string', value: '@archaics/server' },
    { key: 'otel.scope.version', type: 'string', value: '0.1.0' },
    { key: 'attempt', type: 'int64', value: 2 },
    { key: 'cached', type: 'bool', value: false },
    { key: 'chaos.fault', type: 'string', value: 'timeout' },
    { key: 'ratio', type: 'float64', value: 0.5 },
    { key: 'span.kind', type: 'string', value: 'server' },
    { key: 'otel.status_code', type: 'string', value: 'ERROR' },
    { key: 'error', type: 'bool', value: true },
    { key: 'otel.status_description', type: 'string', value: 'client aborted' },
  ]);
  expect(server.logs).toEqual([
    {
      timestamp: t0 + 2_000,
      fields: [
        { key: 'event', type: 'string', value: 'exception' },
        { key: 'exception.message', type: 'string', value: 'slow' },
      ],
    },
  ]);
  expect(root.tags).toContainEqual({ key: 'http.response.status_code', type: 'int64', value: 504 });
  return found!;
}

describe(registerOtlpRoutes.name, () => {
  it('does take spans from the OTLP/HTTP JSON exporter the services use', async () => {
    const url = `${running.otlpUrl}/v1/traces`;
    await exportAndRead({ product: new JsonExporter({ url }), db: new JsonExporter({ url }) });
  });

  it('does take spans from the OTLP/HTTP protobuf exporter, gzip-compressed or not', async () => {
    const url = `${running.otlpUrl}/v1/traces`;
    await exportAndRead({ product: new ProtoExporter({ url }), db: new ProtoExporter({ url, compression: GZIP }) });
  });

  it('does take gzip-compressed JSON too', async () => {
    const url = `${running.otlpUrl}/v1/traces`;
    await exportAndRead({ product: new JsonExporter({ url, compression: GZIP }), db: new JsonExporter({ url }) });
  });
});
