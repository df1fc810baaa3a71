import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of a latency distribution, in milliseconds. */
export interface LatencyStats {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Values are kept in microseconds: 1 µs to 1 h at 3 significant digits (0.1% error), resized beyond. */
const HIGHEST_US = 3_600_000_000;

/** A latency recorder over an HDR histogram (pure JavaScript build of hdr-histogram-js). */
export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  /** Records one latency in milliseconds (sub-millisecond precision kept). */
  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1_000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The value at a percentile (0..100), in milliseconds; 0 when nothing was recorded. */
  percentile(p: number): number {
    // HDR answers the top of the value's bucket: never report more than the largest value recorded.
    return this.count === 0 ? 0 : Math.min(this.histogram.getValueAtPercentile(p), this.histogram.maxValue) / 1_000;
  }

  stats(): LatencyStats {
    if (this.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    return {
      count: this.count,
      min: this.histogram.minNonZeroValue / 1_000,
      mean: this.histogram.mean / 1_000,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.histogram.maxValue / 1_000,
    };
  }
}
