import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend, sendJson } from '../fake-backend.ts';
import { TelemetryQueryError } from '../http-query.ts';
import { FakeJaeger } from './fake-jaeger.ts';
import { JaegerTraceReader, normaliseTraceId } from './jaeger-trace-reader.ts';
import { describeTraceReaderContract, FIXTURE_TRACE_IDS, jaegerTracesToOtlp, traceFixtures } from './trace-reader.contract.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describeTraceReaderContract(async (traces) => {
  const jaeger = await FakeJaeger.start(traces);
  return { reader: new JaegerTraceReader(jaeger.url), close: () => jaeger.stop() };
}, `${JaegerTraceReader.name} against a fake Jaeger (contract)`);

const backends: FakeBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

/** A server answering the recorded fixture files verbatim, with Jaeger's status codes and content types. */
async function recordedJaeger(): Promise<FakeBackend> {
  const backend = await FakeBackend.start((request, res) => {
    const path = request.url.pathname;
    if (path === '/api/services') return sendJson(res, 200, fixture('services.json'));
    if (path === '/api/services/db-service/operations') return sendJson(res, 200, fixture('operations-db-service.json'));
    if (path === '/api/traces' && !request.url.searchParams.get('service'))
      return sendJson(res, 400, fixture('search-bad-request.json'), 'text/plain; charset=utf-8');
    if (path === '/api/traces') return sendJson(res, 200, fixture('search-traces.json'));
    if (path === `/api/traces/${FIXTURE_TRACE_IDS.cartDbTimeout}`) {
      const all = JSON.parse(fixture('search-traces.json')) as { data: { traceID: string }[] };
      return sendJson(res, 200, { ...all, data: all.data.filter((t) => t.traceID === FIXTURE_TRACE_IDS.cartDbTimeout) });
    }
    if (path.startsWith('/api/traces/')) return sendJson(res, 404, fixture('trace-not-found.json'), 'text/plain; charset=utf-8');
    return sendJson(res, 404, '404 page not found\n', 'text/plain');
  });
  backends.push(backend);
  return backend;
}

describe(JaegerTraceReader.name, () => {
  it('does read the recorded jaeger-query answers as they are', async () => {
    const jaeger = await recordedJaeger();
    const reader = new JaegerTraceReader(jaeger.url);
    expect(await reader.services()).toEqual(['auth-service', 'db-service', 'payment-service', 'product-service']);
    expect(await reader.operations('db-service')).toEqual(['GET /cart/:user_id', 'GET /products']);
    const found = await reader.findTraces({ service: 'product-service' });
    expect(found.map((t) => t.traceID)).toEqual(traceFixtures().map((t) => t.traceID));
    expect(found[1]!.spans[3]).toMatchObject({
      operationName: 'GET db-service/cart/u-7f3a',
      processID: 'p1',
      references: [{ refType: 'CHILD_OF' }],
    });
    const trace = await reader.getTrace(FIXTURE_TRACE_IDS.cartDbTimeout);
    expect(trace?.processes.p3?.serviceName).toBe('db-service');
    expect(await reader.getTrace('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('does send the search as Jaeger expects: µs start/end, Go durations, tags as JSON, a default limit', async () => {
    const jaeger = await recordedJaeger();
    const now = 1_768_473_600_000;
    const reader = new JaegerTraceReader(jaeger.url, { now: () => now });
    await reader.findTraces({
      service: 'db-service',
      operation: 'GET /cart/:user_id',
      tags: { error: 'true' },
      minDuration: 1500,
      maxDuration: '2.5s',
      lookback: '15m',
    });
    const params = jaeger.requestsTo('/api/traces')[0]!.url.searchParams;
    expect(Object.fromEntries(params)).toEqual({
      service: 'db-service',
      operation: 'GET /cart/:user_id',
      tags: '{"error":"true"}',
      minDuration: '1500000us',
      maxDuration: '2500000us',
      start: String((now - 15 * 60_000) * 1000),
      end: String(now * 1000),
      limit: '20',
    });
    await reader.findTraces({ service: 'db-service', start: new Date(now - 1000), end: now, limit: 5 });
    expect(Object.fromEntries(jaeger.requestsTo('/api/traces')[1]!.url.searchParams)).toMatchObject({
      start: String((now - 1000) * 1000),
      limit: '5',
    });
  });

  it('does reject Jaeger errors, foreign answers and an absent backend with a TelemetryQueryError', async () => {
    const jaeger = await recordedJaeger();
    const reader = new JaegerTraceReader(jaeger.url);
    await expect(reader.findTraces({ service: '' })).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      message: expect.stringContaining("parameter 'service' is required"),
    });

    const foreign = await FakeBackend.start((_request, res) => sendJson(res, 200, { traces: [] }));
    backends.push(foreign);
    await expect(new JaegerTraceReader(foreign.url).services()).rejects.toMatchObject({ kind: 'bad_response' });
    await expect(new JaegerTraceReader(foreign.url).getTrace(FIXTURE_TRACE_IDS.productsOk)).rejects.toMatchObject({ kind: 'bad_response' });

    const broken = await FakeBackend.start((_request, res) =>
      sendJson(res, 200, { data: [{ traceID: 'x', spans: [{ spanID: 1 }], processes: {} }] }),
    );
    backends.push(broken);
    await expect(new JaegerTraceReader(broken.url).findTraces({ service: 'a' })).rejects.toMatchObject({
      kind: 'bad_response',
      message: expect.stringContaining('not a Jaeger span'),
    });

    const gone = await FakeBackend.start(() => undefined);
    const url = gone.url;
    await gone.stop();
    const error = await new JaegerTraceReader(url, { backend: 'telemetry' }).services().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryQueryError);
    expect(error).toMatchObject({ backend: 'telemetry', kind: 'unreachable' });
  });

  it('does give up at its deadline', async () => {
    const slow = await FakeBackend.start((_request, res) => void setTimeout(() => sendJson(res, 200, { data: [] }), 2000));
    backends.push(slow);
    const started = performance.now();
    await expect(new JaegerTraceReader(slow.url, { timeoutMs: 150 }).services()).rejects.toMatchObject({ kind: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe(normaliseTraceId.name, () => {
  it('does accept 32 hex digits, a UUID and a 64-bit id, in any case', () => {
    expect(normaliseTraceId('0AF7651916CD43DD8448EB211C80319C')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(normaliseTraceId('0af76519-16cd-43dd-8448-eb211c80319c')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(normaliseTraceId('8448eb211c80319c')).toBe('8448eb211c80319c');
  });

  it('does refuse anything else, naming it', () => {
    expect(() => normaliseTraceId('../api/services')).toThrow(/not a trace id: "..\/api\/services"/);
    expect(() => normaliseTraceId('0'.repeat(32))).toThrow(/not a trace id/);
  });
});

describe(jaegerTracesToOtlp.name, () => {
  it('does rebuild the OTLP the services exported: resources, scope, kind, parent, status, nanosecond times', () => {
    const trace = traceFixtures().find((t) => t.traceID === FIXTURE_TRACE_IDS.cartDbTimeout)!;
    const otlp = jaegerTracesToOtlp([trace]);
    expect(otlp.resourceSpans.map((r) => r.resource.attributes[0])).toEqual([
      { key: 'service.name', value: { stringValue: 'product-service' } },
      { key: 'service.name', value: { stringValue: 'auth-service' } },
      { key: 'service.name', value: { stringValue: 'db-service' } },
    ]);
    const product = otlp.resourceSpans[0]!.scopeSpans[0]!;
    expect(product.scope).toEqual({ name: '@archaics/common', version: '0.1.0' });
    const dbCall = product.spans.find((s) => s.spanId === '00f067aa0ba902b7')!;
    expect(dbCall).toMatchObject({
      traceId: FIXTURE_TRACE_IDS.cartDbTimeout,
      parentSpanId: 'b7ad6b7169203331',
      name: 'GET db-service/cart/u-7f3a',
      kind: 3,
      startTimeUnixNano: '1768473005009800000',
      endTimeUnixNano: '1768473006011000000',
      status: { code: 2, message: 'db-service timeout after 1001ms' },
      links: [],
    });
    expect(dbCall.attributes).toEqual([
      { key: 'peer.service', value: { stringValue: 'db-service' } },
      { key: 'http.request.method', value: { stringValue: 'GET' } },
      { key: 'url.path', value: { stringValue: '/cart/u-7f3a' } },
    ]);
    const root = product.spans.find((s) => s.spanId === 'b7ad6b7169203331')!;
    expect(root).not.toHaveProperty('parentSpanId');
    expect(root.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: 504 } });
  });
});
