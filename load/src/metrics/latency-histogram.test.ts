import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.ts';

/** HDR at 3 significant digits: every reported value is within 0.1% of the exact one. */
const closeTo = (actual: number, exact: number): void => {
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
};

describe(LatencyHistogram.name, () => {
  it('reports the percentiles of 1..10000 ms', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 10_000; ms++) histogram.record(ms);
    const stats = histogram.stats();
    expect(stats.count).toBe(10_000);
    closeTo(stats.min, 1);
    closeTo(stats.mean, 5_000.5);
    closeTo(stats.p50, 5_000);
    closeTo(stats.p90, 9_000);
    closeTo(stats.p95, 9_500);
    closeTo(stats.p99, 9_900);
    closeTo(stats.max, 10_000);
  });

  it('keeps sub-millisecond values and a long tail apart', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 990; i++) histogram.record(0.25);
    for (let i = 0; i < 10; i++) histogram.record(2_000);
    const stats = histogram.stats();
    closeTo(stats.p50, 0.25);
    closeTo(stats.p99, 0.25);
    closeTo(histogram.percentile(99.5), 2_000);
    closeTo(stats.max, 2_000);
  });

  it('records values beyond an hour', () => {
    const histogram = new LatencyHistogram();
    histogram.record(2 * 3_600_000);
    closeTo(histogram.stats().max, 7_200_000);
  });

  it('answers zeros when empty', () => {
    expect(new LatencyHistogram().stats()).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });
});
