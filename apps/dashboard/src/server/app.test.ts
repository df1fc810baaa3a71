import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { FakeUpstream, unreachableUrl } from '@archaics/server/testing';
import type { LogReader, MetricsReader, TelemetryReaders, TraceReader } from '@archaics/telemetry-query';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const TOKEN = 'chaos-token-that-must-stay-on-the-server';
const PAIR = 'pairing-token-0123456789';

// Telemetry fakes: the routes under test here do not read telemetry.
const telemetry = {
  metrics: { sample: async () => ({ timestamp: Date.now(), source: 'scrape', services: [] }) } satisfies MetricsReader,
  traces: {
    services: async () => [],
    operations: async () => [],
    getTrace: async () => null,
    findTraces: async () => [],
  } satisfies TraceReader,
  logs: { query: async () => [], tail: async () => undefined } satisfies LogReader,
  config: {} as TelemetryReaders['config'],
} as TelemetryReaders;

let db: FakeUpstream;
let home: string;
let dist: string;
let app: FastifyInstance;
let paired: FastifyInstance;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'archaics-dashboard-'));
  dist = mkdtempSync(join(tmpdir(), 'archaics-dashboard-dist-'));
  db = await FakeUpstream.start((request) =>
    request.path.startsWith('/inject-failure?type=leak')
      ? { status: 400, body: { error: 'bad_request', detail: 'leak refused: the process is at its cap' } }
      : request.path.startsWith('/inject-failure')
        ? { status: 200, body: { status: 'injected', service: 'db-service', failure: { type: 'timeout' } } }
        : { status: 200, body: { status: 'reset', service: 'db-service', cleared: 'timeout' } },
  );
  const nowhere = await unreachableUrl();
  const env = {
    ARCHAICS_HOME: home,
    CHAOS_TOKEN: TOKEN,
    DB_SERVICE_URL: db.url,
    AUTH_SERVICE_URL: nowhere,
    ANOMALY_DETECTOR_URL: nowhere,
    AI_OPERATOR_URL: nowhere,
    LOG_LEVEL: 'error',
  };
  app = (await buildApp(loadConfig(env), { telemetry, distDir: dist, uiState: () => 'ready' })).app;
  paired = (
    await buildApp(loadConfig({ ...env, DASHBOARD_PAIRING_TOKEN: PAIR }, 'control'), { telemetry, distDir: dist, uiState: () => 'ready' })
  ).app;
});

afterAll(async () => {
  await app?.close();
  await paired?.close();
  await db?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('chaos relay', () => {
  it('injects with the chaos token on the server side and answers without it', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chaos/inject', payload: { service: 'db', type: 'timeout', duration: 30 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'db-service', ok: true, body: { status: 'injected' } });
    expect(res.body).not.toContain(TOKEN);
    const seen = db.requests.filter((r) => r.path.startsWith('/inject-failure')).at(-1)!;
    expect(seen.path).toBe('/inject-failure?type=timeout&duration=30');
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('relays the parameters of SPEC 2.1 checked, the target by its full name', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/chaos/inject',
      payload: { service: 'db', type: 'latency', ms: 300, jitter: 0.5, route: '/cart/add', duration: 30 },
    });
    expect(res.statusCode).toBe(200);
    const seen = db.requests.filter((r) => r.path.startsWith('/inject-failure')).at(-1)!;
    expect(seen.path).toBe('/inject-failure?type=latency&duration=30&ms=300&jitter=0.5&route=%2Fcart%2Fadd');
  });

  it('refuses a bad fault with a 400 naming the parameter, before calling the service', async () => {
    const before = db.requests.length;
    const cases = [
      [{ service: 'db', type: 'nope' }, /^type must be one of/],
      [{ service: 'db', type: 'latency', ms: 0 }, /^ms must be an integer 1\.\.30000/],
      [{ service: 'db', type: 'error', status: 418 }, /^status must be one of 500, 502, 503, 429/],
      [{ service: 'db', type: 'error', route: '/nope' }, /^route "\/nope" is not a route of db-service/],
      [{ service: 'product', type: 'partition' }, /^target is required for partition/],
    ] as const;
    for (const [payload, detail] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/chaos/inject', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request', detail: expect.stringMatching(detail) });
    }
    expect(db.requests.length).toBe(before);
  });

  it("passes the service's own 400 on as a 400 with its detail", async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chaos/inject', payload: { service: 'db-service', type: 'leak' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'bad_request',
      detail: 'leak refused: the process is at its cap',
      service: 'db-service',
      upstream_status: 400,
    });
  });

  it('resets one scope by its label, or every fault; an unknown label is a 400', async () => {
    const lastReset = (): string => db.requests.filter((r) => r.path.startsWith('/reset')).at(-1)!.path;
    const one = await app.inject({ method: 'POST', url: '/api/chaos/reset', payload: { service: 'db', scope: 'route:/cart/add' } });
    expect(one.statusCode).toBe(200);
    expect(lastReset()).toBe('/reset?scope=route%3A%2Fcart%2Fadd');
    const all = await app.inject({ method: 'POST', url: '/api/chaos/reset', payload: { service: 'db' } });
    expect(all.statusCode).toBe(200);
    expect(lastReset()).toBe('/reset');
    const bad = await app.inject({ method: 'POST', url: '/api/chaos/reset', payload: { service: 'db', scope: 'edge:auth-service' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/^scope "edge:auth-service" is not a scope of db-service/);
  });

  it('serves the fault catalog the forms are built from', async () => {
    const res = await app.inject({ url: '/api/chaos/catalog' });
    expect(res.statusCode).toBe(200);
    const product = res.json().services.find((s: { service: string }) => s.service === 'product-service');
    expect(product).toMatchObject({ routes: ['/cart', '/cart/add', '/cart/clear', '/products'], targets: ['auth-service', 'db-service'] });
    expect(product.types).toContain('partition');
    expect(res.json().limits.ms).toEqual({ min: 1, max: 30000, perIntensity: 100 });
    expect(res.json().errorStatuses).toEqual([500, 502, 503, 429]);
  });

  it('refuses an unknown service and unknown fields with a 400', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/chaos/inject', payload: { service: 'mail', type: 'error' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('service must be one of');
    const extra = await app.inject({ method: 'POST', url: '/api/chaos/inject', payload: { service: 'db', type: 'error', token: 'x' } });
    expect(extra.statusCode).toBe(400);
  });

  it('answers 502 naming a service that cannot be reached', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chaos/reset', payload: { service: 'auth' } });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'service_unreachable', service: 'auth-service', upstream_status: 0 });
  });

  it('refuses a POST from another origin', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/chaos/halt',
      headers: { origin: 'http://evil.example', host: 'localhost:7000' },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('AI-Ops when the detector and operator are not running', () => {
  it('says so instead of failing', async () => {
    const res = await app.inject({ url: '/api/aiops' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      detector: { running: false, health: null, threshold: null, latest: [], open: null, anomalies: null },
      operator: { running: false, health: null, incidents: null },
    });
    expect(res.json().detector.error).toMatch(/^not running/);
    expect(res.json().operator.error).toMatch(/^not running/);
    const approve = await app.inject({ method: 'POST', url: '/api/aiops/incidents/inc-1/approve' });
    expect(approve.statusCode).toBe(502);
    expect(approve.json()).toMatchObject({ error: 'operator_not_running', detail: expect.stringContaining('not running') });
    const incident = await app.inject({ url: '/api/aiops/incidents/inc-1' });
    expect(incident.statusCode).toBe(502);
    expect(incident.json().error).toBe('operator_not_running');
    expect((await app.inject({ url: '/api/aiops/incidents/bad%20id' })).statusCode).toBe(400);
  });
});

describe('AI-Ops when the detector and operator run', () => {
  it('shows their health, anomalies and incidents, and approves with the chaos token', async () => {
    const dbScore = {
      service: 'db-service',
      score: 0.74,
      anomalous: true,
      features: { error_ratio: 0.9 },
      drivers: [
        { feature: 'error_ratio', value: 0.9, baseline_mean: 0, baseline_std: 0.02, z: 45 },
        { feature: 'p95_latency_s', value: 0.01, baseline_mean: 0.002, baseline_std: 0.25, z: 0.03 },
        { feature: 'cpu_cores', value: 0.1, baseline_mean: 0.1, baseline_std: 0.1, z: 0 },
      ],
    };
    const anomaly = {
      id: 'anomaly-1',
      opened_at: '2026-11-28T09:14:02.118Z',
      first_anomalous_at: '2026-11-28T09:14:00.104Z',
      closed_at: null,
      services: ['db-service'],
      peak_scores: { 'db-service': 0.74 },
      scores: [dbScore, { ...dbScore, service: 'auth-service', anomalous: false, score: 0.45 }],
      webhook: { status: 'delivered', attempts: 1, incident_id: 'inc-1', last_error: null, delivered_at: '2026-11-28T09:14:02.200Z' },
    };
    const detector = await FakeUpstream.start((request) =>
      request.path === '/health'
        ? {
            status: 200,
            body: {
              status: 'ok',
              service: 'anomaly-detector',
              model: 'isolation-forest',
              trained: false,
              baseline_samples: 12,
              baseline_required: 30,
              last_scores: {},
            },
          }
        : request.path.startsWith('/scores')
          ? {
              status: 200,
              body: {
                trained: true,
                threshold: 0.6,
                latest: [dbScore],
                history: [
                  { at: '2026-11-28T09:14:00.000Z', scores: { 'db-service': 0.45 } },
                  { at: '2026-11-28T09:14:02.000Z', scores: { 'db-service': 0.74 } },
                ],
              },
            }
          : { status: 200, body: { open: anomaly, anomalies: [anomaly] } },
    );
    const operator = await FakeUpstream.start((request) =>
      request.path === '/health'
        ? { status: 200, body: { status: 'ok', mode: 'approve', llm: { provider: 'none', model: null, configured: false } } }
        : request.path === '/incidents'
          ? {
              status: 200,
              body: [
                {
                  id: 'inc-1',
                  status: 'awaiting_approval',
                  opened_at: '2026-11-28T09:14:02.300Z',
                  anomaly: { source: 'anomaly-detector', anomaly_id: 'anomaly-1' },
                  root_cause: 'db-service',
                  resolved_at: null,
                  verified: false,
                  actions: [
                    {
                      action: { action: 'reset_failure', service: 'db-service' },
                      status: 'awaiting_approval',
                      at: '2026-11-28T09:14:05.000Z',
                    },
                  ],
                },
                { status: 'no id: left out' },
              ],
            }
          : { status: 202, body: { id: 'inc-1', status: 'acting' } },
    );
    const env = {
      ARCHAICS_HOME: home,
      CHAOS_TOKEN: TOKEN,
      ANOMALY_DETECTOR_URL: detector.url,
      AI_OPERATOR_URL: operator.url,
      LOG_LEVEL: 'error',
    };
    const { app: withAiops } = await buildApp(loadConfig(env), { telemetry, distDir: dist, uiState: () => 'ready' });
    try {
      const res = await withAiops.inject({ url: '/api/aiops' });
      const body = res.json();
      expect(body).toMatchObject({
        detector: {
          running: true,
          error: null,
          health: { baseline_samples: 12, baseline_required: 30 },
          threshold: 0.6,
          latest: [{ service: 'db-service', score: 0.74 }],
        },
        operator: { running: true, health: { mode: 'approve' } },
      });
      // The detector's own history, in ms for the chart.
      expect(body.detector.scores).toEqual([
        { t: Date.parse('2026-11-28T09:14:00.000Z'), scores: { 'db-service': 0.45 } },
        { t: Date.parse('2026-11-28T09:14:02.000Z'), scores: { 'db-service': 0.74 } },
      ]);
      // Anomalies slimmed: the anomalous services' top two drivers, not every score vector.
      const view = {
        id: 'anomaly-1',
        opened_at: '2026-11-28T09:14:02.118Z',
        closed_at: null,
        services: ['db-service'],
        peak_scores: { 'db-service': 0.74 },
        drivers: [
          { service: 'db-service', feature: 'error_ratio', value: 0.9, baseline_mean: 0, z: 45 },
          { service: 'db-service', feature: 'p95_latency_s', value: 0.01, baseline_mean: 0.002, z: 0.03 },
        ],
        webhook: { status: 'delivered', attempts: 1, incident_id: 'inc-1', last_error: null },
      };
      expect(body.detector.open).toEqual(view);
      expect(body.detector.anomalies).toEqual([view]);
      expect(body.operator.incidents).toEqual([
        {
          id: 'inc-1',
          status: 'awaiting_approval',
          opened_at: '2026-11-28T09:14:02.300Z',
          root_cause: 'db-service',
          resolved_at: null,
          verified: false,
          trigger: 'anomaly anomaly-1',
          actions: ['reset_failure db-service: awaiting_approval'],
        },
      ]);
      const approve = await withAiops.inject({ method: 'POST', url: '/api/aiops/incidents/inc-1/approve' });
      expect(approve.statusCode).toBe(202);
      expect(approve.body).not.toContain(TOKEN);
      const seen = operator.requests.find((r) => r.path === '/incidents/inc-1/approve')!;
      expect(seen.method).toBe('POST');
      expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await withAiops.close();
      await detector.stop();
      await operator.stop();
    }
  });
});

describe('load runs', () => {
  it('rejects an unknown scenario and out-of-bounds overrides', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/load', payload: { scenario: 'nope' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain('known: ');
    expect((await app.inject({ method: 'POST', url: '/api/load', payload: { scenario: 'normal', vus: 1000 } })).statusCode).toBe(400);
    expect(
      (await app.inject({ method: 'POST', url: '/api/load', payload: { scenario: 'normal', duration: 'forever' } })).json().detail,
    ).toContain('duration');
    expect((await app.inject({ method: 'POST', url: '/api/load', payload: { scenario: 'stress', duration: '1h' } })).statusCode).toBe(400);
  });
});

describe('traces and logs', () => {
  it('rejects a malformed trace id with a 400 and names the parameter', async () => {
    const res = await app.inject({ url: '/api/traces/not-a-trace' });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('id');
    expect((await app.inject({ url: '/api/logs?level=LOUD' })).statusCode).toBe(400);
  });
});

describe('pairing (the control page)', () => {
  it('answers 401 without the token, except /health', async () => {
    for (const url of ['/', '/control', '/api/overview', '/assets/x.js', '/docs/json'])
      expect((await paired.inject({ url })).statusCode, url).toBe(401);
    expect((await paired.inject({ method: 'POST', url: '/api/chaos/halt', payload: {} })).statusCode).toBe(401);
    expect((await paired.inject({ url: '/control?pair=wrong' })).statusCode).toBe(401);
    expect((await paired.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('takes the token once from the query, sets a cookie and drops the token from the address', async () => {
    const first = await paired.inject({ url: `/control?pair=${PAIR}` });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/control');
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const next = await paired.inject({ url: '/api/overview', headers: { cookie } });
    expect(next.statusCode).toBe(200);
    expect(next.body).not.toContain(TOKEN);
  });
});
