import {
  BUSINESS_SERVICES,
  dependenciesOf,
  isBusinessService,
  type BusinessService,
  type FailureState,
  type HealthResponse,
} from '@archaics/contracts';
import type { ServiceSample } from '@archaics/telemetry-query';
import type { ServiceStatus } from '../../shared/api-types.ts';

/** What the last /health call of a service gave. */
export type HealthProbe =
  | { readonly ok: true; readonly health: HealthResponse; readonly at: number }
  | { readonly ok: false; readonly error: string; readonly at: number };

/** Thresholds over which a service's own metrics make it degraded. */
export const DEGRADED_WHEN = Object.freeze({ errorRatio: 0.05, p95Seconds: 1, upstreamErrorRatio: 0.05 });

export interface StatusOf {
  readonly status: ServiceStatus;
  readonly reasons: string[];
  readonly failure: FailureState | null;
  /** Every active fault, service-wide, per route and per edge (/health's `failures`). */
  readonly failures: readonly FailureState[];
}

/** `timeout (42 s left)`, `partition on edge:db-service`: a fault as a reason. */
function faultReason(failure: FailureState): string {
  const on = failure.scope === 'service' ? '' : ` on ${failure.scope}`;
  const left = failure.remaining_s === null ? '' : ` (${Math.ceil(failure.remaining_s)} s left)`;
  return `fault ${failure.type}${on}${left}`;
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`;

/** A service's own status: down when /health does not answer, degraded by any active fault (of any scope) or bad metrics. */
function ownStatus(probe: HealthProbe | undefined, sample: ServiceSample | undefined): StatusOf {
  if (!probe) return { status: 'down', reasons: ['not checked yet'], failure: null, failures: [] };
  if (!probe.ok) return { status: 'down', reasons: [`health check failed: ${probe.error}`], failure: null, failures: [] };
  const failure = probe.health.failure;
  // A service of the seed's contract reports `failure` only.
  const failures = probe.health.failures ?? (failure ? [failure] : []);
  const reasons = failures.map(faultReason);
  if (sample?.up && sample.requestRate > 0) {
    if (sample.errorRatio >= DEGRADED_WHEN.errorRatio) reasons.push(`error ratio ${pct(sample.errorRatio)}`);
    if (sample.latency.p95 !== null && sample.latency.p95 >= DEGRADED_WHEN.p95Seconds)
      reasons.push(`p95 ${sample.latency.p95.toFixed(2)} s`);
  }
  for (const upstream of sample?.upstreams ?? []) {
    if (upstream.callRate > 0 && upstream.errorRatio >= DEGRADED_WHEN.upstreamErrorRatio)
      reasons.push(`calls to ${upstream.upstream} failing (${pct(upstream.errorRatio)})`);
  }
  return { status: reasons.length > 0 ? 'degraded' : 'healthy', reasons, failure, failures };
}

/**
 * The status of every business service: its own (health, fault, metrics), then degraded
 * when a dependency of the graph is not healthy (product and payment call auth and db, so
 * a db fault degrades them before their own metrics show it).
 */
export function serviceStatuses(
  probes: Partial<Record<BusinessService, HealthProbe>>,
  samples: readonly ServiceSample[],
): Record<BusinessService, StatusOf> {
  const own = Object.fromEntries(
    BUSINESS_SERVICES.map((service) => [
      service,
      ownStatus(
        probes[service],
        samples.find((s) => s.service === service),
      ),
    ]),
  ) as Record<BusinessService, StatusOf>;
  const result = {} as Record<BusinessService, StatusOf>;
  for (const service of BUSINESS_SERVICES) {
    const mine = own[service];
    const reasons = [...mine.reasons];
    for (const dependency of dependenciesOf(service)) {
      if (!isBusinessService(dependency)) continue;
      const theirs = own[dependency].status;
      if (theirs !== 'healthy') reasons.push(`depends on ${dependency} (${theirs})`);
    }
    const status: ServiceStatus = mine.status === 'down' ? 'down' : reasons.length > 0 ? 'degraded' : 'healthy';
    result[service] = { status, reasons, failure: mine.failure, failures: mine.failures };
  }
  return result;
}
