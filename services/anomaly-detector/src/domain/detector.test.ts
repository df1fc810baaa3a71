import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downSample, type MetricsReader, type MetricsSample, type ServiceSample } from '@archaics/telemetry-query';
import { captureLogger } from '@archaics/server/testing';
import { BUSINESS_SERVICES, type AnomalyWebhook, type BusinessService } from '@archaics/contracts';
import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../clients/operator-webhook.ts';
import { ModelStore } from '../repositories/model-store.ts';
import { Detector, type DetectorSettings } from './detector.ts';

const settings: DetectorSettings = { baselineSamples: 10, threshold: 0.6, consecutive: 2, clearIntervals: 2, seed: 0 };

function healthy(service: BusinessService, i: number, overrides: Partial<ServiceSample> = {}): ServiceSample {
  const wobble = Math.sin(i * 1.7) * 0.5 + 0.5;
  return {
    ...downSample(service, ''),
    up: true,
    windowSeconds: 2,
    requestRate: 40 + 4 * wobble,
    errorRatio: 0,
    latency: { p50: 0.005, p95: 0.02 + 0.004 * wobble, p99: 0.05 },
    cpuCores: 0.1 + 0.01 * wobble,
    upstreams: service === 'product-service' ? [{ upstream: 'db-service', callRate: 40, errorRatio: 0, p95Seconds: 0.01 }] : [],
    ...overrides,
  };
}

/** A reader that replays what the test says each service looks like now. */
class ScriptedReader implements MetricsReader {
  i = 0;
  overrides: Partial<Record<BusinessService, Partial<ServiceSample> | 'down'>> = {};
  failNext = false;
  async sample(): Promise<MetricsSample> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('prometheus answered 503');
    }
    this.i++;
    const services = BUSINESS_SERVICES.map((service) => {
      const o = this.overrides[service];
      return o === 'down' ? downSample(service, 'ECONNREFUSED') : healthy(service, this.i, o);
    });
    return { timestamp: this.i * 2000, source: 'scrape', services };
  }
}

function setup(home = mkdtempSync(join(tmpdir(), 'archaics-detector-'))) {
  const reader = new ScriptedReader();
  const sent: AnomalyWebhook[] = [];
  const store = new ModelStore(join(home, 'models', 'anomaly-detector.json'));
  let clock = Date.UTC(2026, 10, 28, 10, 0, 0);
  const log = captureLogger('anomaly-detector');
  const detector = new Detector(settings, {
    reader,
    store,
    logger: log.logger,
    now: () => new Date((clock += 2000)),
    webhook: {
      send(payload): DeliveryState {
        sent.push(payload);
        return { status: 'delivered', attempts: 1, incident_id: `inc-${sent.length}`, last_error: null, delivered_at: null };
      },
    },
  });
  const ticks = async (n: number) => {
    for (let k = 0; k < n; k++) await detector.tick();
  };
  return { home, reader, sent, store, detector, ticks, log };
}

describe(Detector.name, () => {
  it('learns from clean intervals only, then scores, and sends one webhook per episode', async () => {
    const { reader, sent, detector, ticks } = setup();
    reader.overrides = { 'db-service': { chaosFailureActive: ['error'] } };
    await ticks(3); // a fault is injected: not baseline material
    expect(detector.baselineProgress).toBe(0);
    reader.overrides = { 'auth-service': { windowSeconds: null } };
    await ticks(2); // a service without a window: not clean either
    expect(detector.baselineProgress).toBe(0);
    reader.overrides = {};
    await ticks(10);
    expect(detector.isTrained).toBe(true);

    await ticks(5);
    expect(sent).toHaveLength(0);
    expect(Math.max(...Object.values(detector.lastScores()))).toBeLessThan(settings.threshold);

    reader.overrides = {
      'db-service': { errorRatio: 1 },
      'product-service': { errorRatio: 1, upstreams: [{ upstream: 'db-service', callRate: 40, errorRatio: 1, p95Seconds: 0.01 }] },
    };
    await ticks(1);
    expect(sent).toHaveLength(0); // one interval is not CONSECUTIVE = 2
    await ticks(6);
    expect(sent).toHaveLength(1);
    const [webhook] = sent;
    expect(webhook!.anomalous_services.sort()).toEqual(['db-service', 'product-service']);
    const db = webhook!.scores.find((s) => s.service === 'db-service')!;
    expect(db.anomalous).toBe(true);
    expect(db.drivers[0]).toMatchObject({ feature: 'error_ratio', value: 1 });
    expect(db.features.error_ratio).toBe(1);
    expect(new Date(webhook!.window.start).getTime()).toBeLessThan(new Date(webhook!.window.end).getTime());
    expect(detector.openAnomaly?.id).toBe(webhook!.anomaly_id);

    reader.overrides = {};
    await ticks(3);
    expect(detector.openAnomaly).toBeNull();
    expect(detector.anomalies(10)[0]!.closed_at).not.toBeNull();

    reader.overrides = { 'auth-service': 'down' };
    await ticks(1);
    expect(sent).toHaveLength(1); // one failed scrape is not enough
    await ticks(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.anomalous_services).toEqual(['auth-service']);
    expect(sent[1]!.scores.find((s) => s.service === 'auth-service')!.drivers[0]!.feature).toBe('down');
  });

  it('opens an anomaly in the interval a process restarted (a crash shorter than a scrape interval)', async () => {
    const { reader, sent, ticks } = setup();
    await ticks(12);
    reader.overrides = { 'product-service': { restarted: true } };
    await ticks(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.anomalous_services).toEqual(['product-service']);
    expect(sent[0]!.scores.find((s) => s.service === 'product-service')!.drivers[0]).toMatchObject({ feature: 'down', value: 1 });
  });

  it('does not call more traffic with healthy latency and errors an anomaly', async () => {
    const { reader, sent, ticks } = setup();
    await ticks(10);
    reader.overrides = Object.fromEntries(
      BUSINESS_SERVICES.map((s) => [s, { requestRate: 400, cpuCores: 1.0, latency: { p50: 0.01, p95: 0.09, p99: 0.2 } }]),
    );
    await ticks(10);
    expect(sent).toHaveLength(0);
  });

  it('keeps the model across a restart and learns again after a baseline reset', async () => {
    const first = setup();
    await first.ticks(10);
    expect(first.detector.isTrained).toBe(true);
    const again = setup(first.home);
    expect(again.detector.isTrained).toBe(true);
    again.reader.i = 3;
    first.reader.i = 3;
    await again.ticks(1);
    await first.ticks(1);
    expect(again.detector.lastScores()).toEqual(first.detector.lastScores());

    again.detector.resetBaseline();
    expect(again.detector.isTrained).toBe(false);
    expect(setup(first.home).detector.isTrained).toBe(false);
  });

  it('keeps going when the metrics backend fails, and when a counter reset leaves no window', async () => {
    const { reader, sent, detector, ticks, log } = setup();
    await ticks(10);
    reader.failNext = true;
    await ticks(1);
    expect(detector.status().last_error).toMatch(/503/);
    expect(log.find((r) => String(r.message).includes('metrics could not be read'))).toBeDefined();
    reader.overrides = { 'product-service': { windowSeconds: null, requestRate: 0, cpuCores: null } };
    await ticks(3);
    expect(sent).toHaveLength(0);
    expect(detector.status().last_error).toBeNull();
  });

  it('ignores a damaged model file and learns again', async () => {
    const { home, store } = setup();
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'models'), { recursive: true });
    writeFileSync(store.path, '{"model":"isolation-forest","version":1,"services":[{"service":"db-service"}]}');
    const { detector, log } = setup(home);
    expect(detector.isTrained).toBe(false);
    expect(log.find((r) => String(r.message).includes('saved model ignored'))).toBeDefined();
  });
});
