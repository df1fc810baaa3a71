import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EDGE_ONLY_FAULT_TYPES, FAULT_TYPES } from '@archaics/contracts';

/** Latency buckets (seconds): fine below 100 ms, coarse up to the longest injected timeout. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20];

/** Outcome label of `upstream_requests_total`. */
export type UpstreamOutcome = 'success' | 'client_error' | 'error' | 'timeout' | 'unreachable' | 'circuit_open' | 'bad_data';

/** The SPEC §6 metrics of one service, on a registry of its own. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'service' | 'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'service' | 'method' | 'route' | 'status'>;
  readonly upstreamRequests: Counter<'service' | 'upstream' | 'outcome'>;
  readonly upstreamDuration: Histogram<'service' | 'upstream'>;
  readonly upstreamBadData: Counter<'service' | 'upstream'>;
  readonly chaosActive: Gauge<'service' | 'type' | 'scope'>;
  readonly chaosInjections: Counter<'service' | 'type'>;
  readonly service: string;
}

/** Creates the registry with SPEC §6 metrics and the process defaults (CPU, memory, event-loop lag). */
export function createMetrics(service: string, options: { defaults?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const metrics: ServiceMetrics = {
    registry,
    service,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests handled, by route and status.',
      labelNames: ['service', 'method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to handle an HTTP request, injected delays included.',
      labelNames: ['service', 'method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    upstreamRequests: new Counter({
      name: 'upstream_requests_total',
      help: 'Calls to dependencies, by upstream and outcome.',
      labelNames: ['service', 'upstream', 'outcome'],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'upstream_request_duration_seconds',
      help: 'Duration of dependency calls, retries included.',
      labelNames: ['service', 'upstream'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    upstreamBadData: new Counter({
      name: 'upstream_bad_data_total',
      help: 'Dependency answers that arrived but carried invalid records (dropped or refused by the caller).',
      labelNames: ['service', 'upstream'],
      registers: [registry],
    }),
    chaosActive: new Gauge({
      name: 'chaos_failure_active',
      help: '1 while a fault of this type is injected, by scope (service, route:<template>, edge:<upstream>).',
      labelNames: ['service', 'type', 'scope'],
      registers: [registry],
    }),
    chaosInjections: new Counter({
      name: 'chaos_injections_total',
      help: 'Faults injected since start.',
      labelNames: ['service', 'type'],
      registers: [registry],
    }),
  };
  for (const type of FAULT_TYPES) {
    if (!EDGE_ONLY_FAULT_TYPES.includes(type)) metrics.chaosActive.set({ service, type, scope: 'service' }, 0);
    metrics.chaosInjections.inc({ service, type }, 0);
  }
  return metrics;
}

/** What an OTLP span exporter reports (see `Tracing.exportStats`). */
export interface SpanExportCounts {
  readonly exported: number;
  readonly dropped: number;
  readonly failed: number;
}

/**
 * A counter that mirrors running totals kept elsewhere (an exporter's, a store's): each scrape
 * reads them and adds what each grew by since the last scrape, per label set. A total that went
 * down adds nothing until it passes its last value again.
 */
export function registerTotalsCounter(
  metrics: ServiceMetrics,
  counter: { name: string; help: string; labelNames?: readonly string[] },
  read: () => ReadonlyArray<readonly [labels: Record<string, string>, total: number]>,
): void {
  const last = new Map<string, number>();
  new Counter({
    name: counter.name,
    help: counter.help,
    labelNames: counter.labelNames ?? [],
    registers: [metrics.registry],
    collect() {
      for (const [labels, total] of read()) {
        const key = JSON.stringify(labels);
        const delta = total - (last.get(key) ?? 0);
        this.inc(labels, delta > 0 ? delta : 0);
        if (delta > 0) last.set(key, total);
      }
    },
  });
}

/**
 * `otlp_exported_spans_total{service,outcome}` (exported, dropped: the queue was full,
 * failed: the collector refused or could not be reached), read from the exporter's own
 * counts each time /metrics is scraped, so that spans a service could not send are seen.
 */
export function registerSpanExportMetrics(metrics: ServiceMetrics, counts: () => SpanExportCounts | undefined): void {
  const service = metrics.service;
  registerTotalsCounter(
    metrics,
    {
      name: 'otlp_exported_spans_total',
      help: 'Spans the OTLP exporter handled, by outcome: exported, dropped (queue full), failed (refused or unreachable).',
      labelNames: ['service', 'outcome'],
    },
    () => {
      const now = counts();
      return (['exported', 'dropped', 'failed'] as const).map((outcome) => [{ service, outcome }, now?.[outcome] ?? 0] as const);
    },
  );
}
