import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ScrapeMetricsReader } from '@archaics/telemetry-query';
import { captureLogger, FakeUpstream } from '@archaics/server/testing';
import { BUSINESS_SERVICES } from '@archaics/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type DetectorApp } from './app.ts';
import { loadConfig } from './config.ts';

let app: DetectorApp | undefined;
const fakes: FakeUpstream[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const fake of fakes.splice(0)) await fake.stop();
});

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function start(metricsBody: () => string, env: Record<string, string> = {}) {
  const fake = await FakeUpstream.start(() => ({ status: 200 }));
  fakes.push(fake);
  // Every business service's /metrics is this one page (what the test says it is).
  const metrics = await import('node:http').then(({ createServer }) => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(metricsBody());
    });
    return new Promise<{ url: string; stop: () => Promise<void> }>((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({ url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) });
      }),
    );
  });
  fakes.push({ stop: metrics.stop } as unknown as FakeUpstream);
  const home = mkdtempSync(join(tmpdir(), 'archaics-detector-app-'));
  const config = loadConfig({
    ARCHAICS_HOME: home,
    CHAOS_TOKEN: 'tok',
    SCRAPE_INTERVAL_S: '0.2',
    BASELINE_SAMPLES: '5',
    AI_OPERATOR_URL: fake.url,
    PORT: '0',
    ...env,
  });
  const log = captureLogger('anomaly-detector');
  app = await buildApp(config, {
    logger: log.logger,
    reader: new ScrapeMetricsReader({ targets: BUSINESS_SERVICES.map((service) => ({ service, url: metrics.url })), timeoutMs: 500 }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, log, operator: fake };
}

const page = (requests: number, cpu: number) =>
  [
    '# TYPE http_requests_total counter',
    `http_requests_total{service="x",method="GET",route="/products",status="200"} ${requests}`,
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${cpu}`,
    '# TYPE process_start_time_seconds gauge',
    'process_start_time_seconds 1000',
  ].join('\n') + '\n';

describe(buildApp.name, () => {
  it('answers /health as SPEC §4 says, learns, then scores', async () => {
    let n = 0;
    const { app } = await start(() => page((n += 10), n / 1000));
    const first = (await app.inject({ url: '/health' })).json();
    expect(first).toMatchObject({
      status: 'ok',
      service: 'anomaly-detector',
      model: 'isolation-forest',
      trained: false,
      baseline_required: 5,
    });
    expect(first.baseline_samples).toBeGreaterThanOrEqual(0);
    expect(first.last_scores).toEqual({});
    await until(async () => (await app.inject({ url: '/health' })).json().trained === true);
    await until(async () => Object.keys((await app.inject({ url: '/health' })).json().last_scores).length === 4);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/anomaly_score\{service="db-service"\} 0\.\d+/);
    expect(metrics).toContain('anomaly_model_trained 1');
    const scores = (await app.inject({ url: '/scores?limit=5' })).json();
    expect(scores.latest).toHaveLength(4);
    expect(scores.history.length).toBeGreaterThan(0);
    expect((await app.inject({ url: '/anomalies' })).json()).toEqual({ open: null, anomalies: [] });
  });

  it('names a bad limit in a 400', async () => {
    const { app } = await start(() => page(1, 0));
    for (const url of ['/anomalies?limit=0', '/anomalies?limit=201', '/anomalies?limit=abc', '/scores?limit=-1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().detail).toMatch(/limit/);
    }
  });

  it('resets the baseline only with the chaos token', async () => {
    let n = 0;
    const { app } = await start(() => page((n += 10), n / 1000));
    await until(async () => (await app.inject({ url: '/health' })).json().trained === true);
    expect((await app.inject({ method: 'POST', url: '/baseline/reset' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/baseline/reset', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(403);
    const reset = await app.inject({ method: 'POST', url: '/baseline/reset', headers: { authorization: 'Bearer tok' } });
    expect(reset.statusCode).toBe(202);
    expect(reset.json()).toEqual({ status: 'learning', baseline_required: 5 });
    expect((await app.inject({ url: '/health' })).json().trained).toBe(false);
  });

  it('survives malformed /metrics pages: the services count as down, the loop goes on', async () => {
    const pages = ['<html>oops</html>', 'http_requests_total{ 12', '\u0000\u0001\u0002', 'x'.repeat(100_000), '# TYPE a counter\na NaN\n'];
    let n = 0;
    const { app, log } = await start(() => pages[n++ % pages.length]!);
    await until(() => n >= 10);
    const health = (await app.inject({ url: '/health' })).json();
    expect(health.status).toBe('ok');
    expect(health.last_sample_at).not.toBeNull();
    expect(log.records().some((r) => r.level === 'ERROR' && String(r.message).includes('uncaught'))).toBe(false);
  });
});
