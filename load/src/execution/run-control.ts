/** Thrown out of an iteration that a stop cut short; counted as interrupted, never as a failure. */
export class IterationInterrupted extends Error {
  constructor() {
    super('iteration interrupted');
    this.name = 'IterationInterrupted';
  }
}

/**
 * How a run ends: `stop()` at the end of the schedule (no new iterations; running ones get their grace
 * period), `interrupt()` on Ctrl-C or the caller's signal (running iterations are cut at once).
 */
export class RunControl {
  stopping = false;
  interrupted = false;
  /** A bug in the runner surfaced from an iteration; the run stops and rethrows it. */
  error: Error | undefined;
  private readonly sleepers = new Set<() => void>();
  private readonly hardStops = new Set<() => void>();
  private interruptedNotice: Promise<void>;
  private notifyInterrupted: () => void = () => undefined;

  constructor() {
    this.interruptedNotice = new Promise((resolve) => {
      this.notifyInterrupted = resolve;
    });
  }

  /** Sleeps up to `ms`; wakes early when the run stops. */
  sleep(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  stop(): void {
    this.stopping = true;
    for (const wake of [...this.sleepers]) wake();
  }

  interrupt(): void {
    if (this.interrupted) return;
    this.interrupted = true;
    this.stop();
    this.notifyInterrupted();
    this.hardStop();
  }

  fail(error: unknown): void {
    this.error ??= error instanceof Error ? error : new Error(`an iteration threw ${String(error)}`);
    this.interrupt();
  }

  /** Registers what cuts running iterations short (the executor's VUs). */
  onHardStop(cut: () => void): void {
    this.hardStops.add(cut);
  }

  hardStop(): void {
    for (const cut of this.hardStops) cut();
  }

  /**
   * After `stop()`: waits for the running iterations up to `graceMs` (or an interrupt), then cuts them
   * and waits a little more for them to unwind; never longer than grace + `unwindMs`.
   */
  async drain(running: ReadonlySet<Promise<unknown>>, graceMs: number, unwindMs = 5_000): Promise<void> {
    const settled = (): Promise<unknown> => Promise.allSettled([...running]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([settled(), timeout, this.interruptedNotice]);
    clearTimeout(timer);
    if (running.size === 0) return;
    this.hardStop();
    const unwind = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, unwindMs);
    });
    await Promise.race([settled(), unwind]);
    clearTimeout(timer);
  }
}
