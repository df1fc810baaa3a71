import type { MetricsSample } from '@archaics/telemetry-query';
import { dependentsOf, type BusinessService } from '@archaics/contracts';
import type { BaselineView, HealthProbe } from './evidence.ts';
import { THRESHOLDS, cpuThreshold, latencyThreshold } from './ranking.ts';

/**
 * Whether the root cause and the services that call it look healthy in one sample: up and
 * answering /health, 5xx ratio and p95 back under the thresholds, the root's CPU back under
 * its threshold, and the callers' calls to the root succeeding. Returns the problems found.
 */
export function unhealthyReasons(
  sample: MetricsSample,
  root: BusinessService,
  health: Readonly<Partial<Record<BusinessService, HealthProbe>>>,
  baseline: Readonly<Partial<Record<BusinessService, BaselineView>>>,
): string[] {
  const problems: string[] = [];
  for (const service of [root, ...dependentsOf(root)]) {
    const s = sample.services.find((x) => x.service === service);
    if (!s || !s.up) {
      problems.push(`${service} down`);
      continue;
    }
    if (health[service] && !health[service].reachable) problems.push(`${service} /health unreachable`);
    if (s.windowSeconds === null) {
      problems.push(`${service} has no window yet`);
      continue;
    }
    if (s.requestRate >= THRESHOLDS.minRequestRate && s.errorRatio >= THRESHOLDS.errorRatio) {
      problems.push(`${service} ${Math.round(s.errorRatio * 100)}% 5xx`);
    }
    const latencyLimit = latencyThreshold(baseline[service]);
    if (s.latency.p95 !== null && s.latency.p95 >= latencyLimit) problems.push(`${service} p95 ${s.latency.p95.toFixed(2)}s`);
    if (service === root && s.cpuCores !== null && s.cpuCores >= cpuThreshold(baseline[service]))
      problems.push(`${service} CPU ${s.cpuCores.toFixed(2)} cores`);
    const edge = s.upstreams.find((e) => e.upstream === root);
    if (service !== root && edge && edge.callRate > 0 && edge.errorRatio >= THRESHOLDS.edgeErrorRatio) {
      problems.push(`${service} → ${root} ${Math.round(edge.errorRatio * 100)}% failed`);
    }
  }
  return problems;
}
