import type { MetricsSample, ServiceSample } from '@archaics/telemetry-query';
import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';

/** What `GET /health` told about a service (reachability only: the ranking never reads `failure`). */
export interface HealthProbe {
  readonly reachable: boolean;
  readonly uptimeS: number | null;
  readonly error?: string;
}

/** A caller's view of one dependency over the evidence samples. */
export interface EdgeView {
  readonly upstream: string;
  readonly callRate: number;
  readonly errorRatio: number;
  readonly p95Seconds: number | null;
}

/** One service summarised over the evidence samples. */
export interface ServiceView {
  readonly service: BusinessService;
  /** Samples in which the service could not be scraped, out of `samples`. */
  readonly downSamples: number;
  readonly samples: number;
  readonly requestRate: number;
  readonly errorRatio: number;
  readonly p95Seconds: number | null;
  readonly cpuCores: number | null;
  readonly upstreams: readonly EdgeView[];
  readonly health: HealthProbe | null;
}

/** What the service looks like when nothing is wrong (medians of earlier samples); absent before any history. */
export interface BaselineView {
  readonly p95Seconds: number | null;
  readonly cpuCores: number | null;
  readonly errorRatio: number;
}

/** A recent WARN/ERROR log line kept as evidence (untrusted text). */
export interface LogEvidence {
  readonly service: string;
  readonly level: string;
  readonly message: string;
  readonly timestamp: string;
  readonly traceId?: string;
  /** The `upstream` field of a dependency-call line: which dependency and what happened. */
  readonly upstream?: { readonly name: string; readonly outcome: string };
}

/** A trace a log line pointed to, reduced to where it failed. */
export interface TraceEvidence {
  readonly traceId: string;
  /** Services whose spans failed, deepest first. */
  readonly errorServices: readonly string[];
  readonly durationMs: number;
}

/** What the anomaly detector reported about one service: the features that drove its score (from the webhook). */
export interface DetectorReport {
  readonly service: BusinessService;
  readonly score: number;
  readonly drivers: ReadonlyArray<{ readonly feature: string; readonly value: number; readonly baseline_mean: number; readonly z: number }>;
}

/** Everything the ranking looks at. */
export interface Evidence {
  readonly views: readonly ServiceView[];
  readonly baseline: Readonly<Partial<Record<BusinessService, BaselineView>>>;
  readonly logs: readonly LogEvidence[];
  readonly traces: readonly TraceEvidence[];
  /** The detector's anomalous services, when a webhook opened the incident (absent for a manual one). */
  readonly detector?: readonly DetectorReport[];
  /**
   * How far back (seconds before the evidence was taken) a restart belongs to this incident:
   * from a little before the anomaly began. An older restart (an earlier incident's) is not a symptom.
   */
  readonly restartWindowS?: number;
}

/** The start of the anomaly a detector webhook reports (its window), in ms; null for another trigger. */
export function anomalyStartMs(anomaly: unknown): number | null {
  const start = (anomaly as { window?: { start?: unknown } } | null)?.window?.start;
  const ms = typeof start === 'string' ? Date.parse(start) : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** The anomalous services of a detector webhook body, or none when the trigger was not one. */
export function detectorReports(anomaly: unknown): DetectorReport[] {
  const body = anomaly as { source?: unknown; scores?: unknown } | null;
  if (!body || body.source !== 'anomaly-detector' || !Array.isArray(body.scores)) return [];
  return (body.scores as Array<{ service: BusinessService; score: number; anomalous: boolean; drivers: DetectorReport['drivers'] }>)
    .filter((s) => s.anomalous && BUSINESS_SERVICES.includes(s.service))
    .map((s) => ({ service: s.service, score: s.score, drivers: s.drivers }));
}

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
const notNull = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/**
 * Summarises metrics samples per service: down counts, mean error ratio and rate over the
 * samples that had a window, median p95 and CPU, and each dependency edge. Samples without a
 * window (the first scrape, a service just back) add only their up/down.
 */
export function summarise(
  samples: readonly MetricsSample[],
  health: Readonly<Partial<Record<BusinessService, HealthProbe>>> = {},
): ServiceView[] {
  return BUSINESS_SERVICES.map((service) => {
    const mine = samples.map((s) => s.services.find((x) => x.service === service)).filter(notNull);
    const windowed = mine.filter((s) => s.up && s.windowSeconds !== null);
    const edges = new Map<string, { rates: number[]; errors: number[]; p95: number[] }>();
    for (const sample of windowed) {
      for (const upstream of sample.upstreams) {
        const edge = edges.get(upstream.upstream) ?? { rates: [], errors: [], p95: [] };
        edge.rates.push(upstream.callRate);
        if (upstream.callRate > 0) edge.errors.push(upstream.errorRatio);
        if (upstream.p95Seconds !== null) edge.p95.push(upstream.p95Seconds);
        edges.set(upstream.upstream, edge);
      }
    }
    const withTraffic = windowed.filter((s) => s.requestRate > 0);
    return {
      service,
      downSamples: mine.filter((s) => !s.up).length,
      samples: mine.length,
      requestRate: mean(windowed.map((s) => s.requestRate)),
      errorRatio: mean(withTraffic.map((s) => s.errorRatio)),
      p95Seconds: median(windowed.map((s: ServiceSample) => s.latency.p95).filter(notNull)),
      cpuCores: median(windowed.map((s) => s.cpuCores).filter(notNull)),
      upstreams: [...edges].map(([upstream, e]) => ({
        upstream,
        callRate: mean(e.rates),
        errorRatio: mean(e.errors),
        p95Seconds: median(e.p95),
      })),
      health: health[service] ?? null,
    };
  });
}

/** The baseline of each service from samples taken before the incident (medians; error ratio mean). */
export function baselineOf(samples: readonly MetricsSample[]): Partial<Record<BusinessService, BaselineView>> {
  const out: Partial<Record<BusinessService, BaselineView>> = {};
  if (samples.length === 0) return out;
  for (const view of summarise(samples)) {
    out[view.service] = { p95Seconds: view.p95Seconds, cpuCores: view.cpuCores, errorRatio: view.errorRatio };
  }
  return out;
}
