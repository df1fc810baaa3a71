import type { MetricsSample } from '@archaics/telemetry-query';
import type { MetricsPoint } from '../../shared/api-types.ts';

/** The last samples of every service, compacted for the UI's live charts. */
export class MetricsHistory {
  private readonly points: MetricsPoint[] = [];

  constructor(private readonly capacity = 180) {}

  add(sample: MetricsSample): MetricsPoint {
    const services: Record<string, MetricsPoint['services'][string]> = {};
    for (const s of sample.services) {
      services[s.service] = {
        up: s.up,
        rps: round(s.requestRate),
        errorRatio: round(s.errorRatio),
        p95: s.latency.p95 === null ? null : round(s.latency.p95),
        cpu: s.cpuCores === null ? null : round(s.cpuCores),
      };
    }
    const point = { t: sample.timestamp, services };
    this.points.push(point);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
    return point;
  }

  /** Points taken after `since` (ms since the epoch), oldest first. */
  since(since = 0): MetricsPoint[] {
    return this.points.filter((p) => p.t > since);
  }
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;
