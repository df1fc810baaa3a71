import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpHttpSpanProcessor, type OtlpHttpSpanProcessorOptions } from './otlp-http-span-processor.ts';

interface Received {
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

/** A fake collector: records each request and answers with the next status of `statuses` (then 200). */
async function collector(statuses: number[] = []): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], authorization: req.headers.authorization, body: Buffer.concat(chunks) });
      res.statusCode = statuses.shift() ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received, server };
}

const servers: Server[] = [];
const processors: OtlpHttpSpanProcessor[] = [];
afterEach(async () => {
  await Promise.all(processors.splice(0).map((p) => p.shutdown(100)));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function tracerWith(options: OtlpHttpSpanProcessorOptions, sampler?: Sampler) {
  const processor = new OtlpHttpSpanProcessor(options);
  processors.push(processor);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'db-service' }),
    spanProcessors: [processor],
    ...(sampler ? { sampler } : {}),
  });
  return { processor, tracer: provider.getTracer('@archaics/server', '0.1.0') };
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status: { code: number; message?: string };
}
interface JsonRequest {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: JsonSpan[] }>;
  }>;
}
const spansOf = (received: Received[]): JsonSpan[] =>
  received.flatMap((r) =>
    (JSON.parse(r.body.toString('utf8')) as JsonRequest).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
  );

describe(OtlpHttpSpanProcessor.name, () => {
  it('does send ended spans as OTLP/JSON on flush: hex ids, nanoseconds as strings, parent, kind, attributes, status', async () => {
    const sink = await collector();
    // Headers from OTEL_EXPORTER_OTLP_HEADERS go with the request; the content type stays ours.
    const headers = { authorization: 'Bearer collector-key', 'content-type': 'text/plain' };
    const { processor, tracer } = tracerWith({ url: sink.url, protocol: 'http/json', headers });
    const parent = tracer.startSpan('GET /products', { kind: SpanKind.SERVER, startTime: [1_768_473_000, 123_456_789] });
    const child = tracer.startSpan(
      'SELECT products',
      { attributes: { rows: 5, 'db.system': 'sqlite', ratio: 0.5, ok: true } },
      trace.setSpan(context.active(), parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end([1_768_473_001, 5]);
    expect(sink.received).toHaveLength(0);
    await processor.forceFlush();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.contentType).toBe('application/json');
    expect(sink.received[0]!.authorization).toBe('Bearer collector-key');
    const request = JSON.parse(sink.received[0]!.body.toString('utf8')) as JsonRequest;
    expect(request.resourceSpans[0]!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'db-service' } });
    expect(request.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({ name: '@archaics/server', version: '0.1.0' });
    const [first, second] = spansOf(sink.received);
    expect(first).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      name: 'SELECT products',
      kind: 1,
      status: { code: 2, message: 'boom' },
    });
    expect(first!.attributes).toEqual([
      { key: 'rows', value: { intValue: '5' } },
      { key: 'db.system', value: { stringValue: 'sqlite' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: true } },
    ]);
    expect(second).toMatchObject({
      name: 'GET /products',
      kind: 2,
      startTimeUnixNano: '1768473000123456789',
      endTimeUnixNano: '1768473001000000005',
    });
    expect(second!.parentSpanId).toBeUndefined();
    expect(processor.stats()).toEqual({ exported: 2, dropped: 0, failed: 0, pending: 0, requests: 1 });
  });

  it('does send protobuf by default, and a full batch without waiting for the timer', async () => {
    const sink = await collector();
    const { processor, tracer } = tracerWith({ url: sink.url, maxBatchSize: 3, scheduledDelayMs: 60_000 });
    for (let i = 0; i < 7; i++) tracer.startSpan(`span ${i}`).end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Two full batches went; the seventh span waits for the timer (or a flush).
    expect(sink.received.map((r) => r.contentType)).toEqual(['application/x-protobuf', 'application/x-protobuf']);
    expect(processor.stats()).toMatchObject({ exported: 6, pending: 1, requests: 2 });
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ exported: 7, pending: 0, requests: 3 });
  });

  it('does drop and count spans past the queue bound instead of waiting', async () => {
    const sink = await collector();
    const { processor, tracer } = tracerWith({ url: sink.url, protocol: 'http/json', maxQueueSize: 3 });
    for (let i = 0; i < 10; i++) tracer.startSpan(`span ${i}`).end();
    expect(processor.stats()).toMatchObject({ dropped: 7, pending: 3 });
    await processor.forceFlush();
    expect(spansOf(sink.received).map((s) => s.name)).toEqual(['span 0', 'span 1', 'span 2']);
    expect(processor.stats()).toEqual({ exported: 3, dropped: 7, failed: 0, pending: 0, requests: 1 });
  });

  it('does retry an export answered 503, and count as failed one answered 400', async () => {
    const sink = await collector([503, 400]);
    const { processor, tracer } = tracerWith({ url: sink.url, protocol: 'http/json' });
    tracer.startSpan('retried').end();
    await processor.forceFlush();
    // 503, then 400 (not retried): failed after two attempts.
    expect(sink.received).toHaveLength(2);
    expect(processor.stats()).toMatchObject({ exported: 0, failed: 1, pending: 0 });
    tracer.startSpan('next').end();
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ exported: 1, failed: 1 });
  });

  it('does count spans it could not deliver when nothing listens, without throwing', async () => {
    const sink = await collector();
    await new Promise((resolve) => sink.server.close(resolve));
    servers.length = 0;
    const { processor, tracer } = tracerWith({ url: sink.url, protocol: 'http/json', timeoutMs: 500 });
    expect(() => tracer.startSpan('lost').end()).not.toThrow();
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ exported: 0, failed: 1, pending: 0 });
  });

  it('does send what is queued on shutdown, and nothing after', async () => {
    const sink = await collector();
    const { processor, tracer } = tracerWith({ url: sink.url, protocol: 'http/json' });
    tracer.startSpan('before').end();
    await processor.shutdown();
    tracer.startSpan('after').end();
    expect(spansOf(sink.received).map((s) => s.name)).toEqual(['before']);
    expect(processor.stats().pending).toBe(0);
  });

  it('does export sampled spans only', async () => {
    const sink = await collector();
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };
    const { processor, tracer } = tracerWith({ url: sink.url, protocol: 'http/json' }, recordOnly);
    const span = tracer.startSpan('not sampled');
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
    await processor.forceFlush();
    expect(sink.received).toHaveLength(0);
  });
});
