/**
 * Pure arithmetic over Prometheus counters and histograms, as PromQL does it: counter
 * deltas that survive resets, rates, and quantiles from cumulative buckets.
 */

/** One cumulative histogram bucket: `count` observations were `<= le` (seconds). */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The increase of a counter between two readings. A counter that went down was reset
 * (the process restarted): the new value is the increase since the reset, as PromQL's
 * `increase()` assumes. Without an earlier reading the whole value counts. Never
 * negative; a non-finite reading counts as no increase.
 */
export function counterDelta(previous: number | undefined, current: number): number {
  if (!Number.isFinite(current) || current < 0) return 0;
  if (previous === undefined || !Number.isFinite(previous)) return current;
  return current >= previous ? current - previous : current;
}

/** Per-second rate of an increase over `seconds`; 0 when the window is empty. */
export function perSecond(increase: number, seconds: number): number {
  if (!(seconds > 0) || !Number.isFinite(increase) || increase <= 0) return 0;
  return increase / seconds;
}

/** `part / whole`, 0 when there is no whole (an error ratio with no requests is 0). */
export function ratio(part: number, whole: number): number {
  if (!(whole > 0) || !Number.isFinite(part)) return 0;
  return Math.min(1, Math.max(0, part / whole));
}

/**
 * The increase of a histogram series between two readings, bucket by bucket. The series
 * was reset (the process restarted) when any bucket went down, or when the increases are
 * not cumulative any more (a lower bucket grew more than a higher one, impossible without
 * a reset): then the current buckets are the increase, for every bucket at once.
 */
export function histogramDelta(previous: readonly Bucket[] | undefined, current: readonly Bucket[]): Bucket[] {
  const fresh = current.map((b) => ({ le: b.le, count: Math.max(0, b.count) }));
  if (previous === undefined) return fresh;
  const before = new Map(previous.map((b) => [b.le, b.count]));
  if (current.some((b) => b.count < (before.get(b.le) ?? 0))) return fresh;
  const delta = current.map((b) => ({ le: b.le, count: counterDelta(before.get(b.le), b.count) }));
  const byBound = [...delta].sort((a, b) => a.le - b.le);
  const cumulative = byBound.every((b, i) => i === 0 || b.count >= byBound[i - 1]!.count);
  return cumulative ? delta : fresh;
}

/** Adds histograms bucket by bucket (PromQL's `sum by (le)`). */
export function sumBuckets(histograms: Iterable<readonly Bucket[]>): Bucket[] {
  const totals = new Map<number, number>();
  for (const histogram of histograms) {
    for (const bucket of histogram) totals.set(bucket.le, (totals.get(bucket.le) ?? 0) + bucket.count);
  }
  return [...totals].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile of cumulative buckets, as PromQL's `histogram_quantile`: find the bucket
 * holding the rank, then interpolate linearly inside it (the lowest bucket starts at 0).
 * A rank in the `+Inf` bucket gives the highest finite bound. `null` where PromQL gives
 * NaN: no `+Inf` bucket, fewer than two buckets, or no observations.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  if (Number.isNaN(q)) return null;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = sumBuckets([buckets]);
  if (sorted.length < 2 || sorted[sorted.length - 1]?.le !== Number.POSITIVE_INFINITY) return null;
  // Counts must not decrease with le (scrapes are not atomic; PromQL fixes it the same way).
  let running = 0;
  const cumulative = sorted.map((b) => {
    running = Math.max(running, b.count);
    return { le: b.le, count: running };
  });
  const observations = cumulative[cumulative.length - 1]!.count;
  if (!(observations > 0)) return null;
  let rank = q * observations;
  let index = cumulative.findIndex((b, i) => i < cumulative.length - 1 && b.count >= rank);
  if (index === -1) index = cumulative.length - 1;
  if (index === cumulative.length - 1) return cumulative[cumulative.length - 2]!.le;
  const bucket = cumulative[index]!;
  if (index === 0 && bucket.le <= 0) return bucket.le;
  let start = 0;
  let count = bucket.count;
  if (index > 0) {
    const below = cumulative[index - 1]!;
    start = below.le;
    count -= below.count;
    rank -= below.count;
  }
  return start + (bucket.le - start) * (count > 0 ? rank / count : 0);
}
