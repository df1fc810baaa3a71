export interface VuSegment {
  readonly durationMs: number;
  readonly target: number;
}

/**
 * The number of active VUs over time for ramping-vus, as k6 counts it: linear between stage targets,
 * truncated toward the earlier target (on a ramp from 0 to 10 over 10 s the n-th VU starts at n s).
 */
export class VuRamp {
  readonly durationMs: number;
  readonly peak: number;

  constructor(
    private readonly startVUs: number,
    private readonly segments: readonly VuSegment[],
  ) {
    this.durationMs = segments.reduce((sum, s) => sum + s.durationMs, 0);
    this.peak = Math.max(startVUs, ...segments.map((s) => s.target));
  }

  vusAt(elapsedMs: number): number {
    let from = this.startVUs;
    let startMs = 0;
    for (const segment of this.segments) {
      const endMs = startMs + segment.durationMs;
      if (elapsedMs < endMs) {
        return from + Math.trunc(((segment.target - from) * (elapsedMs - startMs)) / segment.durationMs);
      }
      from = segment.target;
      startMs = endMs;
    }
    return from;
  }
}
