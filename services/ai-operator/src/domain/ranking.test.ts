import { describe, expect, it } from 'vitest';
import type { BusinessService } from '@archaics/contracts';
import { metricsSample } from '../../test/support/samples.ts';
import { summarise, type Evidence, type HealthProbe, type LogEvidence } from './evidence.ts';
import { rankCauses } from './ranking.ts';

const healthy: Record<BusinessService, HealthProbe> = {
  'auth-service': { reachable: true, uptimeS: 300 },
  'db-service': { reachable: true, uptimeS: 300 },
  'product-service': { reachable: true, uptimeS: 300 },
  'payment-service': { reachable: true, uptimeS: 300 },
};

function evidence(
  sample: Parameters<typeof metricsSample>[0],
  options: { health?: Partial<Record<BusinessService, HealthProbe>>; logs?: LogEvidence[] } = {},
): Evidence {
  const samples = [metricsSample(sample), metricsSample(sample), metricsSample(sample)];
  const baseline = { p95Seconds: 0.01, cpuCores: 0.05, errorRatio: 0 };
  return {
    views: summarise(samples, { ...healthy, ...options.health }),
    baseline: { 'auth-service': baseline, 'db-service': baseline, 'product-service': baseline, 'payment-service': baseline },
    logs: options.logs ?? [],
    traces: [],
  };
}

const badDataLine = (service: BusinessService): LogEvidence => ({
  service,
  level: 'WARN',
  message: 'db-service bad data: dropped 2 of 5 products (p2: price is negative)',
  timestamp: new Date().toISOString(),
  upstream: { name: 'db-service', outcome: 'bad_data' },
});

const callersOf = (dep: string, edge: { errorRatio: number; p95Seconds?: number | null }, callerErrors: number, callerP95 = 0.02) => ({
  'product-service': { errorRatio: callerErrors, p95: callerP95, upstreams: [{ upstream: dep, ...edge }] },
  'payment-service': { errorRatio: callerErrors, p95: callerP95, upstreams: [{ upstream: dep, ...edge }] },
});

describe(rankCauses.name, () => {
  it('puts db first on a db timeout: its callers time out on it and are victims', () => {
    const ranking = rankCauses(
      evidence({ 'db-service': { p95: 2.0 }, ...callersOf('db-service', { errorRatio: 1, p95Seconds: 1.0 }, 0.9, 1.0) }),
    );
    expect(ranking[0]!.service).toBe('db-service');
    expect(ranking[0]!.evidence.join('\n')).toMatch(/p95 latency 2\.00s/);
    expect(ranking[0]!.evidence.join('\n')).toMatch(/product-service → db-service: 100% of calls failed/);
    const product = ranking.find((r) => r.service === 'product-service')!;
    expect(product.evidence.join('\n')).toMatch(/explained by failing calls to db-service \(victim\)/);
    expect(product.score).toBeLessThan(ranking[0]!.score);
  });

  it('puts db first on a db error', () => {
    const ranking = rankCauses(evidence({ 'db-service': { errorRatio: 1 }, ...callersOf('db-service', { errorRatio: 1 }, 1) }));
    expect(ranking[0]!.service).toBe('db-service');
  });

  it('puts db first on bad data, which only the callers see (db answers 200)', () => {
    const logs = [...Array(6)].map(() => badDataLine('product-service'));
    const ranking = rankCauses(evidence({}, { logs }));
    expect(ranking[0]!.service).toBe('db-service');
    expect(ranking[0]!.score).toBeGreaterThan(0);
    expect(ranking[0]!.evidence.join('\n')).toMatch(/product-service logged calls to db-service: bad_data ×6/);
  });

  it('puts auth first on an auth error or timeout', () => {
    const error = rankCauses(evidence({ 'auth-service': { errorRatio: 1 }, ...callersOf('auth-service', { errorRatio: 1 }, 1) }));
    expect(error[0]!.service).toBe('auth-service');
    // A timeout where only the callers' calls show it (auth's own requests have not finished yet).
    const timeout = rankCauses(
      evidence({ 'auth-service': { p95: null, requestRate: 0 }, ...callersOf('auth-service', { errorRatio: 1, p95Seconds: 1.0 }, 1, 1.0) }),
    );
    expect(timeout[0]!.service).toBe('auth-service');
  });

  it('puts product first when its CPU and latency rise and its calls are fine', () => {
    const ranking = rankCauses(evidence({ 'product-service': { cpuCores: 1.4, p95: 0.6 } }));
    expect(ranking[0]!.service).toBe('product-service');
    expect(ranking[0]!.evidence.join('\n')).toMatch(/CPU 1\.40 cores/);
  });

  it('does not blame a dependency for slow calls only a CPU-starved caller sees', () => {
    const ranking = rankCauses(
      evidence({ 'product-service': { cpuCores: 1.6, p95: 1.2, upstreams: [{ upstream: 'db-service', errorRatio: 0, p95Seconds: 0.9 }] } }),
    );
    expect(ranking[0]!.service).toBe('product-service');
    expect(ranking.find((r) => r.service === 'db-service')!.score).toBe(0);
  });

  it('puts payment first on a payment error', () => {
    const ranking = rankCauses(evidence({ 'payment-service': { errorRatio: 1 } }));
    expect(ranking[0]!.service).toBe('payment-service');
    expect(ranking[1]!.score).toBe(0);
  });

  it('puts product first after a crash: down while sampled, or just restarted', () => {
    const down = rankCauses(
      evidence(
        { 'product-service': { up: false } },
        { health: { 'product-service': { reachable: false, uptimeS: null, error: 'ECONNREFUSED' } } },
      ),
    );
    expect(down[0]!.service).toBe('product-service');
    expect(down[0]!.evidence.join('\n')).toMatch(/down/);
    const restarted = rankCauses(evidence({}, { health: { 'product-service': { reachable: true, uptimeS: 2.5 } } }));
    expect(restarted[0]!.service).toBe('product-service');
    expect(restarted[0]!.evidence.join('\n')).toMatch(/restarted 2\.5s ago/);
  });

  it('does not let an earlier restart of a victim outrank the failing dependency', () => {
    const sample = { 'db-service': { p95: null, requestRate: 0 }, ...callersOf('db-service', { errorRatio: 1, p95Seconds: 0.001 }, 1) };
    const ranking = rankCauses(evidence(sample, { health: { 'product-service': { reachable: true, uptimeS: 11.6 } } }));
    expect(ranking[0]!.service).toBe('db-service');
    expect(ranking.find((r) => r.service === 'product-service')!.evidence.join('\n')).toMatch(/restarted 11\.6s ago/);
  });

  it('finds nothing when nothing is wrong, and is deterministic', () => {
    const calm = rankCauses(evidence({}));
    expect(calm.every((r) => r.score === 0)).toBe(true);
    const input = evidence({ 'db-service': { errorRatio: 0.5 } });
    expect(rankCauses(input)).toEqual(rankCauses(input));
  });

  it('never reads the injected fault state', () => {
    // chaosFailureActive names auth, but every other signal points at db.
    const sample = {
      'auth-service': { chaosFailureActive: ['error'] },
      'db-service': { errorRatio: 1 },
      ...callersOf('db-service', { errorRatio: 1 }, 1),
    };
    expect(rankCauses(evidence(sample))[0]!.service).toBe('db-service');
    expect(rankCauses(evidence({ 'auth-service': { chaosFailureActive: ['error'] } })).every((r) => r.score === 0)).toBe(true);
  });

  it("falls back on the detector's own-signal drivers when its own window shows nothing, never on a victim's", () => {
    const quiet = evidence({});
    expect(rankCauses(quiet).every((r) => r.score === 0)).toBe(true);
    const ranking = rankCauses({
      ...quiet,
      detector: [
        { service: 'product-service', score: 0.8, drivers: [{ feature: 'cpu_per_request_ms', value: 9.5, baseline_mean: 1.2, z: 23 }] },
        { service: 'payment-service', score: 0.7, drivers: [{ feature: 'upstream_error_ratio', value: 1, baseline_mean: 0, z: 50 }] },
      ],
    });
    expect(ranking[0]!.service).toBe('product-service');
    expect(ranking[0]!.score).toBeGreaterThan(0);
    expect(ranking[0]!.evidence[0]).toMatch(/the detector saw cpu_per_request_ms 9\.5/);
    expect(ranking.find((r) => r.service === 'payment-service')!.score).toBe(0);
  });

  it('ignores the detector when its own window has a cause', () => {
    const ranking = rankCauses({
      ...evidence({ 'db-service': { errorRatio: 1 }, ...callersOf('db-service', { errorRatio: 1 }, 1) }),
      detector: [{ service: 'auth-service', score: 0.9, drivers: [{ feature: 'error_ratio', value: 1, baseline_mean: 0, z: 50 }] }],
    });
    expect(ranking[0]!.service).toBe('db-service');
    expect(ranking.find((r) => r.service === 'auth-service')!.score).toBe(0);
  });

  it("counts a restart only when it falls in the incident's window, not an earlier incident's", () => {
    const health = { 'auth-service': { reachable: true, uptimeS: 20 }, 'product-service': { reachable: true, uptimeS: 4 } };
    const base = evidence({ 'product-service': {} }, { health });
    const wide = rankCauses({ ...base, restartWindowS: 30 });
    expect(wide.find((r) => r.service === 'auth-service')!.score).toBeGreaterThan(0);
    const ranking = rankCauses({ ...base, restartWindowS: 9 });
    expect(ranking[0]!.service).toBe('product-service');
    expect(ranking[0]!.evidence.join(' ')).toMatch(/restarted 4\.0s ago/);
    expect(ranking.find((r) => r.service === 'auth-service')!.score).toBe(0);
  });
});
