import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type ServiceMetrics } from '@archaics/server';
import { FakeBackend } from '../fake-backend.ts';
import type { ServiceSample } from './metrics-reader.ts';
import { ScrapeMetricsReader } from './scrape-metrics-reader.ts';

const backends: FakeBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

/** A fake service whose /metrics answers whatever `body()` gives. */
async function metricsEndpoint(body: () => string | Promise<string>, status = 200): Promise<FakeBackend> {
  const backend = await FakeBackend.start(async (request, res) => {
    if (request.url.pathname !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const text = await body();
    res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
  });
  backends.push(backend);
  return backend;
}

/** A clock the test moves. */
function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

const only = (samples: readonly ServiceSample[]): ServiceSample => {
  expect(samples).toHaveLength(1);
  return samples[0]!;
};

/** A hand-written exposition of the counters the restart tests need. */
function exposition(values: { start?: number; requests: number; errors?: number; cpu: number }): string {
  return [
    ...(values.start === undefined ? [] : ['# TYPE process_start_time_seconds gauge', `process_start_time_seconds ${values.start}`]),
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${values.cpu}`,
    '# TYPE http_requests_total counter',
    `http_requests_total{service="db-service",method="GET",route="/products",status="200"} ${values.requests}`,
    `http_requests_total{service="db-service",method="GET",route="/products",status="500"} ${values.errors ?? 0}`,
    '',
  ].join('\n');
}

describe(ScrapeMetricsReader.name, () => {
  it('does report a first sample with no window: up, gauges, but no rates yet', async () => {
    const metrics = createMetrics('product-service');
    const service = await metricsEndpoint(() => metrics.registry.metrics());
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'product-service', url: service.url }] });
    const sample = await reader.sample();
    expect(sample.source).toBe('scrape');
    const product = only(sample.services);
    expect(product).toMatchObject({
      service: 'product-service',
      up: true,
      windowSeconds: null,
      requestRate: 0,
      errorRatio: 0,
      cpuCores: null,
    });
    expect(product.latency).toEqual({ p50: null, p95: null, p99: null });
    expect(product.residentMemoryBytes).toBeGreaterThan(0);
    expect(product.eventLoopLagP99Seconds).not.toBeNull();
    expect(service.requestsTo('/metrics')).toHaveLength(1);
  });

  it('does turn counter and bucket increases between two scrapes into rates, ratios and quantiles', async () => {
    const metrics: ServiceMetrics = createMetrics('product-service');
    const service = await metricsEndpoint(() => metrics.registry.metrics());
    const clock = manualClock();
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'product-service', url: service.url }], now: clock.now });
    await reader.sample();

    const labels = (route: string, status: string) => ({ service: 'product-service', method: 'GET', route, status });
    for (let i = 0; i < 18; i++) {
      metrics.httpRequests.inc(labels('/products', '200'));
      metrics.httpDuration.observe(labels('/products', '200'), 0.02);
    }
    for (let i = 0; i < 2; i++) {
      metrics.httpRequests.inc(labels('/products', '502'));
      metrics.httpDuration.observe(labels('/products', '502'), 0.4);
    }
    // Control traffic (the scrapes themselves, health checks) is not business traffic.
    for (let i = 0; i < 30; i++) {
      metrics.httpRequests.inc(labels('/metrics', '200'));
      metrics.httpDuration.observe(labels('/metrics', '200'), 5);
      metrics.httpRequests.inc(labels('/health', '500'));
    }
    const db = { service: 'product-service', upstream: 'db-service' };
    for (let i = 0; i < 8; i++) {
      metrics.upstreamRequests.inc({ ...db, outcome: 'success' });
      metrics.upstreamDuration.observe(db, 0.008);
    }
    for (let i = 0; i < 2; i++) {
      metrics.upstreamRequests.inc({ ...db, outcome: 'timeout' });
      metrics.upstreamDuration.observe(db, 1.0);
    }
    metrics.upstreamRequests.inc({ service: 'product-service', upstream: 'auth-service', outcome: 'client_error' }, 4);
    metrics.upstreamDuration.observe({ service: 'product-service', upstream: 'auth-service' }, 0.003);
    metrics.chaosActive.set({ service: 'product-service', type: 'cpu' }, 1);
    clock.advance(2000);

    const product = only((await reader.sample()).services);
    expect(product.windowSeconds).toBe(2);
    expect(product.requestRate).toBe(10);
    expect(product.errorRatio).toBeCloseTo(0.1, 10);
    expect(product.latency.p50).toBeGreaterThan(0.01);
    expect(product.latency.p50).toBeLessThanOrEqual(0.025);
    expect(product.latency.p99).toBeGreaterThan(0.25);
    expect(product.latency.p99).toBeLessThanOrEqual(0.5);
    expect(product.cpuCores).toBeGreaterThanOrEqual(0);
    expect(product.upstreams).toEqual([
      { upstream: 'auth-service', callRate: 2, errorRatio: 0, p95Seconds: expect.any(Number) },
      { upstream: 'db-service', callRate: 5, errorRatio: 0.2, p95Seconds: expect.any(Number) },
    ]);
    expect(product.upstreams[1]!.p95Seconds).toBeGreaterThan(0.5);
    expect(product.upstreams[1]!.p95Seconds).toBeLessThanOrEqual(1);
    expect(product.chaosFailureActive).toEqual(['cpu']);
    expect(product.chaosFaults).toEqual([{ type: 'cpu', scope: 'service' }]);

    // Nothing happened in the next window: zero rates, no quantiles, the upstreams still listed.
    clock.advance(2000);
    const quiet = only((await reader.sample()).services);
    expect(quiet).toMatchObject({ windowSeconds: 2, requestRate: 0, errorRatio: 0, latency: { p50: null, p95: null, p99: null } });
    expect(quiet.upstreams.map((u) => [u.upstream, u.callRate, u.p95Seconds])).toEqual([
      ['auth-service', 0, null],
      ['db-service', 0, null],
    ]);
  });

  it('does read active faults per scope from the exposition: each type once, every (type, scope) once', async () => {
    const faults = [
      '# HELP chaos_failure_active 1 while a fault of this type is injected.',
      '# TYPE chaos_failure_active gauge',
      'chaos_failure_active{service="product-service",type="timeout",scope="service"} 0',
      'chaos_failure_active{service="product-service",type="latency",scope="service"} 1',
      'chaos_failure_active{service="product-service",type="latency",scope="edge:db-service"} 1',
      'chaos_failure_active{service="product-service",type="partition",scope="edge:auth-service"} 1',
      'chaos_failure_active{service="product-service",type="error",scope="route:/cart/add"} 1',
      'chaos_failure_active{service="product-service",type="error",scope="route:/products"} 0',
      '',
    ];
    let text = [exposition({ requests: 1, cpu: 0 }), ...faults].join('\n');
    const service = await metricsEndpoint(() => text);
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'product-service', url: service.url }] });
    const product = only((await reader.sample()).services);
    expect(product.chaosFailureActive).toEqual(['error', 'latency', 'partition']);
    expect(product.chaosFaults).toEqual([
      { type: 'error', scope: 'route:/cart/add' },
      { type: 'latency', scope: 'edge:db-service' },
      { type: 'latency', scope: 'service' },
      { type: 'partition', scope: 'edge:auth-service' },
    ]);

    // A service from before SPEC 2.1 has no scope label (or an empty one): its faults are service-wide.
    text = [
      exposition({ requests: 2, cpu: 0 }),
      'chaos_failure_active{service="product-service",type="cpu"} 1',
      'chaos_failure_active{service="product-service",type="error",scope=""} 1',
      'chaos_failure_active{service="product-service",type="crash"} 0',
      '',
    ].join('\n');
    const legacy = only((await reader.sample()).services);
    expect(legacy.chaosFailureActive).toEqual(['cpu', 'error']);
    expect(legacy.chaosFaults).toEqual([
      { type: 'cpu', scope: 'service' },
      { type: 'error', scope: 'service' },
    ]);
  });

  it('does report no fault for a service that cannot be read', async () => {
    const failing = await metricsEndpoint(() => 'oops', 503);
    const down = only((await new ScrapeMetricsReader({ targets: [{ service: 'db-service', url: failing.url }] }).sample()).services);
    expect(down).toMatchObject({ up: false, chaosFailureActive: [], chaosFaults: [] });
  });

  it('does survive a counter reset: a restarted service never gives a negative rate', async () => {
    let text = exposition({ requests: 1000, errors: 10, cpu: 50 });
    const service = await metricsEndpoint(() => text);
    const clock = manualClock();
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'db-service', url: service.url }], now: clock.now });
    await reader.sample();
    text = exposition({ requests: 40, errors: 0, cpu: 1 });
    clock.advance(2000);
    const db = only((await reader.sample()).services);
    expect(db.requestRate).toBe(20);
    expect(db.errorRatio).toBe(0);
    expect(db.cpuCores).toBe(0.5);
  });

  it('does take a changed process start time as a restart even when counters grew past their old values', async () => {
    let text = exposition({ start: 1000, requests: 10, cpu: 2 });
    const service = await metricsEndpoint(() => text);
    const clock = manualClock();
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'db-service', url: service.url }], now: clock.now });
    await reader.sample();
    text = exposition({ start: 1900, requests: 30, cpu: 3 });
    clock.advance(2000);
    const db = only((await reader.sample()).services);
    expect(db.requestRate).toBe(15);
    expect(db.cpuCores).toBe(1.5);
    expect(db.restarted).toBe(true);
    clock.advance(2000);
    expect(only((await reader.sample()).services).restarted).toBe(false);
  });

  it('does report a service that cannot be read as down, naming why, and keeps the others', async () => {
    const gone = await metricsEndpoint(() => '');
    await gone.stop();
    backends.splice(backends.indexOf(gone), 1);
    const failing = await metricsEndpoint(() => 'oops', 503);
    const garbage = await metricsEndpoint(() => '<html>not metrics</html>');
    const slow = await metricsEndpoint(() => new Promise((resolve) => setTimeout(() => resolve('x 1'), 3000)));
    const fine = await metricsEndpoint(() => exposition({ requests: 1, cpu: 1 }));
    const reader = new ScrapeMetricsReader({
      timeoutMs: 200,
      targets: [
        { service: 'auth-service', url: gone.url },
        { service: 'db-service', url: failing.url },
        { service: 'product-service', url: garbage.url },
        { service: 'payment-service', url: slow.url },
        { service: 'db-service', url: fine.url },
      ],
    });
    const started = performance.now();
    const { services } = await reader.sample();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(services.map((s) => s.up)).toEqual([false, false, false, false, true]);
    expect(services[0]!.error).toMatch(/unreachable/);
    expect(services[1]!.error).toMatch(/HTTP 503/);
    expect(services[2]!.error).toMatch(/line 1/);
    expect(services[3]!.error).toMatch(/timeout/);
    expect(services[0]).toMatchObject({ windowSeconds: null, requestRate: 0, errorRatio: 0, cpuCores: null, upstreams: [] });
  });

  it('does measure the window from the last successful scrape when a service was down in between', async () => {
    let up = true;
    let requests = 0;
    const service = await FakeBackend.start((_request, res) => {
      if (!up) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(exposition({ requests, cpu: 0 }));
    });
    backends.push(service);
    const clock = manualClock();
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'db-service', url: service.url }], now: clock.now });
    await reader.sample();
    up = false;
    clock.advance(2000);
    expect(only((await reader.sample()).services).up).toBe(false);
    up = true;
    requests = 40;
    clock.advance(2000);
    const back = only((await reader.sample()).services);
    expect(back).toMatchObject({ up: true, windowSeconds: 4, requestRate: 10 });
  });

  it('does take samples one at a time when called concurrently', async () => {
    const service = await metricsEndpoint(() => exposition({ requests: 1, cpu: 0 }));
    let time = 0;
    const reader = new ScrapeMetricsReader({ targets: [{ service: 'db-service', url: service.url }], now: () => (time += 500) });
    const [first, second] = await Promise.all([reader.sample(), reader.sample()]);
    expect(only(first.services).windowSeconds).toBeNull();
    expect(only(second.services).windowSeconds).toBe(1);
  });
});
