const MIB = 1024 * 1024;
/** How often the leak grows: small steps, so RSS rises steadily rather than once a second. */
const STEP_MS = 250;

/**
 * A memory leak on purpose (SPEC 2.1 `leak`): `intensity` MiB more every second, in real,
 * reachable allocations whose every page is written (so they count in the resident set),
 * until {@link stop} or the cap. Stopping drops every reference, so the next collection
 * frees them.
 */
export class MemoryLeak {
  private chunks: Buffer[] = [];
  private held = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly capBytes: number) {}

  /** Bytes held now. */
  get heldBytes(): number {
    return this.held;
  }

  /** Starts leaking `mibPerSecond` MiB per second; replaces a running leak's rate and keeps what it holds. */
  start(mibPerSecond: number): void {
    this.stopTimer();
    const step = Math.max(1, Math.round((mibPerSecond * MIB * STEP_MS) / 1000));
    this.timer = setInterval(() => this.grow(step), STEP_MS);
    this.timer.unref();
  }

  /** Stops growing and lets go of everything held. */
  stop(): void {
    this.stopTimer();
    this.chunks = [];
    this.held = 0;
  }

  private grow(step: number): void {
    const size = Math.min(step, this.capBytes - this.held);
    if (size <= 0) {
      this.stopTimer();
      return;
    }
    // allocUnsafe + fill writes every page; a zero-filled allocation may stay unbacked.
    this.chunks.push(Buffer.allocUnsafe(size).fill(0xa5));
    this.held += size;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export const MEBIBYTE = MIB;
