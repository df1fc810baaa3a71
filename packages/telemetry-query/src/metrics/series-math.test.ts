import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS } from '@archaics/server';
import { seededRandom } from '@archaics/runtime';
import { counterDelta, histogramDelta, histogramQuantile, perSecond, ratio, sumBuckets, type Bucket } from './series-math.ts';

/** Cumulative buckets (LATENCY_BUCKETS + +Inf) of a list of observations, as prom-client counts them. */
function bucketsOf(observations: readonly number[], bounds: readonly number[] = LATENCY_BUCKETS): Bucket[] {
  const les = [...bounds, Number.POSITIVE_INFINITY];
  return les.map((le) => ({ le, count: observations.filter((o) => o <= le).length }));
}

function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** The [lower, upper] bounds of the bucket a value falls in. */
function bucketAround(value: number, bounds: readonly number[] = LATENCY_BUCKETS): [number, number] {
  let lower = 0;
  for (const le of bounds) {
    if (value <= le) return [lower, le];
    lower = le;
  }
  return [lower, Number.POSITIVE_INFINITY];
}

describe(counterDelta.name, () => {
  it('does return the increase of a counter that grew', () => {
    expect(counterDelta(10, 25)).toBe(15);
    expect(counterDelta(7, 7)).toBe(0);
  });

  it('does treat a counter that went down as reset: the new value is the increase since the reset', () => {
    expect(counterDelta(1000, 3)).toBe(3);
    expect(counterDelta(1000, 0)).toBe(0);
  });

  it('does count the whole value of a series seen for the first time', () => {
    expect(counterDelta(undefined, 12)).toBe(12);
  });

  it('does ignore readings that are not counts', () => {
    expect(counterDelta(5, Number.NaN)).toBe(0);
    expect(counterDelta(5, -1)).toBe(0);
    expect(counterDelta(Number.NaN, 4)).toBe(4);
  });

  it('does never yield a negative rate, whatever the readings and resets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.double({ min: 0.001, max: 60, noNaN: true }),
        (readings, seconds) => {
          for (let i = 1; i < readings.length; i++) {
            const rate = perSecond(counterDelta(readings[i - 1], readings[i]!), seconds);
            expect(rate).toBeGreaterThanOrEqual(0);
            expect(Number.isFinite(rate)).toBe(true);
          }
        },
      ),
    );
  });

  it('does add up to the true total across a restart (increase before + increase after)', () => {
    // 0 → 40 → 90 | restart | 5 → 30: 90 requests before, 30 after.
    const readings = [0, 40, 90, 5, 30];
    let total = 0;
    for (let i = 1; i < readings.length; i++) total += counterDelta(readings[i - 1], readings[i]!);
    expect(total).toBe(90 + 30);
  });
});

describe(perSecond.name, () => {
  it('does divide an increase by the window', () => {
    expect(perSecond(30, 2)).toBe(15);
  });

  it('does give 0 for an empty or nonsensical window', () => {
    expect(perSecond(30, 0)).toBe(0);
    expect(perSecond(30, -2)).toBe(0);
    expect(perSecond(Number.NaN, 2)).toBe(0);
  });
});

describe(ratio.name, () => {
  it('does give 0 when there is nothing to divide (no requests, no errors)', () => {
    expect(ratio(0, 0)).toBe(0);
    expect(ratio(3, 0)).toBe(0);
  });

  it('does give the share otherwise, bounded to [0, 1]', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(5, 4)).toBe(1);
  });
});

describe(histogramDelta.name, () => {
  const before: Bucket[] = [
    { le: 0.1, count: 10 },
    { le: 1, count: 15 },
    { le: Number.POSITIVE_INFINITY, count: 16 },
  ];

  it('does subtract bucket by bucket', () => {
    const after = [
      { le: 0.1, count: 14 },
      { le: 1, count: 25 },
      { le: Number.POSITIVE_INFINITY, count: 27 },
    ];
    expect(histogramDelta(before, after)).toEqual([
      { le: 0.1, count: 4 },
      { le: 1, count: 10 },
      { le: Number.POSITIVE_INFINITY, count: 11 },
    ]);
  });

  it('does take every bucket as reset when one went down (no mix of reset and not reset)', () => {
    // After a restart the low bucket already exceeds its old value but +Inf is lower: a reset.
    const after = [
      { le: 0.1, count: 12 },
      { le: 1, count: 12 },
      { le: Number.POSITIVE_INFINITY, count: 13 },
    ];
    expect(histogramDelta(before, after)).toEqual(after);
  });

  it('does see a reset whose buckets all grew past the old ones, since the increases stop being cumulative', () => {
    // No bucket went down, yet the 0.1 s bucket grew by 5 while the 1 s bucket (which counts it too) grew by 0:
    // impossible for one process, so the counts are a new process's.
    const old = [
      { le: 0.1, count: 10 },
      { le: 1, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 20 },
    ];
    const restarted = [
      { le: 0.1, count: 15 },
      { le: 1, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 25 },
    ];
    expect(histogramDelta(old, restarted)).toEqual(restarted);
  });

  it('does keep a cumulative, non-negative histogram for any pair of readings', () => {
    const cumulative = fc.array(fc.nat(1000), { minLength: 3, maxLength: 3 }).map((increments) => {
      let running = 0;
      return [0.1, 1, Number.POSITIVE_INFINITY].map((le, i) => ({ le, count: (running += increments[i]!) }));
    });
    fc.assert(
      fc.property(cumulative, cumulative, (a, b) => {
        const delta = histogramDelta(a, b);
        for (let i = 0; i < delta.length; i++) {
          expect(delta[i]!.count).toBeGreaterThanOrEqual(0);
          if (i > 0) expect(delta[i]!.count).toBeGreaterThanOrEqual(delta[i - 1]!.count);
        }
      }),
    );
  });
});

describe(sumBuckets.name, () => {
  it('does add histograms by le and sort the bounds', () => {
    expect(
      sumBuckets([
        [
          { le: Number.POSITIVE_INFINITY, count: 3 },
          { le: 1, count: 2 },
        ],
        [
          { le: 1, count: 5 },
          { le: Number.POSITIVE_INFINITY, count: 5 },
        ],
      ]),
    ).toEqual([
      { le: 1, count: 7 },
      { le: Number.POSITIVE_INFINITY, count: 8 },
    ]);
  });
});

describe(histogramQuantile.name, () => {
  it('does interpolate linearly inside the bucket holding the rank (PromQL example)', () => {
    // 100 observations: 50 in (0, 0.1], 40 in (0.1, 0.5], 10 in (0.5, 1].
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 0.5, count: 90 },
      { le: 1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1, 10);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05, 10);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.1 + 0.4 * (20 / 40), 10);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.5 + 0.5 * (5 / 10), 10);
  });

  it('does answer the highest finite bound when the rank falls in +Inf', () => {
    const buckets = [
      { le: 0.1, count: 1 },
      { le: 1, count: 2 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(histogramQuantile(0.99, buckets)).toBe(1);
  });

  it('does answer null where PromQL answers NaN: no observations, no +Inf bucket, a single bucket', () => {
    expect(histogramQuantile(0.95, bucketsOf([]))).toBeNull();
    expect(
      histogramQuantile(0.95, [
        { le: 1, count: 4 },
        { le: 2, count: 5 },
      ]),
    ).toBeNull();
    expect(histogramQuantile(0.95, [{ le: Number.POSITIVE_INFINITY, count: 5 }])).toBeNull();
    expect(histogramQuantile(Number.NaN, bucketsOf([0.2]))).toBeNull();
  });

  it('does follow PromQL outside [0, 1]', () => {
    expect(histogramQuantile(-0.1, bucketsOf([0.2]))).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(1.1, bucketsOf([0.2]))).toBe(Number.POSITIVE_INFINITY);
  });

  it('does repair buckets that are not monotonic (non-atomic scrapes), as PromQL does', () => {
    const buckets = [
      { le: 0.1, count: 10 },
      { le: 0.5, count: 8 },
      { le: Number.POSITIVE_INFINITY, count: 10 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.05, 10);
  });

  it('does match the p95 of a known log-normal latency distribution within one bucket', () => {
    const random = seededRandom(42);
    const values = Array.from({ length: 20_000 }, () => {
      // Box-Muller: log-normal around 30 ms with a heavy tail, like request latencies.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.exp(Math.log(0.03) + 0.9 * z);
    });
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = exactQuantile(values, q);
      const [lower, upper] = bucketAround(truth);
      const estimate = histogramQuantile(q, bucketsOf(values))!;
      expect(estimate).toBeGreaterThanOrEqual(lower);
      expect(estimate).toBeLessThanOrEqual(upper);
    }
  });

  it('does match the p95 of uniform latencies within one bucket, for any range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0005, max: 5, noNaN: true }),
        fc.double({ min: 1.01, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (low, spread, seed) => {
          const random = seededRandom(seed);
          const values = Array.from({ length: 500 }, () => low + random() * low * (spread - 1));
          const truth = exactQuantile(values, 0.95);
          const [lower, upper] = bucketAround(truth);
          const estimate = histogramQuantile(0.95, bucketsOf(values))!;
          expect(estimate).toBeGreaterThanOrEqual(lower);
          expect(estimate).toBeLessThanOrEqual(upper);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does grow with q', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 30, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const buckets = bucketsOf(values);
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(histogramQuantile(low, buckets)!).toBeLessThanOrEqual(histogramQuantile(high, buckets)! + 1e-12);
        },
      ),
    );
  });
});
