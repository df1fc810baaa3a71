import type { InjectedFault, ResetOutcome } from '../faults/with-failures.ts';
import type { LatencyStats } from '../metrics/latency-histogram.ts';
import type { RunMetrics } from '../metrics/run-metrics.ts';
import type { ThresholdResult } from './thresholds.ts';

/** What a run reports; `--json` prints it as is. Latencies in milliseconds. */
export interface Summary {
  scenario: string;
  executor: string;
  model: 'closed' | 'open';
  /** The load as run (after overrides), in words. */
  load: string;
  targets: Record<string, string>;
  startedAt: string;
  plannedDurationS: number;
  durationS: number;
  interrupted: boolean;
  requests: { total: number; ratePerS: number; failed: number; failedRate: number };
  /** Failed requests by HTTP status or error code, and by endpoint. */
  errors: {
    byStatus: Record<string, number>;
    byEndpoint: Array<{ target: string; endpoint: string; outcome: string; count: number }>;
  };
  endpoints: Array<{ target: string; endpoint: string; requests: number; failed: number; latency: LatencyStats }>;
  checks: { passed: number; failed: number; byName: Record<string, { passed: number; failed: number }> };
  latency: {
    /** From when each request should have been sent: its iteration's scheduled start (first request) or the previous answer. */
    fromScheduledStart: LatencyStats;
    /** From sending the request to its last byte (k6's http_req_duration). */
    serviceTime: LatencyStats;
  };
  iterations: {
    /** Open model: iterations whose time came; started + dropped = scheduled. Closed model: equals started. */
    scheduled: number;
    started: number;
    completed: number;
    interrupted: number;
    dropped: number;
    ratePerS: number;
    duration: LatencyStats;
  };
  vus: { max: number; allocated: number };
  thresholds: ThresholdResult[];
  /** All thresholds held. */
  passed: boolean;
  faults?: { injected: InjectedFault[]; reset: ResetOutcome[] };
}

export interface SummaryContext {
  scenario: string;
  executor: string;
  model: 'closed' | 'open';
  load: string;
  targets: Record<string, string>;
  startedAt: Date;
  plannedDurationMs: number;
  interrupted: boolean;
  thresholds: ThresholdResult[];
  faults?: Summary['faults'];
}

const round = (value: number, decimals = 3): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

const rounded = (stats: LatencyStats): LatencyStats =>
  Object.fromEntries(
    Object.entries(stats as unknown as Record<string, number>).map(([key, value]) => [key, round(value)]),
  ) as unknown as LatencyStats;

export function buildSummary(metrics: RunMetrics, context: SummaryContext): Summary {
  const seconds = metrics.elapsedS();
  const perS = (count: number): number => (seconds > 0 ? round(count / seconds, 2) : 0);
  const byStatus: Record<string, number> = {};
  const byEndpoint: Summary['errors']['byEndpoint'] = [];
  for (const endpoint of metrics.endpoints) {
    for (const [outcome, count] of endpoint.outcomes) {
      if (/^\d+$/.test(outcome) && Number(outcome) < 400) continue;
      byStatus[outcome] = (byStatus[outcome] ?? 0) + count;
      byEndpoint.push({ target: endpoint.target, endpoint: endpoint.name, outcome, count });
    }
  }
  byEndpoint.sort((a, b) => b.count - a.count);
  const checks = metrics.checkTotals();
  const { iterations } = metrics;
  return {
    scenario: context.scenario,
    executor: context.executor,
    model: context.model,
    load: context.load,
    targets: context.targets,
    startedAt: context.startedAt.toISOString(),
    plannedDurationS: round(context.plannedDurationMs / 1_000, 3),
    durationS: round(seconds, 3),
    interrupted: context.interrupted,
    requests: {
      total: metrics.requests,
      ratePerS: perS(metrics.requests),
      failed: metrics.failed,
      failedRate: metrics.requests === 0 ? 0 : round(metrics.failed / metrics.requests, 6),
    },
    errors: { byStatus, byEndpoint },
    endpoints: metrics.endpoints.map((e) => ({
      target: e.target,
      endpoint: e.name,
      requests: e.requests,
      failed: e.failed,
      latency: rounded(e.service.stats()),
    })),
    checks: { ...checks, byName: Object.fromEntries(metrics.checks) },
    latency: { fromScheduledStart: rounded(metrics.scheduledTime.stats()), serviceTime: rounded(metrics.serviceTime.stats()) },
    iterations: {
      scheduled: context.model === 'open' ? iterations.scheduled : iterations.started,
      started: iterations.started,
      completed: iterations.completed,
      interrupted: iterations.interrupted,
      dropped: iterations.dropped,
      ratePerS: perS(iterations.completed),
      duration: rounded(metrics.iterationTime.stats()),
    },
    vus: { max: metrics.vus.maxActive, allocated: metrics.vus.allocated },
    thresholds: context.thresholds.map((t) => ({ ...t, actual: round(t.actual, 6) })),
    passed: context.thresholds.every((t) => t.ok),
    ...(context.faults ? { faults: context.faults } : {}),
  };
}
