import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';
import { backendEndpoint, getJson, isRecord, snippet, TelemetryQueryError, type BackendEndpoint } from '../http-query.ts';
import {
  activeChaos,
  CONTROL_ROUTE_PATTERN,
  downSample,
  UPSTREAM_OK_OUTCOMES,
  type MetricsReader,
  type MetricsSample,
  type ServiceSample,
  type UpstreamSample,
} from './metrics-reader.ts';
import { ratio } from './series-math.ts';

/** Options of {@link PrometheusMetricsReader}. */
export interface PrometheusMetricsReaderOptions {
  /** Base URL of Prometheus (`PROMETHEUS_URL`), path prefix included; credentials in it become a Basic header. */
  readonly url: string;
  /** Services to report (default `BUSINESS_SERVICES`). */
  readonly services?: readonly BusinessService[];
  /** PromQL range of `rate()` (default `1m`; keep it at least twice the scrape interval). */
  readonly window?: string;
  /**
   * Label that names the service on series the services do not label themselves: `up`
   * and the process metrics (CPU, memory, event loop). Default `job`, so scrape jobs
   * are named after the services; use `service` or `app` where relabelling sets those.
   */
  readonly targetLabel?: string;
  /** Deadline of each query (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. `X-Scope-OrgID` for Mimir/Cortex). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Clock in ms; also the evaluation time of every query of a sample (default `Date.now`). */
  readonly now?: () => number;
}

/** One instant-vector element of the Prometheus HTTP API. */
export interface PromVectorElement {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The PromQL expressions one sample evaluates, by name (exported so docs and tests can show them). */
export interface PrometheusQueries {
  readonly requests: string;
  readonly errors: string;
  readonly p50: string;
  readonly p95: string;
  readonly p99: string;
  readonly upstreamCalls: string;
  readonly upstreamErrors: string;
  readonly upstreamP95: string;
  readonly chaos: string;
  readonly up: string;
  readonly cpu: string;
  readonly memory: string;
  readonly lag: string;
  readonly lagP99: string;
  readonly restarts: string;
}

const PROMQL_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** The PromQL of one sample: rates over `window`, quantiles with `histogram_quantile` over summed bucket rates. */
export function prometheusQueries(services: readonly string[], window: string, targetLabel: string): PrometheusQueries {
  if (!PROMQL_DURATION.test(window)) throw new Error(`not a PromQL duration: "${window}"`);
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(targetLabel)) throw new Error(`not a label name: "${targetLabel}"`);
  const names = services.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
  const own = `service=~"${names}"`;
  const business = `${own},route!~"${CONTROL_ROUTE_PATTERN}"`;
  const target = `${targetLabel}=~"${names}"`;
  const quantile = (q: number): string =>
    `histogram_quantile(${q}, sum by (le, service) (rate(http_request_duration_seconds_bucket{${business}}[${window}])))`;
  return {
    requests: `sum by (service) (rate(http_requests_total{${business}}[${window}]))`,
    errors: `sum by (service) (rate(http_requests_total{${business},status=~"5.."}[${window}]))`,
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
    upstreamCalls: `sum by (service, upstream) (rate(upstream_requests_total{${own}}[${window}]))`,
    upstreamErrors: `sum by (service, upstream) (rate(upstream_requests_total{${own},outcome!~"${UPSTREAM_OK_OUTCOMES.join('|')}"}[${window}]))`,
    upstreamP95: `histogram_quantile(0.95, sum by (le, service, upstream) (rate(upstream_request_duration_seconds_bucket{${own}}[${window}])))`,
    chaos: `max by (service, type, scope) (chaos_failure_active{${own}})`,
    up: `min by (${targetLabel}) (up{${target}})`,
    cpu: `sum by (${targetLabel}) (rate(process_cpu_seconds_total{${target}}[${window}]))`,
    memory: `sum by (${targetLabel}) (process_resident_memory_bytes{${target}})`,
    lag: `max by (${targetLabel}) (nodejs_eventloop_lag_seconds{${target}})`,
    lagP99: `max by (${targetLabel}) (nodejs_eventloop_lag_p99_seconds{${target}})`,
    restarts: `max by (${targetLabel}) (changes(process_start_time_seconds{${target}}[${window}]))`,
  };
}

/** Seconds of a PromQL duration such as `1m` or `1m30s`. */
export function promDurationSeconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * (units[unit!] ?? 0);
  return total;
}

/**
 * The real-stack metrics reader: the same numbers as {@link ScrapeMetricsReader}, computed
 * by Prometheus with PromQL over `/api/v1/query` (all queries of a sample at one
 * evaluation time). Rejects with a {@link TelemetryQueryError} when Prometheus cannot
 * answer; a service without an `up` series is reported down.
 */
export class PrometheusMetricsReader implements MetricsReader {
  private readonly endpoint: BackendEndpoint;
  private readonly services: readonly BusinessService[];
  private readonly windowSeconds: number;
  private readonly targetLabel: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** The expressions evaluated by every sample. */
  readonly queries: PrometheusQueries;

  constructor(options: PrometheusMetricsReaderOptions) {
    this.endpoint = backendEndpoint(options.url, options.headers);
    this.services = options.services ?? BUSINESS_SERVICES;
    const window = options.window ?? '1m';
    this.targetLabel = options.targetLabel ?? 'job';
    this.queries = prometheusQueries(this.services, window, this.targetLabel);
    this.windowSeconds = promDurationSeconds(window);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  async sample(): Promise<MetricsSample> {
    const timestamp = this.now();
    const names = Object.keys(this.queries) as (keyof PrometheusQueries)[];
    const results = await Promise.all(names.map((name) => this.query(this.queries[name], timestamp)));
    const r = Object.fromEntries(names.map((name, i) => [name, results[i]!])) as Record<keyof PrometheusQueries, PromVectorElement[]>;

    const byService = (elements: readonly PromVectorElement[], label = 'service'): Map<string, number> =>
      new Map(elements.map((e) => [e.metric[label] ?? '', e.value]));
    const requests = byService(r.requests);
    const errors = byService(r.errors);
    const [p50, p95, p99] = [byService(r.p50), byService(r.p95), byService(r.p99)];
    const up = byService(r.up, this.targetLabel);
    const cpu = byService(r.cpu, this.targetLabel);
    const memory = byService(r.memory, this.targetLabel);
    const lag = byService(r.lag, this.targetLabel);
    const lagP99 = byService(r.lagP99, this.targetLabel);
    const restarts = byService(r.restarts, this.targetLabel);
    const upstreamKey = (e: PromVectorElement): string => `${e.metric.service ?? ''}\u0000${e.metric.upstream ?? ''}`;
    const upstreamErrors = new Map(r.upstreamErrors.map((e) => [upstreamKey(e), e.value]));
    const upstreamP95 = new Map(r.upstreamP95.map((e) => [upstreamKey(e), e.value]));

    const services = this.services.map((service): ServiceSample => {
      const upValue = up.get(service);
      if (upValue === undefined) {
        return downSample(service, `no up{${this.targetLabel}="${service}"} series in Prometheus`);
      }
      if (upValue < 1) return downSample(service, `Prometheus cannot scrape ${service} (up=0)`);
      const total = finiteOr(requests.get(service), 0);
      const upstreams: UpstreamSample[] = r.upstreamCalls
        .filter((e) => e.metric.service === service && e.metric.upstream)
        .map((e) => ({
          upstream: e.metric.upstream!,
          callRate: finiteOr(e.value, 0),
          errorRatio: ratio(finiteOr(upstreamErrors.get(upstreamKey(e)), 0), finiteOr(e.value, 0)),
          p95Seconds: finiteOr(upstreamP95.get(upstreamKey(e)), null),
        }))
        .sort((a, b) => (a.upstream < b.upstream ? -1 : 1));
      return {
        service,
        up: true,
        restarted: finiteOr(restarts.get(service), 0) > 0,
        windowSeconds: this.windowSeconds,
        requestRate: total,
        errorRatio: ratio(finiteOr(errors.get(service), 0), total),
        latency: {
          p50: finiteOr(p50.get(service), null),
          p95: finiteOr(p95.get(service), null),
          p99: finiteOr(p99.get(service), null),
        },
        cpuCores: finiteOr(cpu.get(service), null),
        residentMemoryBytes: finiteOr(memory.get(service), null),
        eventLoopLagSeconds: finiteOr(lag.get(service), null),
        eventLoopLagP99Seconds: finiteOr(lagP99.get(service), null),
        upstreams,
        ...activeChaos(
          r.chaos.filter((e) => e.metric.service === service).map((e) => ({ type: e.metric.type, scope: e.metric.scope, value: e.value })),
        ),
      };
    });
    return { timestamp, source: 'prometheus', services };
  }

  /** Evaluates one instant query at `timestampMs` and returns its vector. */
  async query(expr: string, timestampMs: number = this.now()): Promise<PromVectorElement[]> {
    const params = new URLSearchParams({ query: expr, time: (timestampMs / 1000).toFixed(3) });
    const url = `${this.endpoint.baseUrl}/api/v1/query?${params}`;
    const { status, body } = await getJson('prometheus', url, {
      timeoutMs: this.timeoutMs,
      headers: this.endpoint.headers,
      accept: [400, 422, 503],
    });
    if (!isRecord(body) || body.status !== 'success') {
      const detail =
        isRecord(body) && typeof body.error === 'string' ? `${String(body.errorType)}: ${body.error}` : snippet(JSON.stringify(body));
      throw new TelemetryQueryError('prometheus', url, status >= 400 ? 'http' : 'bad_response', detail, status);
    }
    const data = body.data;
    if (!isRecord(data) || data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw new TelemetryQueryError('prometheus', url, 'bad_response', `expected a vector, got ${snippet(JSON.stringify(data))}`, status);
    }
    return data.result.flatMap((element): PromVectorElement[] => {
      if (!isRecord(element) || !isRecord(element.metric) || !Array.isArray(element.value)) return [];
      const metric: Record<string, string> = {};
      for (const [k, v] of Object.entries(element.metric)) if (typeof v === 'string') metric[k] = v;
      return [{ metric, value: promValue(element.value[1]) }];
    });
  }
}

/** A sample value of the HTTP API: a string, with `NaN`, `+Inf` and `-Inf` spelled out. */
function promValue(raw: unknown): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
}

function finiteOr<T extends number | null>(value: number | undefined, fallback: T): number | T {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
