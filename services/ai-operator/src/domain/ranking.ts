import { BUSINESS_SERVICES, dependentsOf, isBusinessService, type BusinessService, type RankedCause } from '@archaics/contracts';
import type { BaselineView, EdgeView, Evidence, LogEvidence, ServiceView } from './evidence.ts';

/** The thresholds of a symptom; the latency and CPU ones rise with the service's baseline. */
export const THRESHOLDS = Object.freeze({
  errorRatio: 0.1,
  /** Below this request rate an error ratio is noise. */
  minRequestRate: 0.2,
  latencyFloorS: 0.5,
  cpuFloorCores: 0.25,
  /** Log lines of failed calls from one caller to one dependency that make the edge bad without metrics. */
  edgeLogLines: 3,
  edgeErrorRatio: 0.1,
  edgeP95S: 0.8,
  /** A service up for less than this, while the others have been up much longer, restarted during the incident. */
  recentRestartS: 30,
});

/** The detector's features that are a service's own symptom (not its calls to a dependency). */
const OWN_SIGNALS = new Set(['error_ratio', 'p95_latency_s', 'cpu_per_request_ms', 'down']);
/** How far (in the detector's tolerance units) a feature must be off for the fallback to count it. */
const DETECTOR_MIN_Z = 3;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Outcomes that only the dependency can cause (a slow caller cannot make them). */
const DEPENDENCY_OUTCOMES = new Set(['bad_data', 'error', 'unreachable']);
/** Outcomes of a dependency call that are not failures. */
const OK_OUTCOMES = new Set(['success', 'client_error']);

const pct = (ratio: number): string => `${Math.round(ratio * 100)}%`;
const secs = (s: number): string => (s >= 1 ? `${s.toFixed(2)}s` : `${Math.round(s * 1000)}ms`);

/** How deep a service sits in the dependency graph: callees rank above their callers on a tie. */
function depth(service: BusinessService): number {
  return dependentsOf(service).length > 0 ? 1 : 0;
}

interface SelfSymptoms {
  down: number;
  restarted: number;
  errors: number;
  latency: number;
  cpu: number;
  evidence: string[];
}

export function latencyThreshold(baseline: BaselineView | undefined): number {
  return Math.max(THRESHOLDS.latencyFloorS, 3 * (baseline?.p95Seconds ?? 0) + 0.1);
}

export function cpuThreshold(baseline: BaselineView | undefined): number {
  return Math.max(THRESHOLDS.cpuFloorCores, 2 * (baseline?.cpuCores ?? 0) + 0.15);
}

function selfSymptoms(
  view: ServiceView,
  baseline: BaselineView | undefined,
  othersUptime: number | null,
  restartWindowS: number,
): SelfSymptoms {
  const out: SelfSymptoms = { down: 0, restarted: 0, errors: 0, latency: 0, cpu: 0, evidence: [] };
  if (view.downSamples > 0) {
    out.down = 1;
    out.evidence.push(`down: /metrics could not be read in ${view.downSamples} of ${view.samples} samples`);
  }
  if (view.health && !view.health.reachable) {
    out.down = 1;
    out.evidence.push(`/health unreachable${view.health.error ? ` (${view.health.error})` : ''}`);
  }
  const uptime = view.health?.uptimeS ?? null;
  if (
    uptime !== null &&
    othersUptime !== null &&
    uptime < Math.min(THRESHOLDS.recentRestartS, restartWindowS) &&
    uptime + 10 < othersUptime
  ) {
    out.restarted = 0.4;
    out.evidence.push(`restarted ${uptime.toFixed(1)}s ago while the other services have been up ${othersUptime.toFixed(0)}s`);
  }
  if (view.requestRate >= THRESHOLDS.minRequestRate && view.errorRatio >= THRESHOLDS.errorRatio) {
    out.errors = view.errorRatio;
    out.evidence.push(`${pct(view.errorRatio)} of requests answered 5xx (${view.requestRate.toFixed(1)} req/s)`);
  }
  const latencyLimit = latencyThreshold(baseline);
  if (view.p95Seconds !== null && view.p95Seconds >= latencyLimit) {
    out.latency = Math.min(1, Math.max(0.3, view.p95Seconds / 2));
    out.evidence.push(
      `p95 latency ${secs(view.p95Seconds)} (threshold ${secs(latencyLimit)}${baseline?.p95Seconds != null ? `, baseline ${secs(baseline.p95Seconds)}` : ''})`,
    );
  }
  const cpuLimit = cpuThreshold(baseline);
  if (view.cpuCores !== null && view.cpuCores >= cpuLimit) {
    out.cpu = Math.min(1, 0.4 + view.cpuCores / 2);
    out.evidence.push(
      `CPU ${view.cpuCores.toFixed(2)} cores (threshold ${cpuLimit.toFixed(2)}${baseline?.cpuCores != null ? `, baseline ${baseline.cpuCores.toFixed(2)}` : ''})`,
    );
  }
  return out;
}

const edgeBad = (edge: EdgeView): boolean =>
  edge.callRate > 0 &&
  (edge.errorRatio >= THRESHOLDS.edgeErrorRatio || (edge.p95Seconds !== null && edge.p95Seconds >= THRESHOLDS.edgeP95S));

const edgeSeverity = (edge: EdgeView): number =>
  Math.max(edge.errorRatio, edge.p95Seconds !== null && edge.p95Seconds >= THRESHOLDS.edgeP95S ? 0.6 : 0);

function describeEdge(caller: string, edge: EdgeView): string {
  const parts = [`${pct(edge.errorRatio)} of calls failed`];
  if (edge.p95Seconds !== null) parts.push(`p95 ${secs(edge.p95Seconds)}`);
  return `${caller} → ${edge.upstream}: ${parts.join(', ')} (${edge.callRate.toFixed(1)} calls/s)`;
}

/** Outcomes of dependency calls from the callers' log lines: caller → upstream → outcome → count. */
function logOutcomes(logs: readonly LogEvidence[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of logs) {
    if (!line.upstream) continue;
    const key = `${line.service}→${line.upstream.name}`;
    const counts = out.get(key) ?? new Map<string, number>();
    counts.set(line.upstream.outcome, (counts.get(line.upstream.outcome) ?? 0) + 1);
    out.set(key, counts);
  }
  return out;
}

/**
 * The root-cause ranking (no LLM): every business service scored from its own unexplained
 * symptoms (down, restarted, 5xx, latency, CPU) plus the blame its callers' failing calls put
 * on it. A caller whose errors and latency are explained by a failing dependency edge is a
 * victim: those symptoms count a tenth. An edge is laid at the dependency's door unless the
 * caller itself is starved of CPU and nothing else (the dependency's own symptoms, other
 * callers, outcomes only a dependency can cause) points at the dependency. Deterministic:
 * equal inputs, equal ranking; ties go to the deeper service, then the name.
 */
export function rankCauses(evidence: Evidence): RankedCause[] {
  const views = new Map(evidence.views.map((v) => [v.service, v]));
  const othersUptime = (service: BusinessService): number | null => {
    const others = evidence.views.filter((v) => v.service !== service).map((v) => v.health?.uptimeS ?? null);
    const known = others.filter((u): u is number => u !== null).sort((a, b) => a - b);
    return known.length === 0 ? null : known[Math.floor(known.length / 2)]!;
  };
  const symptoms = new Map<BusinessService, SelfSymptoms>();
  for (const service of BUSINESS_SERVICES) {
    const view = views.get(service);
    if (view)
      symptoms.set(
        service,
        selfSymptoms(view, evidence.baseline[service], othersUptime(service), evidence.restartWindowS ?? THRESHOLDS.recentRestartS),
      );
  }
  const hasSelf = (service: BusinessService): boolean => {
    const s = symptoms.get(service);
    return s !== undefined && s.down + s.restarted + s.errors + s.latency + s.cpu > 0;
  };
  const outcomes = logOutcomes(evidence.logs);
  const traces = evidence.traces;
  const blame = new Map<BusinessService, { score: number; evidence: string[] }>();
  const explainedBy = new Map<BusinessService, string[]>();

  for (const caller of BUSINESS_SERVICES) {
    const view = views.get(caller);
    if (!view) continue;
    const callerCpuBound = (symptoms.get(caller)?.cpu ?? 0) > 0;
    const edges = new Map(view.upstreams.map((e) => [e.upstream, e]));
    for (const key of outcomes.keys()) {
      const [from, to] = key.split('→') as [string, string];
      if (from === caller && !edges.has(to)) edges.set(to, { upstream: to, callRate: 0, errorRatio: 0, p95Seconds: null });
    }
    for (const edge of edges.values()) {
      const dep = edge.upstream;
      const logged = outcomes.get(`${caller}→${dep}`);
      const failedLines = logged ? [...logged].filter(([o]) => !OK_OUTCOMES.has(o)).reduce((n, [, c]) => n + c, 0) : 0;
      const byMetrics = edgeBad(edge);
      if (!byMetrics && failedLines < THRESHOLDS.edgeLogLines) continue;
      const dependencyOutcome = logged ? [...logged.keys()].some((o) => DEPENDENCY_OUTCOMES.has(o)) : false;
      const otherCallerSees = evidence.views.some((v) => v.service !== caller && v.upstreams.some((e) => e.upstream === dep && edgeBad(e)));
      const depPointsAtItself = isBusinessService(dep) ? hasSelf(dep) : true;
      const attributable = !callerCpuBound || depPointsAtItself || otherCallerSees || dependencyOutcome;
      if (!attributable) continue;
      explainedBy.set(caller, [...(explainedBy.get(caller) ?? []), dep]);
      if (!isBusinessService(dep)) continue;
      const entry = blame.get(dep) ?? { score: 0, evidence: [] };
      entry.score += 0.5 * (byMetrics ? edgeSeverity(edge) : Math.min(1, failedLines / 10));
      if (byMetrics) entry.evidence.push(describeEdge(caller, edge));
      if (logged) {
        const text = [...logged].map(([outcome, n]) => `${outcome} ×${n}`).join(', ');
        entry.evidence.push(`${caller} logged calls to ${dep}: ${text}`);
      }
      blame.set(dep, entry);
    }
  }

  const ranked = BUSINESS_SERVICES.map((service): RankedCause & { depth: number } => {
    const s = symptoms.get(service) ?? { down: 0, restarted: 0, errors: 0, latency: 0, cpu: 0, evidence: ['no metrics'] };
    const explained = explainedBy.get(service);
    const factor = explained ? 0.1 : 1;
    const evidence = [...s.evidence];
    if (explained && s.errors + s.latency > 0) {
      evidence.push(`errors and latency explained by failing calls to ${[...new Set(explained)].join(', ')} (victim)`);
    }
    const blamed = blame.get(service);
    if (blamed) evidence.push(...blamed.evidence);
    const failingTraces = traces.filter((t) => t.errorServices[0] === service);
    if (failingTraces.length > 0) {
      const ids = failingTraces.slice(0, 3).map((t) => t.traceId.slice(0, 16));
      evidence.push(`${failingTraces.length} sampled failing trace(s) fail deepest in ${service} (${ids.join(', ')})`);
    }
    // A restart of a service whose symptoms a dependency explains is old news (an earlier crash or restart), not this cause.
    const score = s.down + factor * (s.restarted + s.errors + s.latency) + s.cpu + (blamed?.score ?? 0);
    if (evidence.length === 0) evidence.push('no symptom');
    return { service, score: Math.round(score * 1000) / 1000, evidence, depth: depth(service) };
  });
  // Nothing in the operator's own window (a fault that hit the detector's intervals but not
  // these seconds, or a CPU burn the machine's load hides): fall back on what the detector saw,
  // counting only a service's own signals — its dependency calls failing makes it a victim.
  if (ranked.every((r) => r.score === 0)) {
    for (const report of evidence.detector ?? []) {
      const own = report.drivers.filter((d) => OWN_SIGNALS.has(d.feature) && d.z >= DETECTOR_MIN_Z);
      if (own.length === 0) continue;
      const entry = ranked.find((r) => r.service === report.service)!;
      entry.score = Math.round(Math.min(0.5, 0.05 * Math.max(...own.map((d) => d.z))) * 1000) / 1000;
      entry.evidence = [
        ...own.map(
          (d) =>
            `the detector saw ${d.feature} ${round3(d.value)} against a baseline of ${round3(d.baseline_mean)} (z ${d.z}); nothing in the operator's own window`,
        ),
      ];
    }
  }
  ranked.sort((a, b) => b.score - a.score || b.depth - a.depth || a.service.localeCompare(b.service));
  return ranked.map(({ service, score, evidence }) => ({ service, score, evidence }));
}
