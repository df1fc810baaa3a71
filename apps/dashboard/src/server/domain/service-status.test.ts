import { describe, expect, it } from 'vitest';
import type { HealthResponse } from '@archaics/contracts';
import type { ServiceSample } from '@archaics/telemetry-query';
import { serviceStatuses, type HealthProbe } from './service-status.ts';

const healthy = (service: string, failure: HealthResponse['failure'] = null): HealthProbe => ({
  ok: true,
  at: 0,
  health: { status: 'ok', service, version: '0.1.0', uptime_s: 1, failure, failures: failure ? [failure] : [] },
});
const all = (): Record<string, HealthProbe> => ({
  'auth-service': healthy('auth-service'),
  'db-service': healthy('db-service'),
  'product-service': healthy('product-service'),
  'payment-service': healthy('payment-service'),
});
const sample = (service: ServiceSample['service'], over: Partial<ServiceSample>): ServiceSample => ({
  service,
  up: true,
  restarted: false,
  windowSeconds: 2,
  requestRate: 5,
  errorRatio: 0,
  latency: { p50: 0.01, p95: 0.02, p99: 0.03 },
  cpuCores: 0.01,
  residentMemoryBytes: 1,
  eventLoopLagSeconds: 0,
  eventLoopLagP99Seconds: 0,
  upstreams: [],
  chaosFailureActive: [],
  ...over,
});

describe(serviceStatuses.name, () => {
  it('calls every service healthy when all answer without a fault and with good metrics', () => {
    const statuses = serviceStatuses(all(), [sample('product-service', {})]);
    expect(Object.values(statuses).map((s) => s.status)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
  });

  it('degrades a faulted service and the services that depend on it, not the others', () => {
    const failure = {
      type: 'timeout' as const,
      intensity: 1,
      probability: 1,
      started_at: '',
      expires_at: '',
      remaining_s: 41.2,
      scope: 'service',
    };
    const statuses = serviceStatuses({ ...all(), 'db-service': healthy('db-service', failure) }, []);
    expect(statuses['db-service']).toMatchObject({
      status: 'degraded',
      reasons: ['fault timeout (42 s left)'],
      failure,
      failures: [failure],
    });
    expect(statuses['product-service'].status).toBe('degraded');
    expect(statuses['product-service'].reasons).toEqual(['depends on db-service (degraded)']);
    expect(statuses['payment-service'].status).toBe('degraded');
    expect(statuses['auth-service'].status).toBe('healthy');
  });

  it('lists every fault with its scope as a reason, an edge fault degrading its caller', () => {
    const base = { intensity: 1, probability: 1, started_at: '', expires_at: null, remaining_s: null };
    const edge = { ...base, type: 'partition' as const, scope: 'edge:db-service', target: 'db-service' };
    const route = { ...base, type: 'error' as const, scope: 'route:/cart/add', route: '/cart/add', status: 503 };
    const probe: HealthProbe = {
      ok: true,
      at: 0,
      health: { status: 'ok', service: 'product-service', version: '0.1.0', uptime_s: 1, failure: null, failures: [edge, route] },
    };
    const statuses = serviceStatuses({ ...all(), 'product-service': probe }, []);
    expect(statuses['product-service']).toMatchObject({
      status: 'degraded',
      reasons: ['fault partition on edge:db-service', 'fault error on route:/cart/add'],
      failure: null,
      failures: [edge, route],
    });
    // The upstream sees nothing wrong: the path between the two is broken.
    expect(statuses['db-service']).toMatchObject({ status: 'healthy', failures: [] });
  });

  it('calls a service down when its health check fails, whatever its metrics', () => {
    const statuses = serviceStatuses({ ...all(), 'auth-service': { ok: false, error: 'ECONNREFUSED', at: 0 } }, []);
    expect(statuses['auth-service']).toMatchObject({ status: 'down', reasons: ['health check failed: ECONNREFUSED'] });
    expect(statuses['product-service'].reasons).toContain('depends on auth-service (down)');
  });

  it('degrades a service by its own error ratio, p95 and failing dependency calls', () => {
    const statuses = serviceStatuses(all(), [
      sample('product-service', {
        errorRatio: 0.5,
        latency: { p50: 1, p95: 2.5, p99: 3 },
        upstreams: [{ upstream: 'db-service', callRate: 3, errorRatio: 1, p95Seconds: 1 }],
      }),
    ]);
    expect(statuses['product-service'].reasons).toEqual(['error ratio 50%', 'p95 2.50 s', 'calls to db-service failing (100%)']);
    // Without requests, ratios and quantiles say nothing.
    const idle = serviceStatuses(all(), [sample('product-service', { requestRate: 0, errorRatio: 1 })]);
    expect(idle['product-service'].status).toBe('healthy');
  });
});
