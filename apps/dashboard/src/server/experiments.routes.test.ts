import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { LogReader, MetricsReader, TelemetryReaders, TraceReader } from '@archaics/telemetry-query';
import { parseExperiment, saveJournal, type Journal } from '@archaics/experiments';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const TOKEN = 'chaos-token-that-must-stay-on-the-server';
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

let home: string;
let app: FastifyInstance;

const experiment = parseExperiment(
  `name: listed\ntitle: Listed run\nbudget: 10s\nhypothesis:\n  probes:\n    - { name: up, type: metric, service: db, metric: up, min: 1 }\nmethod:\n  duration: 5s\n  steps:\n    - at: 1s\n      inject: { service: db, type: error }\n`,
  'listed.yaml',
);

function journal(runId: string, startedAt: string): Journal {
  return {
    version: 1,
    run_id: runId,
    experiment,
    started_at: startedAt,
    ended_at: new Date(Date.parse(startedAt) + 20_000).toISOString(),
    status: 'healed',
    exit_code: 0,
    reason: 'held again within the budget',
    targets: {},
    hypothesis: { before: null, during: { evaluations: 0, held: 0, first_breach: null }, after: null, recovered_at: null },
    events: [
      { at: new Date(Date.parse(startedAt) + 1000).toISOString(), kind: 'inject', detail: 'db-service error', service: 'db-service' },
    ],
    samples: [],
    rollbacks: [{ at: startedAt, action: 'reset db-service', ok: true, detail: 'cleared error' }],
    final: { clear: true, detail: [] },
    aiops: { detector: false, operator: false, anomalies: [], incidents: [] },
    score: null,
    load: null,
  };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'archaics-dashboard-exp-'));
  saveJournal(home, journal('20260101T000000Z-listed-aaaa', '2026-01-01T00:00:00.000Z'));
  saveJournal(home, journal('20260102T000000Z-listed-bbbb', '2026-01-02T00:00:00.000Z'));
  const env = {
    ARCHAICS_HOME: home,
    CHAOS_TOKEN: TOKEN,
    LOG_LEVEL: 'error',
    ANOMALY_DETECTOR_URL: 'http://127.0.0.1:9',
    AI_OPERATOR_URL: 'http://127.0.0.1:9',
  };
  app = (await buildApp(loadConfig(env), { telemetry, distDir: home, uiState: () => 'ready' })).app;
});

afterAll(async () => {
  await app?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('experiment routes', () => {
  it('lists the journals of the state folder, newest first, without the chaos token', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/experiments' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ runs: Array<{ run_id: string; status: string; name: string }> }>();
    expect(body.runs.map((r) => r.run_id)).toEqual(['20260102T000000Z-listed-bbbb', '20260101T000000Z-listed-aaaa']);
    expect(body.runs[0]).toMatchObject({ name: 'listed', status: 'healed' });
    expect(res.body).not.toContain(TOKEN);
  });

  it("serves a run's report as a locked-down HTML page, and its journal", async () => {
    const report = await app.inject({ method: 'GET', url: '/api/experiments/20260101T000000Z-listed-aaaa/report' });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/html');
    expect(report.headers['content-security-policy']).toContain("default-src 'none'");
    expect(report.body).toContain('<svg');
    const journalRes = await app.inject({ method: 'GET', url: '/api/experiments/20260101T000000Z-listed-aaaa/journal' });
    expect(journalRes.json<Journal>().run_id).toBe('20260101T000000Z-listed-aaaa');
  });

  it('answers 404 for an unknown run and 400 for a run id that is not one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/experiments/20990101T000000Z-none/report' })).statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/api/experiments/..%2F..%2Fetc/report' });
    expect(bad.statusCode).toBe(400);
  });
});
