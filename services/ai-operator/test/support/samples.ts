import { downSample, type MetricsSample, type ServiceSample, type UpstreamSample } from '@archaics/telemetry-query';
import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';

type Overrides = Partial<Omit<ServiceSample, 'service' | 'latency' | 'upstreams'>> & {
  p95?: number | null;
  upstreams?: Array<Partial<UpstreamSample> & { upstream: string }>;
};

const UPSTREAMS: Record<BusinessService, string[]> = {
  'auth-service': [],
  'db-service': [],
  'product-service': ['auth-service', 'db-service'],
  'payment-service': ['auth-service', 'db-service'],
};

/** A healthy service under light load, with the given overrides. */
export function serviceSample(service: BusinessService, overrides: Overrides = {}): ServiceSample {
  const { p95, upstreams, ...rest } = overrides;
  if (rest.up === false) return downSample(service, 'ECONNREFUSED');
  const normalEdges = UPSTREAMS[service].map((upstream) => ({ upstream, callRate: 3, errorRatio: 0, p95Seconds: 0.004 }));
  const edges = normalEdges.map((edge) => ({ ...edge, ...upstreams?.find((u) => u.upstream === edge.upstream) }));
  return {
    service,
    up: true,
    restarted: false,
    windowSeconds: 1,
    requestRate: 5,
    errorRatio: 0,
    latency: { p50: 0.003, p95: p95 === undefined ? 0.01 : p95, p99: 0.02 },
    cpuCores: 0.05,
    residentMemoryBytes: 80e6,
    eventLoopLagSeconds: 0.001,
    eventLoopLagP99Seconds: 0.02,
    upstreams: edges,
    chaosFailureActive: [],
    ...rest,
  };
}

/** One sample of the four services; those not given are healthy. */
export function metricsSample(overrides: Partial<Record<BusinessService, Overrides>> = {}, timestamp = Date.now()): MetricsSample {
  return { timestamp, source: 'scrape', services: BUSINESS_SERVICES.map((s) => serviceSample(s, overrides[s])) };
}
