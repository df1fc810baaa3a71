import { context, SpanKind, SpanStatusCode, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { encodeTraceRequestJson, encodeTraceRequestProto } from '@archaics/server';
import { describe, expect, it } from 'vitest';
import { decodeExportRequest } from './otlp-proto.ts';
import { normalizeExportRequest } from './otlp-request.ts';

// The services' own OTLP encoder (@archaics/server), checked with the receiver's decoder: the
// protobufjs definition of opentelemetry-proto's messages (otlp-proto.ts), field by field.

const REMOTE_PARENT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};
const LINKED: SpanContext = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: TraceFlags.SAMPLED };

/** Spans made by the real SDK, as the services make them: a server span under a remote parent, a client child with everything set. */
function spans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart() {},
    onEnd: (span) => void ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'product-service', 'service.version': '0.1.0' }),
    spanProcessors: [collect],
  });
  const tracer = provider.getTracer('@archaics/server', '0.1.0');
  const remote = trace.setSpanContext(context.active(), REMOTE_PARENT);
  const server = tracer.startSpan(
    'GET /products',
    {
      kind: SpanKind.SERVER,
      startTime: [1_768_473_000, 123_456_789],
      attributes: { 'http.request.method': 'GET', 'url.path': '/products' },
    },
    remote,
  );
  const client = tracer.startSpan(
    'GET db-service/products',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_768_473_000, 200_000_000],
      links: [{ context: LINKED, attributes: { reason: 'retry of' } }],
      attributes: {
        'peer.service': 'db-service',
        count: 3,
        negative: -42,
        big: 2 ** 40,
        ratio: 0.25,
        flag: false,
        tags: ['a', 'b'],
        'é ü 漢字': 'ünïcödé ✓',
      },
    },
    trace.setSpan(context.active(), server),
  );
  client.addEvent('retry', { attempt: 2 }, [1_768_473_000, 250_000_000]);
  client.setAttribute('http.response.status_code', 503);
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'db-service answered 503' });
  client.end([1_768_473_000, 300_000_001]);
  server.setAttribute('long', 'x'.repeat(300));
  server.end([1_768_473_001, 0]);
  return ended;
}

const hexOf = (base64: unknown): string => Buffer.from(String(base64), 'base64').toString('hex');

interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  events?: Array<{ timeUnixNano: string; name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }>;
  links?: Array<{ traceId: string; spanId: string; attributes: unknown[]; flags: number }>;
  status?: { code?: number; message?: string };
  flags: number;
}

describe(encodeTraceRequestProto.name, () => {
  it('does write a standard ExportTraceServiceRequest: every field as opentelemetry-proto defines it', () => {
    const [client, server] = spans();
    const decoded = decodeExportRequest(encodeTraceRequestProto([client!, server!])) as {
      resourceSpans: Array<{
        resource: { attributes: unknown[] };
        scopeSpans: Array<{ scope: { name: string; version: string }; spans: DecodedSpan[] }>;
      }>;
    };
    expect(decoded.resourceSpans).toHaveLength(1);
    const [rs] = decoded.resourceSpans;
    expect(rs!.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'product-service' } },
      { key: 'service.version', value: { stringValue: '0.1.0' } },
    ]);
    expect(rs!.scopeSpans).toHaveLength(1);
    expect(rs!.scopeSpans[0]!.scope).toEqual({ name: '@archaics/server', version: '0.1.0' });
    const [c, s] = rs!.scopeSpans[0]!.spans;

    expect(hexOf(s!.traceId)).toBe(REMOTE_PARENT.traceId);
    expect(hexOf(s!.spanId)).toBe(server!.spanContext().spanId);
    expect(hexOf(s!.parentSpanId)).toBe(REMOTE_PARENT.spanId);
    expect(s!.name).toBe('GET /products');
    expect(s!.kind).toBe(2);
    expect(s!.startTimeUnixNano).toBe('1768473000123456789');
    expect(s!.endTimeUnixNano).toBe('1768473001000000000');
    // W3C flags (sampled), plus "has is-remote" and "is remote": the parent came from another process.
    expect(s!.flags).toBe(0x301);
    expect(s!.attributes).toEqual([
      { key: 'http.request.method', value: { stringValue: 'GET' } },
      { key: 'url.path', value: { stringValue: '/products' } },
      { key: 'long', value: { stringValue: 'x'.repeat(300) } },
    ]);
    expect(s!.status ?? {}).toEqual({});

    expect(hexOf(c!.traceId)).toBe(REMOTE_PARENT.traceId);
    expect(hexOf(c!.spanId)).toBe(client!.spanContext().spanId);
    expect(hexOf(c!.parentSpanId)).toBe(server!.spanContext().spanId);
    expect(c!.name).toBe('GET db-service/products');
    expect(c!.kind).toBe(3);
    expect(c!.startTimeUnixNano).toBe('1768473000200000000');
    expect(c!.endTimeUnixNano).toBe('1768473000300000001');
    expect(c!.flags).toBe(0x101);
    expect(c!.attributes).toEqual([
      { key: 'peer.service', value: { stringValue: 'db-service' } },
      { key: 'count', value: { intValue: '3' } },
      { key: 'negative', value: { intValue: '-42' } },
      { key: 'big', value: { intValue: String(2 ** 40) } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
      { key: 'flag', value: { boolValue: false } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
      { key: 'é ü 漢字', value: { stringValue: 'ünïcödé ✓' } },
      { key: 'http.response.status_code', value: { intValue: '503' } },
    ]);
    expect(c!.events).toEqual([
      { timeUnixNano: '1768473000250000000', name: 'retry', attributes: [{ key: 'attempt', value: { intValue: '2' } }] },
    ]);
    expect(c!.links).toHaveLength(1);
    expect(hexOf(c!.links![0]!.traceId)).toBe(LINKED.traceId);
    expect(hexOf(c!.links![0]!.spanId)).toBe(LINKED.spanId);
    expect(c!.links![0]!.attributes).toEqual([{ key: 'reason', value: { stringValue: 'retry of' } }]);
    expect(c!.links![0]!.flags).toBe(0x101);
    expect(c!.status).toEqual({ code: 2, message: 'db-service answered 503' });
  });

  it('does group spans of several resources and scopes into their own resource and scope spans', () => {
    const [client, server] = spans();
    const otherScope = {
      ...server!,
      instrumentationScope: { name: 'other', version: '2' },
      spanContext: () => server!.spanContext(),
    } as ReadableSpan;
    const decoded = decodeExportRequest(encodeTraceRequestProto([client!, otherScope, server!])) as {
      resourceSpans: Array<{ scopeSpans: Array<{ scope: { name: string }; spans: unknown[] }> }>;
    };
    expect(decoded.resourceSpans.flatMap((rs) => rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.length]))).toEqual([
      ['@archaics/server', 2],
      ['other', 1],
    ]);
  });

  it('does make the same spans in protobuf and in OTLP/JSON', () => {
    const ended = spans();
    const proto = encodeTraceRequestProto(ended);
    const fromProto = normalizeExportRequest(decodeExportRequest(proto), 'base64');
    const fromJson = normalizeExportRequest(JSON.parse(encodeTraceRequestJson(ended)), 'hex');
    expect(fromProto.rejected).toBe(0);
    expect(fromProto.spans).toHaveLength(2);
    expect(fromJson).toEqual(fromProto);
  });

  it('does write OTLP/JSON as the protobuf JSON mapping has it: hex ids, decimal strings for int64 and nanoseconds', () => {
    const [client] = spans();
    const json = JSON.parse(encodeTraceRequestJson([client!])) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
    };
    const span = json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId: REMOTE_PARENT.traceId,
      spanId: client!.spanContext().spanId,
      startTimeUnixNano: '1768473000200000000',
      endTimeUnixNano: '1768473000300000001',
      kind: 3,
      flags: 0x101,
      status: { code: 2, message: 'db-service answered 503' },
    });
    expect(span.attributes).toContainEqual({ key: 'count', value: { intValue: '3' } });
  });
});
