import { LatencyHistogram } from './latency-histogram.ts';
import type { MetricSource } from '../report/thresholds.ts';

/** Status codes as map keys, made once. */
const STATUS_KEYS: Record<number, string> = {};

/** Passes and failures of one check (k6's `check`). */
export interface CheckCounts {
  passed: number;
  failed: number;
}

/** Counters of one endpoint (a step's method and path on a target). */
export interface EndpointStats {
  readonly target: string;
  readonly name: string;
  requests: number;
  failed: number;
  /** Answers by HTTP status, or by error code when there was no answer (`ECONNREFUSED`, `REQUEST_TIMEOUT`, undici's `UND_ERR_*`). */
  readonly outcomes: Map<string, number>;
  readonly service: LatencyHistogram;
}

/** Everything a run measures; the executors write it, the progress line and the summary read it. */
export class RunMetrics implements MetricSource {
  requests = 0;
  failed = 0;
  /** Send to last byte. */
  readonly serviceTime = new LatencyHistogram();
  /** From when the request should have been sent (its iteration's scheduled start, for the first request). */
  readonly scheduledTime = new LatencyHistogram();
  readonly iterationTime = new LatencyHistogram();
  readonly checks = new Map<string, CheckCounts>();
  readonly iterations = { scheduled: 0, started: 0, completed: 0, interrupted: 0, dropped: 0 };
  readonly vus = { active: 0, maxActive: 0, allocated: 0 };
  /** performance.now() at the start and end of the load phase. */
  startedAt = 0;
  endedAt: number | undefined;
  private readonly byEndpoint = new Map<string, EndpointStats>();

  endpoint(target: string, name: string): EndpointStats {
    const key = `${target} ${name}`;
    let stats = this.byEndpoint.get(key);
    if (!stats) {
      stats = { target, name, requests: 0, failed: 0, outcomes: new Map(), service: new LatencyHistogram() };
      this.byEndpoint.set(key, stats);
    }
    return stats;
  }

  get endpoints(): EndpointStats[] {
    return [...this.byEndpoint.values()];
  }

  /** A request that got an answer (`outcome` is its status) or an error (`outcome` is its code). */
  recordRequest(endpoint: EndpointStats, outcome: number | string, serviceMs: number, scheduledMs: number): boolean {
    const failed = typeof outcome === 'string' || outcome >= 400;
    const key = typeof outcome === 'number' ? (STATUS_KEYS[outcome] ??= String(outcome)) : outcome;
    this.requests++;
    endpoint.requests++;
    if (failed) {
      this.failed++;
      endpoint.failed++;
    }
    endpoint.outcomes.set(key, (endpoint.outcomes.get(key) ?? 0) + 1);
    this.serviceTime.record(serviceMs);
    endpoint.service.record(serviceMs);
    this.scheduledTime.record(scheduledMs);
    return failed;
  }

  /** The counters of one named check (made on first use; a journey step holds on to its own). */
  check(name: string): CheckCounts {
    let check = this.checks.get(name);
    if (!check) {
      check = { passed: 0, failed: 0 };
      this.checks.set(name, check);
    }
    return check;
  }

  setActiveVUs(active: number): void {
    this.vus.active = active;
    if (active > this.vus.maxActive) this.vus.maxActive = active;
  }

  /** Seconds of load so far (or in all, once ended). */
  elapsedS(now = performance.now()): number {
    return this.startedAt === 0 ? 0 : Math.max(0, ((this.endedAt ?? now) - this.startedAt) / 1_000);
  }

  checkTotals(): { passed: number; failed: number } {
    let passed = 0;
    let failed = 0;
    for (const check of this.checks.values()) {
      passed += check.passed;
      failed += check.failed;
    }
    return { passed, failed };
  }

  trend(metric: string, aggregation: 'avg' | 'min' | 'med' | 'max' | { percentile: number }): number {
    const histogram =
      metric === 'http_req_latency' ? this.scheduledTime : metric === 'iteration_duration' ? this.iterationTime : this.serviceTime;
    if (typeof aggregation === 'object') return histogram.percentile(aggregation.percentile);
    const stats = histogram.stats();
    return { avg: stats.mean, min: stats.min, med: stats.p50, max: stats.max }[aggregation];
  }

  rate(metric: string): number {
    if (metric === 'checks') {
      const { passed, failed } = this.checkTotals();
      return passed + failed === 0 ? 0 : passed / (passed + failed);
    }
    return this.requests === 0 ? 0 : this.failed / this.requests;
  }

  counter(metric: string): { count: number; ratePerS: number } {
    const count =
      metric === 'iterations' ? this.iterations.completed : metric === 'dropped_iterations' ? this.iterations.dropped : this.requests;
    const seconds = this.elapsedS();
    return { count, ratePerS: seconds > 0 ? count / seconds : 0 };
  }
}
