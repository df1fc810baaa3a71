export interface FailureLimiterOptions {
  /** Failures allowed within the window; the next attempt is refused. */
  max: number;
  windowMs: number;
  /** Keys kept at most; the least recently touched are evicted first. */
  maxKeys?: number;
  now?: () => number;
}

export type LimitDecision = { limited: false } | { limited: true; retryAfterS: number };

/**
 * Counts failures per key over a sliding window, in memory and bounded: each key keeps
 * at most `max` timestamps, and at most `maxKeys` keys are kept (expired keys are
 * dropped as new ones arrive, the least recently touched go first when full).
 */
export class FailureLimiter {
  /** Insertion order is last-touch order: the first entry is the stalest. */
  private readonly entries = new Map<string, number[]>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether another attempt for `key` must wait, and for how long. */
  check(key: string): LimitDecision {
    const recent = this.recent(key, this.now());
    if (recent.length < this.options.max) return { limited: false };
    const oldestCounted = recent[recent.length - this.options.max]!;
    const retryAfterS = Math.max(1, Math.ceil((oldestCounted + this.options.windowMs - this.now()) / 1000));
    return { limited: true, retryAfterS };
  }

  /** Counts one failure (or an attempt in flight) for `key`; returns its timestamp. */
  add(key: string): number {
    const now = this.now();
    const recent = this.recent(key, now);
    recent.push(now);
    if (recent.length > this.options.max) recent.splice(0, recent.length - this.options.max);
    this.entries.delete(key);
    this.entries.set(key, recent);
    this.evict(now);
    return now;
  }

  /** Forgets every failure of `key` (a successful login). */
  clear(key: string): void {
    this.entries.delete(key);
  }

  /** Number of keys held (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  private recent(key: string, now: number): number[] {
    const stamps = this.entries.get(key);
    if (!stamps) return [];
    const from = now - this.options.windowMs;
    const kept = stamps.filter((stamp) => stamp > from);
    if (kept.length === 0) this.entries.delete(key);
    else if (kept.length !== stamps.length) this.entries.set(key, kept);
    return kept;
  }

  private evict(now: number): void {
    const from = now - this.options.windowMs;
    for (const [key, stamps] of this.entries) {
      const newest = stamps[stamps.length - 1] ?? 0;
      if (this.entries.size > this.maxKeys || newest <= from) this.entries.delete(key);
      else break;
    }
  }
}
