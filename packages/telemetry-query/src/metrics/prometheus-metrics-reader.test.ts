import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend, sendJson } from '../fake-backend.ts';
import { TelemetryQueryError } from '../http-query.ts';
import { PrometheusMetricsReader, prometheusQueries, promDurationSeconds, type PrometheusQueries } from './prometheus-metrics-reader.ts';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/prometheus-api.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const backends: FakeBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

/**
 * A fake Prometheus: answers /api/v1/query with the recorded answer of the query it
 * recognises (by the reader's own expressions), an error answer for anything else.
 */
async function fakePrometheus(queries: PrometheusQueries, answers: Record<string, unknown> = recorded): Promise<FakeBackend> {
  const byExpression = new Map(Object.entries(queries).map(([name, expr]) => [expr, name]));
  const backend = await FakeBackend.start((request, res) => {
    if (request.url.pathname !== '/api/v1/query') return sendJson(res, 404, '404 page not found\n', 'text/plain');
    const name = byExpression.get(request.url.searchParams.get('query') ?? '');
    if (name === undefined || answers[name] === undefined) return sendJson(res, 400, answers.badQuery);
    return sendJson(res, 200, answers[name]);
  });
  backends.push(backend);
  return backend;
}

const now = () => 1_768_471_200_123;

describe(PrometheusMetricsReader.name, () => {
  it('does build each service sample from PromQL over the rate window, all queries at one evaluation time', async () => {
    const queries = prometheusQueries(['auth-service', 'db-service', 'product-service', 'payment-service'], '1m', 'job');
    const prometheus = await fakePrometheus(queries);
    const reader = new PrometheusMetricsReader({ url: prometheus.url, now });
    const sample = await reader.sample();

    expect(sample).toMatchObject({ timestamp: now(), source: 'prometheus' });
    expect(sample.services.map((s) => s.service)).toEqual(['auth-service', 'db-service', 'product-service', 'payment-service']);
    const [auth, db, product, payment] = sample.services;
    expect(product).toEqual({
      service: 'product-service',
      up: true,
      restarted: false,
      windowSeconds: 60,
      requestRate: 12.5,
      errorRatio: 0.2,
      latency: { p50: 0.018, p95: 1.02, p99: 1.9 },
      cpuCores: 0.08,
      residentMemoryBytes: 88080384,
      eventLoopLagSeconds: 0.0009,
      eventLoopLagP99Seconds: 0.0207,
      upstreams: [
        { upstream: 'auth-service', callRate: 12.5, errorRatio: 0, p95Seconds: 0.008 },
        { upstream: 'db-service', callRate: 12, errorRatio: 0.25, p95Seconds: 0.98 },
      ],
      chaosFailureActive: [],
      chaosFaults: [],
    });
    expect(db).toMatchObject({
      up: true,
      restarted: true,
      requestRate: 35.5,
      errorRatio: expect.closeTo(0.1, 10),
      // A timeout service-wide and one on /products: the type once, the faults each with their scope.
      chaosFailureActive: ['timeout'],
      chaosFaults: [
        { type: 'timeout', scope: 'route:/products' },
        { type: 'timeout', scope: 'service' },
      ],
    });
    expect(auth).toMatchObject({ up: true, errorRatio: 0, upstreams: [] });
    expect(payment).toMatchObject({ up: false, error: expect.stringContaining('up=0'), cpuCores: null });

    const sent = prometheus.requestsTo('/api/v1/query');
    expect(sent).toHaveLength(Object.keys(queries).length);
    expect(new Set(sent.map((r) => r.url.searchParams.get('time')))).toEqual(new Set(['1768471200.123']));
  });

  it('does ask for what the SPEC metrics mean: 5xx share, histogram_quantile over summed bucket rates, control routes left out', () => {
    const q = prometheusQueries(['db-service'], '30s', 'job');
    const own = 'service=~"db-service",route!~"/health|/metrics|/inject-failure|/reset|/docs.*"';
    expect(q.requests).toBe(`sum by (service) (rate(http_requests_total{${own}}[30s]))`);
    expect(q.errors).toBe(`sum by (service) (rate(http_requests_total{${own},status=~"5.."}[30s]))`);
    expect(q.p95).toBe(`histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{${own}}[30s])))`);
    expect(q.upstreamErrors).toBe(
      'sum by (service, upstream) (rate(upstream_requests_total{service=~"db-service",outcome!~"success|client_error"}[30s]))',
    );
    expect(q.chaos).toBe('max by (service, type, scope) (chaos_failure_active{service=~"db-service"})');
    expect(q.up).toBe('min by (job) (up{job=~"db-service"})');
    expect(q.cpu).toBe('sum by (job) (rate(process_cpu_seconds_total{job=~"db-service"}[30s]))');
  });

  it('does report active faults per scope: types once, every scope kept, a series without scope taken as service-wide', async () => {
    const queries = prometheusQueries(['auth-service', 'db-service', 'product-service', 'payment-service'], '1m', 'job');
    const at = 1768471200.123;
    const active = (metric: Record<string, string>, value = '1') => ({ metric, value: [at, value] });
    const chaos = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          active({ service: 'product-service', type: 'partition', scope: 'edge:db-service' }),
          active({ service: 'product-service', type: 'latency', scope: 'service' }),
          active({ service: 'product-service', type: 'latency', scope: 'edge:auth-service' }),
          active({ service: 'product-service', type: 'error', scope: 'route:/cart/add' }, '0'),
          // A service from before SPEC 2.1: no scope label.
          active({ service: 'auth-service', type: 'error' }),
          active({ service: 'db-service', type: 'leak', scope: 'service' }, 'NaN'),
        ],
      },
    };
    const prometheus = await fakePrometheus(queries, { ...recorded, chaos });
    const { services } = await new PrometheusMetricsReader({ url: prometheus.url, now }).sample();
    const [auth, db, product] = services;
    expect(product!.chaosFailureActive).toEqual(['latency', 'partition']);
    expect(product!.chaosFaults).toEqual([
      { type: 'latency', scope: 'edge:auth-service' },
      { type: 'latency', scope: 'service' },
      { type: 'partition', scope: 'edge:db-service' },
    ]);
    expect(auth).toMatchObject({ chaosFailureActive: ['error'], chaosFaults: [{ type: 'error', scope: 'service' }] });
    expect(db).toMatchObject({ chaosFailureActive: [], chaosFaults: [] });
  });

  it('does report a service Prometheus has no target for as down, naming the label it looked for', async () => {
    const queries = prometheusQueries(['auth-service', 'db-service', 'product-service', 'payment-service'], '1m', 'app');
    const answers = { ...recorded, up: { status: 'success', data: { resultType: 'vector', result: [] } } };
    const prometheus = await fakePrometheus(queries, answers);
    const reader = new PrometheusMetricsReader({ url: prometheus.url, targetLabel: 'app', now });
    const { services } = await reader.sample();
    expect(services.every((s) => !s.up)).toBe(true);
    expect(services[0]!.error).toContain('up{app="auth-service"}');
  });

  it('does reject with the error Prometheus gave when a query is refused', async () => {
    const prometheus = await fakePrometheus(prometheusQueries(['db-service'], '1m', 'job'));
    const reader = new PrometheusMetricsReader({ url: prometheus.url, services: ['auth-service'], now });
    const error = await reader.sample().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelemetryQueryError);
    expect(error).toMatchObject({ backend: 'prometheus', kind: 'http', status: 400 });
    expect((error as Error).message).toContain('bad_data: invalid parameter "query"');
  });

  it('does reject as unreachable when Prometheus is not there, and as bad_response for a non-vector answer', async () => {
    const gone = await FakeBackend.start(() => undefined);
    const url = gone.url;
    await gone.stop();
    await expect(new PrometheusMetricsReader({ url, now }).sample()).rejects.toMatchObject({ kind: 'unreachable' });

    const odd = await FakeBackend.start((_request, res) =>
      sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
    );
    backends.push(odd);
    await expect(new PrometheusMetricsReader({ url: odd.url, now }).sample()).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('does send credentials from the URL as a Basic header and never show them in errors', async () => {
    const prometheus = await FakeBackend.start((_request, res) =>
      sendJson(res, 503, { status: 'error', errorType: 'unavailable', error: 'not ready' }),
    );
    backends.push(prometheus);
    const url = prometheus.url.replace('http://', 'http://reader:s3cret@');
    const error = (await new PrometheusMetricsReader({ url, services: ['db-service'], now }).sample().catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('unavailable: not ready');
    expect(error.message).not.toContain('s3cret');
    expect(prometheus.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('reader:s3cret').toString('base64')}`);
  });

  it('does refuse a window that is not a PromQL duration', () => {
    expect(() => new PrometheusMetricsReader({ url: 'http://127.0.0.1:9090', window: '1 minute' })).toThrow(/PromQL duration/);
    expect(promDurationSeconds('1m30s')).toBe(90);
  });
});
