/** How long to wait before restarting a process that exited on its own. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** A process that stayed up this long counts as healthy again: the next crash starts from `initialMs`. */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  initialMs: 250,
  maxMs: 10_000,
  factor: 2,
  resetAfterMs: 30_000,
});

/** The delay before the next start, given how many crashes came in a row before this one. */
export function backoffDelay(policy: BackoffPolicy, consecutiveCrashes: number): number {
  const exponent = Math.min(Math.max(consecutiveCrashes, 0), 30);
  return Math.min(policy.initialMs * policy.factor ** exponent, policy.maxMs);
}
