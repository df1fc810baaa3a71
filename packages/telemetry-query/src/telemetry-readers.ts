import { BUSINESS_SERVICES, SERVICE_PORTS, SERVICE_URL_ENV, type BusinessService } from '@archaics/contracts';
import { ConfigError, envReader, type Env } from '@archaics/runtime';
import { LocalLogReader } from './logs/local-log-reader.ts';
import type { LogReader } from './logs/log-reader.ts';
import { LokiLogReader } from './logs/loki-log-reader.ts';
import type { MetricsReader } from './metrics/metrics-reader.ts';
import { PrometheusMetricsReader, prometheusQueries } from './metrics/prometheus-metrics-reader.ts';
import { ScrapeMetricsReader, type ScrapeTarget } from './metrics/scrape-metrics-reader.ts';
import { JaegerTraceReader } from './traces/jaeger-trace-reader.ts';
import type { TraceReader } from './traces/trace-reader.ts';

/** Canonical port of the telemetry process's query API (Jaeger's). */
export const TELEMETRY_QUERY_PORT = 16686;

/** Where each kind of telemetry is read from, parsed once from the environment. */
export interface TelemetryConfig {
  readonly metrics:
    | { readonly kind: 'scrape'; readonly targets: readonly ScrapeTarget[]; readonly timeoutMs: number }
    | {
        readonly kind: 'prometheus';
        readonly url: string;
        readonly window: string;
        readonly targetLabel: string;
        readonly timeoutMs: number;
      };
  readonly traces: { readonly kind: 'local' | 'jaeger'; readonly url: string; readonly timeoutMs: number };
  readonly logs:
    | { readonly kind: 'local'; readonly url: string; readonly timeoutMs: number }
    | { readonly kind: 'loki'; readonly url: string; readonly serviceLabel: string; readonly timeoutMs: number };
}

/**
 * Reads the telemetry configuration; a bad value throws a {@link ConfigError} naming the
 * variable. Variables:
 * - `PROMETHEUS_URL`: metrics through Prometheus (else each service's /metrics is scraped at
 *   its `*_SERVICE_URL`, canonical ports by default); `PROMETHEUS_RATE_WINDOW` (default
 *   `1m`), `PROMETHEUS_TARGET_LABEL` (label naming the service on `up` and process
 *   metrics, default `job`); `SCRAPE_TIMEOUT_MS` (default 1000).
 * - `JAEGER_URL`: a real Jaeger's query service (e.g. `http://jaeger:16686`); else
 *   `TELEMETRY_QUERY_URL`, the local telemetry process (default `http://127.0.0.1:16686`).
 * - `LOKI_URL`: logs through Loki, `LOKI_SERVICE_LABEL` (default `service`); else the
 *   local telemetry process at `TELEMETRY_QUERY_URL`.
 * - `TELEMETRY_TIMEOUT_MS`: deadline of a query to Prometheus, Jaeger, Loki or the
 *   telemetry process (default 5000).
 * - `ARCHAICS_PORT_OFFSET`: added to every default port, as `archaics up` does for a
 *   second stack (default 0).
 */
export function readTelemetryConfig(env: Env = process.env): TelemetryConfig {
  const read = envReader(env);
  const offset = read.int('ARCHAICS_PORT_OFFSET', 0, { min: 0, max: 57_000 });
  const timeoutMs = read.int('TELEMETRY_TIMEOUT_MS', 5000, { min: 1, max: 120_000 });
  const optionalUrl = (name: string): string | undefined => (read.optionalString(name) === undefined ? undefined : read.url(name, ''));
  const localQueryUrl = read.url('TELEMETRY_QUERY_URL', `http://127.0.0.1:${TELEMETRY_QUERY_PORT + offset}`);

  const prometheusUrl = optionalUrl('PROMETHEUS_URL');
  let metrics: TelemetryConfig['metrics'];
  if (prometheusUrl === undefined) {
    const targets = BUSINESS_SERVICES.map((service: BusinessService): ScrapeTarget => ({
      service,
      url: read.url(SERVICE_URL_ENV[service], `http://127.0.0.1:${SERVICE_PORTS[service] + offset}`),
    }));
    metrics = { kind: 'scrape', targets, timeoutMs: read.int('SCRAPE_TIMEOUT_MS', 1000, { min: 1, max: 60_000 }) };
  } else {
    const window = read.string('PROMETHEUS_RATE_WINDOW', '1m');
    const targetLabel = read.string('PROMETHEUS_TARGET_LABEL', 'job');
    try {
      prometheusQueries(BUSINESS_SERVICES, window, 'job');
    } catch {
      throw new ConfigError('PROMETHEUS_RATE_WINDOW', `must be a PromQL duration such as 30s or 1m, got "${window}"`);
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(targetLabel)) {
      throw new ConfigError('PROMETHEUS_TARGET_LABEL', `must be a Prometheus label name, got "${targetLabel}"`);
    }
    metrics = { kind: 'prometheus', url: prometheusUrl, window, targetLabel, timeoutMs };
  }

  const jaegerUrl = optionalUrl('JAEGER_URL');
  const traces: TelemetryConfig['traces'] =
    jaegerUrl === undefined ? { kind: 'local', url: localQueryUrl, timeoutMs } : { kind: 'jaeger', url: jaegerUrl, timeoutMs };

  const lokiUrl = optionalUrl('LOKI_URL');
  let logs: TelemetryConfig['logs'];
  if (lokiUrl === undefined) {
    logs = { kind: 'local', url: localQueryUrl, timeoutMs };
  } else {
    const serviceLabel = read.string('LOKI_SERVICE_LABEL', 'service');
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(serviceLabel))
      throw new ConfigError('LOKI_SERVICE_LABEL', `must be a Loki label name, got "${serviceLabel}"`);
    logs = { kind: 'loki', url: lokiUrl, serviceLabel, timeoutMs };
  }
  return Object.freeze({ metrics: Object.freeze(metrics), traces: Object.freeze(traces), logs: Object.freeze(logs) });
}

/** One reader per kind of telemetry, and where each reads from. */
export interface TelemetryReaders {
  readonly metrics: MetricsReader;
  readonly traces: TraceReader;
  readonly logs: LogReader;
  /** The configuration the readers were made from (for status output: which backend, which URL). */
  readonly config: TelemetryConfig;
}

/**
 * Creates the readers the environment asks for: Prometheus when `PROMETHEUS_URL` is set,
 * else direct scrapes; Jaeger at `JAEGER_URL`, else the local telemetry process; Loki at
 * `LOKI_URL`, else the local telemetry process (see {@link readTelemetryConfig}). Callers
 * see only the interfaces.
 */
export function createTelemetryReaders(env: Env = process.env): TelemetryReaders {
  return telemetryReadersFrom(readTelemetryConfig(env));
}

/** The readers of a configuration already read (a service reads it with its own at start). */
export function telemetryReadersFrom(config: TelemetryConfig): TelemetryReaders {
  const metrics: MetricsReader =
    config.metrics.kind === 'scrape'
      ? new ScrapeMetricsReader({ targets: config.metrics.targets, timeoutMs: config.metrics.timeoutMs })
      : new PrometheusMetricsReader({
          url: config.metrics.url,
          window: config.metrics.window,
          targetLabel: config.metrics.targetLabel,
          timeoutMs: config.metrics.timeoutMs,
        });
  const traces = new JaegerTraceReader(config.traces.url, {
    timeoutMs: config.traces.timeoutMs,
    backend: config.traces.kind === 'local' ? 'telemetry' : 'jaeger',
  });
  const logs: LogReader =
    config.logs.kind === 'local'
      ? new LocalLogReader(config.logs.url, { timeoutMs: config.logs.timeoutMs })
      : new LokiLogReader(config.logs.url, { serviceLabel: config.logs.serviceLabel, timeoutMs: config.logs.timeoutMs });
  return Object.freeze({ metrics, traces, logs, config });
}
