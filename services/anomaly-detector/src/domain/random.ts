import { seededRandom } from '@archaics/runtime';

/** A seeded pseudo-random source (mulberry32): the same seed gives the same sequence on every platform. */
export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.#next = seededRandom(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** A float in [low, high); `low` when the two are equal. Safe for ranges wider than Number.MAX_VALUE. */
  uniform(low: number, high: number): number {
    const r = this.next();
    const width = high - low;
    return Number.isFinite(width) ? low + r * width : low * (1 - r) + high * r;
  }

  /** An integer in [0, n). */
  integer(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** `k` distinct indices from [0, n), in draw order (partial Fisher-Yates). */
  sampleWithoutReplacement(n: number, k: number): number[] {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
    if (!Number.isSafeInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, ${n}], got ${k}`);
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.integer(n - i);
      const picked = pool[j]!;
      pool[j] = pool[i]!;
      pool[i] = picked;
    }
    return pool.slice(0, k);
  }
}
