import { Gauge } from 'prom-client';
import { registerTotalsCounter, type ServiceMetrics } from '@archaics/server';
import type { SpanRepository } from './repositories/span.repository.ts';

/**
 * The span store on the telemetry process's /metrics, read from the store at each scrape:
 * `telemetry_spans_stored{service}`, `telemetry_traces_stored`, `telemetry_span_blocks_stored`,
 * `telemetry_spans_written_total` (new spans written since the process started; a span sent
 * again is not written twice) and `telemetry_span_blocks_unreadable_total`.
 */
export function registerStoreMetrics(metrics: ServiceMetrics, spans: SpanRepository): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'telemetry_spans_stored',
    help: 'Spans in the local span store, by service.',
    labelNames: ['service'],
    registers,
    collect() {
      this.reset();
      for (const [service, n] of spans.spansByService()) this.set({ service }, n);
    },
  });
  new Gauge({
    name: 'telemetry_traces_stored',
    help: 'Traces with at least one span in the local span store.',
    registers,
    collect() {
      this.set(spans.stats().traces);
    },
  });
  new Gauge({
    name: 'telemetry_span_blocks_stored',
    help: 'Rows of the span store (one per export request with new spans).',
    registers,
    collect() {
      this.set(spans.stats().blocks);
    },
  });
  registerTotalsCounter(
    metrics,
    { name: 'telemetry_spans_written_total', help: 'Spans written to the local span store since the process started.' },
    () => [[{}, spans.stats().written]],
  );
  registerTotalsCounter(
    metrics,
    { name: 'telemetry_span_blocks_unreadable_total', help: 'Rows of the span store that could not be decoded when it opened (deleted).' },
    () => [[{}, spans.stats().unreadable]],
  );
}
