/** A piece of a rate curve: the rate goes linearly from `fromPerS` to `toPerS` over `durationMs`. */
export interface RateSegment {
  readonly durationMs: number;
  readonly fromPerS: number;
  readonly toPerS: number;
}

interface Piece {
  readonly startMs: number;
  readonly durationMs: number;
  /** Rates in iterations per millisecond. */
  readonly from: number;
  readonly to: number;
  /** Iterations due before this piece (fractional). */
  readonly startCount: number;
  readonly endCount: number;
}

const EPSILON = 1e-9;

/**
 * When each iteration of an open model is due: the i-th (from 0) starts when the integral of the rate
 * reaches i, as k6's arrival-rate executors do. The schedule is fixed in advance: a slow system never
 * moves it, which is what keeps coordinated omission out of the numbers.
 */
export class ArrivalSchedule {
  readonly total: number;
  readonly durationMs: number;
  private readonly pieces: Piece[] = [];
  private cursor = 0;

  constructor(segments: readonly RateSegment[]) {
    let startMs = 0;
    let count = 0;
    for (const segment of segments) {
      const from = segment.fromPerS / 1_000;
      const to = segment.toPerS / 1_000;
      const endCount = count + ((from + to) / 2) * segment.durationMs;
      this.pieces.push({ startMs, durationMs: segment.durationMs, from, to, startCount: count, endCount });
      startMs += segment.durationMs;
      count = endCount;
    }
    this.durationMs = startMs;
    this.total = Math.floor(count + EPSILON);
  }

  /** The offset (ms from the start) at which iteration `i` (0 ≤ i < total) is due. */
  at(i: number): number {
    if (i < 0 || i >= this.total) throw new RangeError(`iteration ${i} is outside 0..${this.total - 1}`);
    const current = this.pieces[this.cursor];
    if (!current || i < current.startCount - EPSILON) this.cursor = 0;
    let piece = this.pieces[this.cursor];
    while (piece && i >= piece.endCount - EPSILON && this.cursor < this.pieces.length - 1) piece = this.pieces[++this.cursor];
    if (!piece) throw new RangeError('empty schedule');
    const k = Math.max(0, i - piece.startCount);
    const a = (piece.to - piece.from) / (2 * piece.durationMs || 1);
    // Solves from·x + a·x² = k for x ≥ 0 in the form that stays exact when a is 0.
    const root = Math.sqrt(Math.max(0, piece.from * piece.from + 4 * a * k));
    const x = k === 0 ? 0 : (2 * k) / (piece.from + root);
    return piece.startMs + Math.min(x, piece.durationMs);
  }
}
