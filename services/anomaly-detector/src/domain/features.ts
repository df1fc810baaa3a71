import type { ServiceSample } from '@archaics/telemetry-query';
import { FEATURE_NAMES, type FeatureName, type FeatureVector } from '@archaics/contracts';

/**
 * The rate below which CPU per request is taken over this many requests per second, so
 * that an idle service (a few scrapes a second) does not divide its idle CPU by ~0.
 */
export const MIN_RATE_FOR_CPU_PER_REQUEST = 1;

/**
 * The feature vector of one service in one interval (SPEC §4), or `null` when the sample
 * carries no window to measure over: the first scrape, or the first after a restart,
 * whose counters started again from zero. Such a sample is neither healthy nor anomalous
 * (a counter reset is not an anomaly by itself); a service that could not be read at all,
 * or whose process restarted within the window, is `down = 1`, which is a signal, not a gap.
 */
export function featureVector(sample: ServiceSample): FeatureVector | null {
  if (!sample.up) {
    return {
      request_rate: 0,
      error_ratio: 0,
      p95_latency_s: 0,
      cpu_cores: 0,
      cpu_per_request_ms: 0,
      upstream_error_ratio: 0,
      upstream_p95_s: 0,
      down: 1,
    };
  }
  if (sample.windowSeconds === null) return null;
  const cpuCores = sample.cpuCores ?? 0;
  let callRate = 0;
  let failedCalls = 0;
  let upstreamP95 = 0;
  for (const upstream of sample.upstreams) {
    callRate += upstream.callRate;
    failedCalls += upstream.callRate * upstream.errorRatio;
    if (upstream.p95Seconds !== null) upstreamP95 = Math.max(upstreamP95, upstream.p95Seconds);
  }
  return {
    request_rate: sample.requestRate,
    error_ratio: sample.errorRatio,
    p95_latency_s: sample.latency.p95 ?? 0,
    cpu_cores: cpuCores,
    cpu_per_request_ms: (1000 * cpuCores) / Math.max(sample.requestRate, MIN_RATE_FOR_CPU_PER_REQUEST),
    upstream_error_ratio: callRate > 0 ? failedCalls / callRate : 0,
    upstream_p95_s: upstreamP95,
    // A restart in the window is the other half of a crash: the process was not serving.
    down: sample.restarted ? 1 : 0,
  };
}

/** The vector as numbers in FEATURE_NAMES order. */
export function toRow(vector: FeatureVector, names: readonly FeatureName[] = FEATURE_NAMES): number[] {
  return names.map((name) => vector[name]);
}
