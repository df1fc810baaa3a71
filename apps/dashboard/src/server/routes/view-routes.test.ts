import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEPENDENCY_GRAPH } from '@archaics/contracts';
import type { Summary } from '@archaics/load';
import { FakeUpstream, unreachableUrl } from '@archaics/server/testing';
import type {
  JaegerSpan,
  JaegerTrace,
  LogReader,
  LogRecord,
  MetricsReader,
  TelemetryReaders,
  TraceReader,
} from '@archaics/telemetry-query';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { LoadRuns } from '../domain/load-runs.ts';
import type { Sampler } from '../sampler.ts';

// Every view's JSON goes through its route's response schema, which drops what it does not
// list: these tests check that what the UI reads survives it.

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const span = (spanID: string, parent: string | null, processID: string, startTime: number, error = false): JaegerSpan => ({
  traceID: TRACE_ID,
  spanID,
  operationName: `GET /${spanID}`,
  references: parent ? [{ refType: 'CHILD_OF', traceID: TRACE_ID, spanID: parent }] : [],
  startTime,
  duration: 400,
  tags: [
    { key: 'http.response.status_code', type: 'int64', value: error ? 500 : 200 },
    ...(error ? [{ key: 'error', type: 'bool', value: true }] : []),
  ],
  logs: [],
  processID,
});
const trace: JaegerTrace = {
  traceID: TRACE_ID,
  processes: { p1: { serviceName: 'product-service', tags: [] }, p2: { serviceName: 'db-service', tags: [] } },
  spans: [span('root', null, 'p1', 1_000_000), span('query', 'root', 'p2', 1_000_100, true)],
};
const logLine: LogRecord = {
  service: 'product-service',
  level: 'INFO',
  message: 'GET /products 200 3.1ms',
  timestamp: '2026-11-28T09:14:02.118Z',
  trace_id: TRACE_ID,
  http: { method: 'GET', status: 200 },
};

const telemetry = {
  metrics: {
    sample: async () => ({
      timestamp: 1_700_000_000_000,
      source: 'scrape',
      services: [
        {
          service: 'db-service',
          up: true,
          restarted: false,
          windowSeconds: 5,
          requestRate: 4.123456,
          errorRatio: 0.25,
          latency: { p50: 0.01, p95: 1.5, p99: 2 },
          cpuCores: 0.12,
          residentMemoryBytes: null,
          eventLoopLagSeconds: null,
          eventLoopLagP99Seconds: null,
          upstreams: [],
          chaosFailureActive: [],
        },
      ],
    }),
  } satisfies MetricsReader,
  traces: {
    services: async () => ['db-service', 'product-service'],
    operations: async () => ['GET /root'],
    getTrace: async (id: string) => (id === TRACE_ID ? trace : null),
    findTraces: async () => [trace],
  } satisfies TraceReader,
  logs: {
    query: async () => [logLine],
    tail: async (_filter, onLine, signal) => {
      onLine(logLine);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
  } satisfies LogReader,
  config: {} as TelemetryReaders['config'],
} as TelemetryReaders;

// A load run that lasts until it is stopped, then gives a summary.
const summary = {
  scenario: 'normal',
  load: '2 VUs for 6s',
  durationS: 1.5,
  interrupted: true,
  passed: false,
  requests: { total: 40, ratePerS: 26.7, failed: 2, failedRate: 0.05 },
  latency: { serviceTime: { count: 40, min: 1, mean: 3, p50: 2.5, p90: 4, p95: 5, p99: 9, max: 12 } },
  errors: { byStatus: { '500': 2 }, byEndpoint: [] },
  thresholds: [{ metric: 'http_req_failed', expression: 'rate<0.01', ok: false, actual: 0.05 }],
} as unknown as Summary;
const runner = (async (_definition, options) => {
  await new Promise((resolve) => options?.signal?.addEventListener('abort', resolve, { once: true }));
  return summary;
}) as ConstructorParameters<typeof LoadRuns>[2];

const FAILURE = {
  type: 'timeout',
  intensity: 2,
  probability: 1,
  started_at: '2026-11-28T09:14:00.000Z',
  expires_at: '2026-11-28T09:15:00.000Z',
  remaining_s: 42.5,
  scope: 'service',
};
const ROUTE_FAILURE = { ...FAILURE, type: 'latency', scope: 'route:/cart/add', route: '/cart/add', ms: 300, remaining_s: null };

let db: FakeUpstream;
let home: string;
let app: FastifyInstance;
let sampler: Sampler;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'archaics-dashboard-views-'));
  db = await FakeUpstream.start(() => ({
    status: 200,
    body: { status: 'ok', service: 'db-service', version: '1.2.3', uptime_s: 12.5, failure: FAILURE, failures: [FAILURE, ROUTE_FAILURE] },
  }));
  const nowhere = await unreachableUrl();
  const config = loadConfig({
    ARCHAICS_HOME: home,
    CHAOS_TOKEN: 'chaos-token-of-the-view-tests',
    DB_SERVICE_URL: db.url,
    AUTH_SERVICE_URL: nowhere,
    PRODUCT_SERVICE_URL: nowhere,
    PAYMENT_SERVICE_URL: nowhere,
    ANOMALY_DETECTOR_URL: nowhere,
    AI_OPERATOR_URL: nowhere,
    LOG_LEVEL: 'error',
  });
  const loadRuns = new LoadRuns({}, config.env, runner);
  ({ app, sampler } = await buildApp(config, { telemetry, loadRuns, distDir: home, uiState: () => 'ready' }));
  await sampler.tick();
});

afterAll(async () => {
  await app?.close();
  await db?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('overview routes', () => {
  it('give every service with its status, reasons, fault and health, and the graph', async () => {
    const res = await app.inject({ url: '/api/overview' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.services.map((s: { name: string }) => s.name)).toEqual([
      'auth-service',
      'db-service',
      'product-service',
      'payment-service',
    ]);
    const dbView = body.services[1];
    expect(dbView).toMatchObject({
      name: 'db-service',
      url: db.url,
      status: 'degraded',
      failure: FAILURE,
      failures: [FAILURE, ROUTE_FAILURE],
      version: '1.2.3',
      uptimeS: 12.5,
    });
    expect(dbView.reasons).toEqual(
      expect.arrayContaining(['fault timeout (43 s left)', 'fault latency on route:/cart/add', 'error ratio 25%', 'p95 1.50 s']),
    );
    expect(dbView.checkedAt).toBeGreaterThan(0);
    expect(body.services[0]).toMatchObject({ status: 'down', failure: null, failures: [], version: null, uptimeS: null });
    expect(body.graph).toEqual(DEPENDENCY_GRAPH.map(([from, to]) => [from, to]));
    expect(body.platform).toMatchObject({ detector: { running: false }, operator: { running: false } });
    expect(typeof body.now).toBe('number');
  });

  it('give the metrics points after `since`, compacted', async () => {
    const all = (await app.inject({ url: '/api/metrics' })).json();
    expect(all).toMatchObject({ intervalMs: expect.any(Number), error: null });
    expect(all.points).toEqual([
      { t: 1_700_000_000_000, services: { 'db-service': { up: true, rps: 4.1235, errorRatio: 0.25, p95: 1.5, cpu: 0.12 } } },
    ]);
    expect((await app.inject({ url: '/api/metrics?since=1700000000000' })).json().points).toEqual([]);
    const bad = await app.inject({ url: '/api/metrics?since=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('since');
  });

  it('give the UI build state and the mode', async () => {
    expect((await app.inject({ url: '/api/status' })).json()).toEqual({ ui: 'ready', mode: 'dashboard', version: expect.any(String) });
  });
});

describe('chaos routes', () => {
  it('list the presets by name and label', async () => {
    const presets = (await app.inject({ url: '/api/chaos/presets' })).json();
    expect(presets.map((p: { name: string }) => p.name)).toEqual(['error-storm', 'high-latency']);
    expect(presets[0].label).toContain('Error storm');
  });

  it('answer a halt with every service, the unreachable ones failed', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chaos/halt', payload: {} });
    expect(res.statusCode).toBe(200);
    const results = res.json().results as Array<{ service: string; ok: boolean; status: number; body: unknown }>;
    expect(results.map((r) => [r.service, r.ok])).toEqual([
      ['auth-service', false],
      ['db-service', true],
      ['product-service', false],
      ['payment-service', false],
    ]);
    expect(results[1]!.body).toMatchObject({ status: 'ok' });
    expect(results[0]).toMatchObject({ status: 0, body: { error: 'service_unreachable' } });
  });

  it('name an unknown preset in a 404', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chaos/presets/meteor', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain('no preset "meteor"');
  });
});

describe('trace routes', () => {
  it('give the services, the operations and a search with each trace summarised', async () => {
    expect((await app.inject({ url: '/api/traces/services' })).json()).toEqual({ services: ['db-service', 'product-service'] });
    expect((await app.inject({ url: '/api/traces/operations?service=db-service' })).json()).toEqual({ operations: ['GET /root'] });
    const search = await app.inject({ url: '/api/traces?service=product-service&errors=true' });
    expect(search.statusCode).toBe(200);
    expect(search.json().traces).toEqual([
      {
        traceID: TRACE_ID,
        rootService: 'product-service',
        rootOperation: 'GET /root',
        startTime: 1_000_000,
        duration: 500,
        spans: 2,
        services: ['db-service', 'product-service'],
        errors: 1,
      },
    ]);
    expect((await app.inject({ url: '/api/traces?service=product-service&errors=maybe' })).statusCode).toBe(400);
  });

  it("give a trace's waterfall with every row's tags as text", async () => {
    const res = await app.inject({ url: `/api/traces/${TRACE_ID}` });
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    expect(detail).toMatchObject({ traceID: TRACE_ID, duration: 500, services: ['db-service', 'product-service'] });
    expect(detail.rows).toEqual([
      {
        spanID: 'root',
        parentSpanID: null,
        service: 'product-service',
        operation: 'GET /root',
        depth: 0,
        offset: 0,
        duration: 400,
        error: false,
        tags: [{ key: 'http.response.status_code', value: '200' }],
      },
      {
        spanID: 'query',
        parentSpanID: 'root',
        service: 'db-service',
        operation: 'GET /query',
        depth: 1,
        offset: 100,
        duration: 400,
        error: true,
        tags: [
          { key: 'http.response.status_code', value: '500' },
          { key: 'error', value: 'true' },
        ],
      },
    ]);
  });
});

describe('log routes', () => {
  it("give the contract's fields of each line and no others", async () => {
    const res = await app.inject({ url: '/api/logs?service=product-service&level=INFO' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      lines: [
        {
          service: 'product-service',
          level: 'INFO',
          message: 'GET /products 200 3.1ms',
          timestamp: '2026-11-28T09:14:02.118Z',
          trace_id: TRACE_ID,
        },
      ],
    });
  });

  it('end an open live tail when the server closes', async () => {
    const { app: own } = await buildApp(
      loadConfig({
        ARCHAICS_HOME: home,
        LOG_LEVEL: 'error',
        ANOMALY_DETECTOR_URL: 'http://127.0.0.1:9',
        AI_OPERATOR_URL: 'http://127.0.0.1:9',
      }),
      {
        telemetry,
        distDir: home,
        uiState: () => 'ready',
      },
    );
    const address = await own.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/api/logs/stream`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('data: ')) text += Buffer.from((await reader.read()).value ?? []).toString();
    expect(text).toContain(`"trace_id":"${TRACE_ID}"`);
    expect(text).not.toContain('"http"');
    await own.close();
    // The stream ended with the server instead of holding the close open.
    for (;;) if ((await reader.read()).done) break;
  });
});

describe('load routes', () => {
  it('give the scenarios, a started run with its progress, and its summary once stopped', async () => {
    const idle = (await app.inject({ url: '/api/load' })).json();
    expect(idle.scenarios).toContain('normal');
    expect(idle).toMatchObject({ current: null, recent: [] });
    const start = await app.inject({ method: 'POST', url: '/api/load', payload: { scenario: 'normal', vus: 2, duration: '6s' } });
    expect(start.statusCode).toBe(202);
    expect(start.json()).toMatchObject({
      id: 1,
      scenario: 'normal',
      state: 'running',
      progress: { plannedS: 6, line: 'starting' },
      summary: null,
      error: null,
    });
    expect(Date.parse(start.json().startedAt)).not.toBeNaN();
    const stopped = (await app.inject({ method: 'POST', url: '/api/load/stop', payload: {} })).json().stopped;
    expect(stopped).toMatchObject({ id: 1, state: 'finished', progress: null });
    expect(stopped.summary).toEqual({
      scenario: 'normal',
      load: '2 VUs for 6s',
      durationS: 1.5,
      interrupted: true,
      passed: false,
      requests: { total: 40, ratePerS: 26.7, failed: 2, failedRate: 0.05 },
      latency: { p50: 2.5, p95: 5, p99: 9, max: 12 },
      errorsByStatus: { '500': 2 },
      thresholds: [{ metric: 'http_req_failed', expression: 'rate<0.01', passed: false, actual: 0.05 }],
    });
    expect((await app.inject({ url: '/api/load' })).json().recent).toEqual([stopped]);
    expect((await app.inject({ method: 'POST', url: '/api/load/stop', payload: {} })).json()).toEqual({ stopped: null });
  });
});
