import { downSample, type ServiceSample } from '@archaics/telemetry-query';
import { describe, expect, it } from 'vitest';
import { featureVector } from './features.ts';

const sample = (overrides: Partial<ServiceSample> = {}): ServiceSample => ({
  ...downSample('product-service', 'x'),
  up: true,
  windowSeconds: 2,
  requestRate: 50,
  errorRatio: 0.1,
  latency: { p50: 0.01, p95: 0.2, p99: 0.3 },
  cpuCores: 0.25,
  upstreams: [
    { upstream: 'auth-service', callRate: 30, errorRatio: 0, p95Seconds: 0.01 },
    { upstream: 'db-service', callRate: 10, errorRatio: 0.4, p95Seconds: 1.0 },
  ],
  ...overrides,
});

describe(featureVector.name, () => {
  it('derives the load-aware features of one interval', () => {
    expect(featureVector(sample())).toEqual({
      request_rate: 50,
      error_ratio: 0.1,
      p95_latency_s: 0.2,
      cpu_cores: 0.25,
      cpu_per_request_ms: 5,
      upstream_error_ratio: 0.1, // 4 failed of 40 calls
      upstream_p95_s: 1.0,
      down: 0,
    });
  });

  it('makes a service that could not be scraped a down signal, not a gap', () => {
    expect(featureVector(downSample('db-service', 'ECONNREFUSED'))).toMatchObject({ down: 1, error_ratio: 0 });
  });

  it('makes a process that restarted in the window down as well (the other half of a crash)', () => {
    expect(featureVector(sample({ restarted: true }))).toMatchObject({ down: 1, request_rate: 50 });
  });

  it('has no vector for a sample without a window (first scrape, counters started over)', () => {
    expect(featureVector(sample({ windowSeconds: null }))).toBeNull();
  });

  it('takes the CPU of an idle service over one request per second, and no latency as 0', () => {
    const idle = featureVector(sample({ requestRate: 0.1, cpuCores: 0.004, latency: { p50: null, p95: null, p99: null }, upstreams: [] }))!;
    expect(idle.cpu_per_request_ms).toBeCloseTo(4, 10);
    expect(idle.p95_latency_s).toBe(0);
    expect(idle.upstream_error_ratio).toBe(0);
  });
});
