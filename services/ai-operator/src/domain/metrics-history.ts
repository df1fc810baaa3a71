import type { MetricsReader, MetricsSample } from '@archaics/telemetry-query';

/**
 * The operator's metrics samples over the last minutes: taken in the background every
 * interval (for the baseline) and on demand during an incident. One reader, so each
 * sample's window is the time since the one before.
 */
export class MetricsHistory {
  private readonly samples: MetricsSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly reader: MetricsReader,
    private readonly options: { readonly keepMs: number; readonly now?: () => number; readonly onError?: (error: Error) => void },
  ) {}

  /** Samples every `intervalMs` until {@link stop}; 0 does nothing. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    const tick = (): void => {
      this.sampleNow()
        .catch((error: Error) => this.options.onError?.(error))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async sampleNow(): Promise<MetricsSample> {
    const sample = await this.reader.sample();
    this.samples.push(sample);
    const oldest = (this.options.now ?? Date.now)() - this.options.keepMs;
    while (this.samples.length > 0 && this.samples[0]!.timestamp < oldest) this.samples.shift();
    return sample;
  }

  latest(): MetricsSample | undefined {
    return this.samples.at(-1);
  }

  /** Samples taken in [from, to). */
  between(from: number, to: number): MetricsSample[] {
    return this.samples.filter((s) => s.timestamp >= from && s.timestamp < to);
  }
}
