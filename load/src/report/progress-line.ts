import type { RunMetrics } from '../metrics/run-metrics.ts';

export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** On a terminal, redrawn in place every second; elsewhere (CI logs) one line every few seconds. */
const TTY_EVERY_MS = 1_000;
const LOG_EVERY_MS = 5_000;

/** The live line on stderr: time, VUs, iterations, requests and their rate, failures, drops, p95 so far. */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private lastRequests = 0;
  private lastAt = 0;

  constructor(
    private readonly output: ProgressOutput,
    private readonly metrics: RunMetrics,
    private readonly scenario: string,
    private readonly plannedS: number,
  ) {}

  start(): void {
    const every = this.output.isTTY ? TTY_EVERY_MS : LOG_EVERY_MS;
    this.lastAt = performance.now();
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  line(now = performance.now()): string {
    const m = this.metrics;
    const seconds = (now - this.lastAt) / 1_000;
    const rate = seconds > 0 ? (m.requests - this.lastRequests) / seconds : 0;
    this.lastRequests = m.requests;
    this.lastAt = now;
    return (
      `${this.scenario} ${m.elapsedS(now).toFixed(0).padStart(3)}s/${this.plannedS.toFixed(0)}s` +
      `  vus ${m.vus.active}/${m.vus.allocated}  iters ${m.iterations.completed}  reqs ${m.requests} (${rate.toFixed(0)}/s)` +
      `  failed ${m.failed}  dropped ${m.iterations.dropped}  p95 ${m.serviceTime.percentile(95).toFixed(1)}ms`
    );
  }

  private draw(): void {
    const text = this.line();
    this.output.write(this.output.isTTY ? `\r\x1b[2K${text}` : `${text}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.output.isTTY) this.output.write('\r\x1b[2K');
  }
}
