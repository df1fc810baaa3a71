import { Worker } from 'node:worker_threads';

const MIB = 1024 * 1024;
/** How often the leak grows: small steps, so RSS rises steadily rather than once a second. */
const STEP_MS = 250;

/** Keeps every chunk it is sent the size of; allocUnsafe + fill writes every page (a zero-filled allocation may stay unbacked). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const chunks = [];
parentPort.on('message', (size) => chunks.push(Buffer.allocUnsafe(size).fill(0xa5)));
`;

/**
 * A memory leak on purpose (SPEC 2.1 `leak`): `intensity` MiB more every second, in real,
 * reachable allocations whose every page is written (so they count in the resident set),
 * until {@link stop} or the cap. They live in a worker thread of the process, so that
 * stopping frees them at once (the worker ends) rather than at some later collection.
 */
export class MemoryLeak {
  private worker: Worker | undefined;
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
    this.worker ??= this.spawn();
    const step = Math.max(1, Math.round((mibPerSecond * MIB * STEP_MS) / 1000));
    this.timer = setInterval(() => this.grow(step), STEP_MS);
    this.timer.unref();
  }

  /** Stops growing and frees everything held. */
  stop(): void {
    this.stopTimer();
    const worker = this.worker;
    this.worker = undefined;
    this.held = 0;
    if (worker) void worker.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('error', () => undefined);
    // A worker that ends on its own (out of memory) holds nothing any more.
    worker.once('exit', () => {
      if (this.worker === worker) this.stop();
    });
    return worker;
  }

  private grow(step: number): void {
    const size = Math.min(step, this.capBytes - this.held);
    if (size <= 0 || !this.worker) {
      this.stopTimer();
      return;
    }
    this.worker.postMessage(size);
    this.held += size;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export const MEBIBYTE = MIB;
