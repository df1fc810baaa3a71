import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Each worker alternates busy and idle slices of SLICE_MS so that it keeps `duty`
 * (0..1) of one core busy; Atomics.wait idles without spinning.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const slice = workerData.sliceMs;
const busy = slice * workerData.duty;
const idle = new Int32Array(new SharedArrayBuffer(4));
let x = 0;
for (;;) {
  const start = performance.now();
  while (performance.now() - start < busy) x = (x + Math.sqrt(x + 1)) % 1e9;
  if (slice - busy > 0) Atomics.wait(idle, 0, 0, slice - busy);
}
`;
const SLICE_MS = 100;

/** Burns CPU in worker threads: intensity N keeps N×10% of each of up to `maxWorkers` cores busy. */
export class CpuBurner {
  private workers: Worker[] = [];

  constructor(private readonly maxWorkers: number = availableParallelism()) {}

  get running(): boolean {
    return this.workers.length > 0;
  }

  /** Number of worker threads currently burning. */
  get workerCount(): number {
    return this.workers.length;
  }

  start(intensity: number): void {
    this.stop();
    const duty = Math.min(1, Math.max(0.05, intensity / 10));
    const count = Math.max(1, this.maxWorkers);
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { duty, sliceMs: SLICE_MS } });
      worker.unref();
      worker.on('error', () => undefined);
      this.workers.push(worker);
    }
  }

  stop(): void {
    const workers = this.workers;
    this.workers = [];
    for (const worker of workers) void worker.terminate();
  }
}
