import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJaegerRoutes } from '../src/routes/jaeger.route.ts';
import { CART_TRACE, FIXTURE_NOW_MS, FIXTURE_SPANS, jaegerFixture, TIMEOUT_TRACE } from './fixture-spans.ts';
import { getJson, otlpRequest, postJson, startTelemetry, type RunningTelemetry } from './telemetry-harness.ts';

let running: RunningTelemetry;
const t = 1_768_473_000_000_000;

beforeAll(async () => {
  running = await startTelemetry({}, { now: () => FIXTURE_NOW_MS });
  const response = await postJson(running.otlpUrl, otlpRequest(FIXTURE_SPANS));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ partialSuccess: {} });
});
afterAll(async () => running.stop());

const api = (path: string) => getJson(`${running.queryUrl}${path}`);
const traceIds = (body: Record<string, unknown>) => (body.data as Array<{ traceID: string }>).map((trace) => trace.traceID);

describe(registerJaegerRoutes.name, () => {
  it('answers /api/services as Jaeger does', async () => {
    expect(await api('/api/services')).toEqual({ status: 200, body: jaegerFixture('services.json') });
  });

  it('answers the operations of a service as Jaeger does', async () => {
    expect(await api('/api/services/product-service/operations')).toEqual({
      status: 200,
      body: jaegerFixture('operations-product-service.json'),
    });
    const withKinds = await api('/api/operations?service=auth-service');
    expect(withKinds.body.data).toEqual([{ name: 'GET /validate', spanKind: 'server' }]);
    expect((await api('/api/operations?service=product-service&spanKind=client')).body.data).toEqual([
      { name: 'GET auth-service/validate', spanKind: 'client' },
      { name: 'GET db-service/cart/u-1f2e', spanKind: 'client' },
      { name: 'GET db-service/products', spanKind: 'client' },
    ]);
  });

  it('answers a trace exactly as Jaeger answers it: references, durations, tags, logs, processes', async () => {
    expect(await api(`/api/traces/${TIMEOUT_TRACE}`)).toEqual({ status: 200, body: jaegerFixture('trace-db-timeout.json') });
  });

  it("answers an unknown trace with 404 and Jaeger's error body, and a bad id with 400", async () => {
    expect(await api('/api/traces/0123456789abcdef0123456789abcdef')).toEqual({ status: 404, body: jaegerFixture('trace-not-found.json') });
    const bad = await api('/api/traces/not-a-trace-id');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ data: null, errors: [{ code: 400, msg: expect.stringContaining('traceID') }] });
  });

  it('searches whole traces, newest first, as Jaeger does', async () => {
    const found = await api(`/api/traces?service=product-service&start=${t - 100_000_000}&end=${t + 100_000_000}&limit=20`);
    expect(found).toEqual({ status: 200, body: jaegerFixture('search-product-service.json') });
  });

  it('filters by operation, tags, durations, limit and time window', async () => {
    expect(traceIds((await api('/api/traces?service=db-service&operation=GET%20/products')).body)).toEqual([TIMEOUT_TRACE]);
    expect(traceIds((await api('/api/traces?service=db-service&operation=GET%20/nothing')).body)).toEqual([]);
    const tags = encodeURIComponent(JSON.stringify({ error: 'true' }));
    expect(traceIds((await api(`/api/traces?service=auth-service&tags=${tags}`)).body)).toEqual([]);
    expect(traceIds((await api(`/api/traces?service=db-service&tags=${tags}`)).body)).toEqual([TIMEOUT_TRACE]);
    const route = encodeURIComponent(JSON.stringify({ 'http.route': '/cart/:user_id', 'http.response.status_code': '200' }));
    expect(traceIds((await api(`/api/traces?service=db-service&tags=${route}`)).body)).toEqual([CART_TRACE]);
    expect(traceIds((await api('/api/traces?service=product-service&tag=span.kind:client&tag=peer.service:db-service')).body)).toEqual([
      TIMEOUT_TRACE,
      CART_TRACE,
    ]);
    expect(traceIds((await api(`/api/traces?service=product-service&tags=${encodeURIComponent('{"event":"exception"}')}`)).body)).toEqual([
      TIMEOUT_TRACE,
    ]);
    expect(
      traceIds((await api(`/api/traces?service=product-service&tags=${encodeURIComponent('{"service.version":"0.1.0"}')}`)).body),
    ).toHaveLength(2);
    expect(traceIds((await api('/api/traces?service=product-service&minDuration=1s')).body)).toEqual([TIMEOUT_TRACE]);
    expect(traceIds((await api('/api/traces?service=product-service&minDuration=1.0123s')).body)).toEqual([TIMEOUT_TRACE]);
    expect(traceIds((await api('/api/traces?service=product-service&minDuration=1.013s')).body)).toEqual([]);
    expect(traceIds((await api('/api/traces?service=product-service&maxDuration=2500us')).body)).toEqual([CART_TRACE]);
    expect(traceIds((await api('/api/traces?service=product-service&minDuration=4ms&maxDuration=9ms')).body)).toEqual([CART_TRACE]);
    expect(traceIds((await api('/api/traces?service=product-service&limit=1')).body)).toEqual([TIMEOUT_TRACE]);
    expect(traceIds((await api(`/api/traces?service=product-service&end=${t - 1}`)).body)).toEqual([CART_TRACE]);
    expect(traceIds((await api(`/api/traces?service=product-service&start=${t}`)).body)).toEqual([TIMEOUT_TRACE]);
    // The default window ends now (a minute after the timeout trace); 30 s back holds neither trace.
    expect(traceIds((await api('/api/traces?service=product-service&lookback=30s')).body)).toEqual([]);
    expect(traceIds((await api('/api/traces?service=product-service&lookback=1h')).body)).toEqual([TIMEOUT_TRACE, CART_TRACE]);
    const byIds = await api(`/api/traces?traceID=${CART_TRACE}&traceID=00000000000000000000000000000abc`);
    expect(traceIds(byIds.body)).toEqual([CART_TRACE]);
    expect(byIds.body.errors).toEqual([{ msg: 'trace not found', traceID: '00000000000000000000000000000abc' }]);
  });

  it("answers a bad search parameter with 400 naming it, in Jaeger's error shape", async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/traces', /parameter 'service' is required/],
      ['/api/traces?service=x&minDuration=fast', /'minDuration'/],
      ['/api/traces?service=x&maxDuration=1s&minDuration=2s', /'maxDuration' should be greater than 'minDuration'/],
      ['/api/traces?service=x&limit=-3', /'limit'/],
      ['/api/traces?service=x&start=yesterday', /'start'/],
      ['/api/traces?service=x&tags=%7Bnot-json', /'tags'/],
      ['/api/traces?service=x&tag=novalue', /'tag'/],
      ['/api/traces?service=x&lookback=forever', /'lookback'/],
      ['/api/operations', /parameter 'service' is required/],
    ];
    for (const [path, message] of cases) {
      const answer = await api(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toEqual({
        data: null,
        total: 0,
        limit: 0,
        offset: 0,
        errors: [{ code: 400, msg: expect.stringMatching(message) }],
      });
    }
  });
});
