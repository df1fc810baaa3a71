import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { BUSINESS_SERVICES, SERVICE_PORTS, FEATURE_NAMES, type FeatureName } from '@archaics/contracts';
import { createTelemetryReaders, ScrapeMetricsReader, type MetricsSample, type ServiceSample } from '@archaics/telemetry-query';
import { LATENCY_BUCKETS } from '@archaics/server';
import { featureVector } from '@archaics/anomaly-detector';
import { call, inject, newUser, startTestStack, type TestStack } from './support/test-stack.ts';

// Debian's Prometheus against the local stack with the project's scrape config (the
// Kubernetes one, targets rewritten to 127.0.0.1), and the detector's features read
// through PROMETHEUS_URL against the same features read by direct scrape.
const PORT_OFFSET = 3000;
const PROMETHEUS_PORT = 19090;
const PROMETHEUS = `http://127.0.0.1:${PROMETHEUS_PORT}`;
const ROOT = join(import.meta.dirname, '..');
const PROMETHEUS_DIR = join(ROOT, 'infra/k8s/observability/prometheus');
/** The window both readers measure over: the scrape reader between its two samples, Prometheus as the rate() range. */
const WINDOW_S = 20;

let stack: TestStack;
let prometheus: ChildProcess | undefined;
let workDir: string;
let jwt: string;
let trafficRunning = false;
let traffic: Promise<void> = Promise.resolve();
let scrapeSample: MetricsSample;
let promSample: MetricsSample;

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => server.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
}

/** The project's Kubernetes scrape config, each job's discovery replaced by the local process of that service. */
function localScrapeConfig(): string {
  const config = parseYaml(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8'));
  config.global.scrape_interval = '1s';
  config.global.evaluation_interval = '1s';
  for (const job of config.scrape_configs as Array<Record<string, unknown> & { job_name: string }>) {
    const port = job.job_name === 'prometheus' ? PROMETHEUS_PORT : SERVICE_PORTS[job.job_name as keyof typeof SERVICE_PORTS] + PORT_OFFSET;
    if (!Number.isInteger(port)) throw new Error(`no port for scrape job ${job.job_name}`);
    delete job.dns_sd_configs;
    job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
  }
  return stringifyYaml(config);
}

async function promQuery(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query: expr })}`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as {
    status: string;
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (body.status !== 'success') throw new Error(`query ${expr}: ${JSON.stringify(body)}`);
  return body.data.result;
}

async function eventually<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${String(last)}` : last ? `: ${JSON.stringify(last)}` : ''}\n${prometheusLog()}`,
      );
    await sleep(250);
  }
}

function prometheusLog(): string {
  try {
    return `prometheus log (tail):\n${readFileSync(join(workDir, 'prometheus.log'), 'utf8').split('\n').slice(-20).join('\n')}`;
  } catch {
    return '';
  }
}

/** Steady, bounded traffic: products through product (→ auth, db), and empty-cart checkouts through payment (→ auth, db). */
async function runTraffic(): Promise<void> {
  const products = `${stack.url('product-service')}/products`;
  const checkout = `${stack.url('payment-service')}/create-checkout-session`;
  for (let i = 0; trafficRunning && i < 5000; i++) {
    await Promise.all([
      call(products, { token: jwt, timeoutMs: 5000 }).catch(() => undefined),
      i % 3 === 0 ? call(checkout, { method: 'POST', token: jwt, timeoutMs: 5000 }).catch(() => undefined) : undefined,
    ]);
    await sleep(80);
  }
}

async function stopPrometheus(): Promise<void> {
  const child = prometheus;
  prometheus = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'archaics-prometheus-'));
  if (!(await portIsFree(PROMETHEUS_PORT))) throw new Error(`port ${PROMETHEUS_PORT} (Prometheus of this test) is in use`);
  stack = await startTestStack({
    portOffset: PORT_OFFSET,
    only: ['telemetry', 'auth-service', 'db-service', 'product-service', 'payment-service'],
  });
  ({ jwt } = await newUser(stack));

  writeFileSync(join(workDir, 'prometheus.yml'), localScrapeConfig());
  copyFileSync(join(PROMETHEUS_DIR, 'alert-rules.yml'), join(workDir, 'alert-rules.yml'));
  const log = openSync(join(workDir, 'prometheus.log'), 'w');
  prometheus = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(workDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  // Should the test process end without afterAll (a crashed worker), take Prometheus along.
  process.once('exit', () => prometheus?.kill('SIGKILL'));
  await eventually('Prometheus ready', async () => (await fetch(`${PROMETHEUS}/-/ready`)).ok);
  await eventually('every business service up in Prometheus', async () => {
    const up = await promQuery('up == 1');
    return BUSINESS_SERVICES.every((s) => up.some((u) => u.metric.job === s));
  });

  // 30% of product's requests fail with an injected 500: the error ratio is not trivially 0.
  await inject(stack, 'product-service', 'type=error&probability=0.3');
  trafficRunning = true;
  traffic = runTraffic();
  await sleep(5000); // traffic steady before the window opens

  const scrape = new ScrapeMetricsReader({
    targets: BUSINESS_SERVICES.map((service) => ({ service, url: stack.url(service) })),
    timeoutMs: 2000,
  });
  const readers = createTelemetryReaders({
    PROMETHEUS_URL: PROMETHEUS,
    PROMETHEUS_TARGET_LABEL: 'job', // the scrape config names each job after its service
    PROMETHEUS_RATE_WINDOW: `${WINDOW_S}s`,
  });
  expect(readers.config.metrics.kind).toBe('prometheus');
  const first = await scrape.sample();
  expect(first.services.every((s) => s.up && s.windowSeconds === null)).toBe(true);
  await sleep(WINDOW_S * 1000);
  [scrapeSample, promSample] = [await scrape.sample(), await readers.metrics.sample()];
  trafficRunning = false;
  await traffic;
}, 180_000);

afterAll(async () => {
  trafficRunning = false;
  await traffic;
  await stopPrometheus();
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

/** Upper bound of the latency bucket a value falls in. */
const bucketOf = (seconds: number): number => LATENCY_BUCKETS.find((le) => seconds <= le) ?? Number.POSITIVE_INFINITY;
const bucketIndex = (seconds: number): number => {
  const i = LATENCY_BUCKETS.findIndex((le) => seconds <= le);
  return i === -1 ? LATENCY_BUCKETS.length : i;
};

/**
 * Tolerances, and why: both readers count the same requests, but not over exactly the same
 * window. The direct scrape measures between its own two scrapes; Prometheus's rate() uses
 * its 1 s scrapes inside the last WINDOW_S and extrapolates to the window's edges, so up to
 * ~1 s of traffic at either edge differs (~5% of a 20 s window: ±10% allowed). Error
 * ratios are shares of those same requests (±0.05 absolute). Quantiles come from the same
 * buckets, interpolated linearly inside the bucket of the 95th rank: a rank moved by the
 * edges may land in the neighbouring bucket, so they must agree to within one bucket. CPU
 * is read by prom-client at each scrape, so a different scrape instant sees a different
 * share of a short burst: ±50% or ±0.05 cores.
 */
function agrees(feature: FeatureName, a: number, b: number): boolean {
  const close = (abs: number, rel: number) => Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
  switch (feature) {
    case 'request_rate':
      return close(0, 0.1);
    case 'error_ratio':
    case 'upstream_error_ratio':
      return close(0.05, 0);
    case 'p95_latency_s':
    case 'upstream_p95_s':
      return Math.abs(bucketIndex(a) - bucketIndex(b)) <= 1;
    case 'cpu_cores':
      return close(0.05, 0.5);
    case 'cpu_per_request_ms':
      return close(0.5, 0.6);
    case 'down':
      return a === b;
  }
}

const sampleOf = (sample: MetricsSample, service: string): ServiceSample => sample.services.find((s) => s.service === service)!;

describe('Prometheus with the project scrape config', () => {
  it('loads the project alert rules, and the error-ratio alert goes pending for the faulted service', async () => {
    const res = await fetch(`${PROMETHEUS}/api/v1/rules`);
    const rules = (
      (await res.json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> } }
    ).data.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual([
      'ChaosFaultActive',
      'HighErrorRatio',
      'HighLatencyP95',
      'ServiceDown',
      'UpstreamErrors',
    ]);
    expect(rules.every((r) => r.health === 'ok')).toBe(true);
    const alerts = await eventually('HighErrorRatio and ChaosFaultActive alerts', async () => {
      const body = (await (await fetch(`${PROMETHEUS}/api/v1/alerts`)).json()) as {
        data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
      };
      const names = body.data.alerts.map((a) => `${a.labels.alertname} ${a.labels.service}`);
      return names.includes('HighErrorRatio product-service') && names.includes('ChaosFaultActive product-service') ? names : null;
    });
    expect(alerts).not.toContain('HighErrorRatio db-service');
  });

  it('sees the same services up as a direct scrape', () => {
    expect(promSample.source).toBe('prometheus');
    expect(scrapeSample.source).toBe('scrape');
    for (const service of BUSINESS_SERVICES) {
      expect(sampleOf(promSample, service).up, `${service} up via Prometheus`).toBe(true);
      expect(sampleOf(scrapeSample, service).up, `${service} up via scrape`).toBe(true);
    }
    expect(scrapeSample.services.map((s) => s.service)).toEqual(promSample.services.map((s) => s.service));
  });

  it('measures request rate, error ratio, p95 and dependency calls close to a direct scrape', () => {
    const product = { scrape: sampleOf(scrapeSample, 'product-service'), prom: sampleOf(promSample, 'product-service') };
    // The traffic really flowed and the fault really struck, in both readings.
    expect(product.scrape.requestRate).toBeGreaterThan(2);
    expect(product.scrape.errorRatio).toBeGreaterThan(0.1);
    expect(product.prom.errorRatio).toBeGreaterThan(0.1);
    expect(product.scrape.chaosFailureActive).toEqual(['error']);
    expect(product.prom.chaosFailureActive).toEqual(['error']);
    for (const service of BUSINESS_SERVICES) {
      const s = sampleOf(scrapeSample, service);
      const p = sampleOf(promSample, service);
      expect(s.requestRate, service).toBeGreaterThan(0);
      expect(agrees('request_rate', s.requestRate, p.requestRate), `${service} rate ${s.requestRate} vs ${p.requestRate}`).toBe(true);
      expect(agrees('error_ratio', s.errorRatio, p.errorRatio), `${service} errors ${s.errorRatio} vs ${p.errorRatio}`).toBe(true);
      expect(s.latency.p95, service).not.toBeNull();
      expect(
        agrees('p95_latency_s', s.latency.p95!, p.latency.p95!),
        `${service} p95 ${s.latency.p95} vs ${p.latency.p95} (buckets ≤${bucketOf(s.latency.p95!)}, ≤${bucketOf(p.latency.p95!)})`,
      ).toBe(true);
      expect(
        p.upstreams.map((u) => u.upstream),
        service,
      ).toEqual(s.upstreams.map((u) => u.upstream));
      for (const [i, u] of s.upstreams.entries()) {
        const v = p.upstreams[i]!;
        expect(agrees('request_rate', u.callRate, v.callRate), `${service}→${u.upstream} calls ${u.callRate} vs ${v.callRate}`).toBe(true);
      }
    }
    expect(sampleOf(scrapeSample, 'product-service').upstreams.map((u) => u.upstream)).toEqual(['auth-service', 'db-service']);
  });

  it("gives the detector the same feature vectors as a direct scrape (services/anomaly-detector's featureVector)", () => {
    const differences: string[] = [];
    for (const service of BUSINESS_SERVICES) {
      const fromScrape = featureVector(sampleOf(scrapeSample, service));
      const fromPrometheus = featureVector(sampleOf(promSample, service));
      expect(fromScrape, service).not.toBeNull();
      expect(fromPrometheus, service).not.toBeNull();
      for (const feature of FEATURE_NAMES) {
        const [a, b] = [fromScrape![feature], fromPrometheus![feature]];
        expect(Number.isFinite(a) && Number.isFinite(b), `${service} ${feature}`).toBe(true);
        if (!agrees(feature, a, b)) differences.push(`${service} ${feature}: scrape ${a} vs prometheus ${b}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
