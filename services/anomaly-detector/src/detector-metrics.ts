import { BUSINESS_SERVICES } from '@archaics/contracts';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { IntervalEvent } from './domain/detector.ts';

/** The detector's own gauges and counters, on the service's registry (its /metrics). */
export function detectorMetrics(registry: Registry, settings: { threshold: number; baselineSamples: number }) {
  const score = new Gauge({
    name: 'anomaly_score',
    help: 'Latest Isolation Forest score per business service (0..1, higher is more anomalous).',
    labelNames: ['service'],
    registers: [registry],
  });
  const threshold = new Gauge({
    name: 'anomaly_threshold',
    help: 'Score at or over which an interval is anomalous.',
    registers: [registry],
  });
  const trained = new Gauge({
    name: 'anomaly_model_trained',
    help: '1 when a baseline has been learnt and intervals are scored.',
    registers: [registry],
  });
  const baseline = new Gauge({
    name: 'anomaly_baseline_samples',
    help: 'Baseline intervals collected (equals the required number once trained).',
    registers: [registry],
  });
  const required = new Gauge({
    name: 'anomaly_baseline_required',
    help: 'Baseline intervals required (BASELINE_SAMPLES).',
    registers: [registry],
  });
  const open = new Gauge({ name: 'anomaly_open', help: '1 while an anomaly (episode) is open.', registers: [registry] });
  const episodes = new Counter({ name: 'anomaly_episodes_total', help: 'Anomalies (episodes) opened.', registers: [registry] });
  const intervals = new Counter({
    name: 'anomaly_intervals_total',
    help: 'Intervals by phase and outcome.',
    labelNames: ['phase', 'outcome'],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'anomaly_webhook_attempts_total',
    help: 'Webhook attempts to the ai-operator by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  threshold.set(settings.threshold);
  required.set(settings.baselineSamples);
  trained.set(0);
  open.set(0);
  return {
    onInterval(event: IntervalEvent, isOpen: boolean): void {
      intervals.inc({ phase: event.phase, outcome: event.scrapeFailed ? 'scrape_failed' : 'ok' });
      baseline.set(event.baselineCount);
      trained.set(event.phase === 'scoring' ? 1 : 0);
      open.set(isOpen ? 1 : 0);
      if (event.opened) episodes.inc();
      for (const service of BUSINESS_SERVICES) {
        const value = event.scores.get(service);
        if (value === undefined || value === null) score.remove({ service });
        else score.set({ service }, value);
      }
    },
    onWebhook(outcome: 'delivered' | 'failed' | 'retrying'): void {
      webhooks.inc({ outcome });
    },
  };
}
