import { scopeLabel, type BusinessService } from '@archaics/contracts';

/** Latency quantiles in seconds; `null` when no request finished in the window (PromQL: NaN). */
export interface LatencyQuantiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Calls from one service to one dependency over the window (`upstream_requests_total`, `upstream_request_duration_seconds`). */
export interface UpstreamSample {
  /** The dependency's name as the caller labels it, e.g. `db-service` or `stripe`. */
  readonly upstream: string;
  /** Calls per second. */
  readonly callRate: number;
  /** Share of calls whose outcome was neither `success` nor `client_error` (timeout, error, unreachable, circuit_open, bad_data); 0 without calls. */
  readonly errorRatio: number;
  /** 95th percentile of call duration, seconds; null without calls. */
  readonly p95Seconds: number | null;
}

/** What one business service looked like over the window. */
export interface ServiceSample {
  readonly service: BusinessService;
  /** The service answered its scrape (Prometheus: every target of the service is `up`). */
  readonly up: boolean;
  /** Why the service could not be read, when `up` is false. */
  readonly error?: string;
  /**
   * The process restarted within the window (its `process_start_time_seconds` changed;
   * Prometheus: `changes()` over the rate window). Rates still never go negative: they
   * count from the restart.
   */
  readonly restarted: boolean;
  /**
   * Seconds the rates cover. `null` when there is nothing to compare with: the first
   * sample of a direct scrape, or a service down now. Rates are then 0 and quantiles null.
   */
  readonly windowSeconds: number | null;
  /** Requests per second, control endpoints (/health, /metrics, /docs, /inject-failure, /reset) left out. */
  readonly requestRate: number;
  /** Share of those requests answered 5xx; 0 without requests. */
  readonly errorRatio: number;
  /** From `http_request_duration_seconds` bucket increases over the window. */
  readonly latency: LatencyQuantiles;
  /** CPU cores in use: increase of `process_cpu_seconds_total` per second. */
  readonly cpuCores: number | null;
  /** `process_resident_memory_bytes` now. */
  readonly residentMemoryBytes: number | null;
  /** `nodejs_eventloop_lag_seconds`: the lag prom-client measured at its last collection. */
  readonly eventLoopLagSeconds: number | null;
  /** `nodejs_eventloop_lag_p99_seconds`: p99 of the event-loop delay since the previous collection (includes the monitor's 20 ms resolution). */
  readonly eventLoopLagP99Seconds: number | null;
  /** One entry per dependency the service called (in the window or before). */
  readonly upstreams: readonly UpstreamSample[];
  /**
   * Fault types whose `chaos_failure_active` is 1, sorted, each once however many scopes
   * it is active on. This is the injected ground truth: for display, experiments and
   * acting afterwards — **not for RCA**, which must infer the cause from the other
   * telemetry (SPEC §5).
   */
  readonly chaosFailureActive: readonly string[];
  /**
   * The same active faults with where they apply, one per type and scope (SPEC 2.1), sorted
   * by type then scope; the same ground truth, not for RCA. Both readers always set it; it
   * is optional only so that samples written by hand without it stay valid.
   */
  readonly chaosFaults?: readonly ChaosFault[];
}

/** One active injected fault, as `chaos_failure_active{type,scope}` names it. */
export interface ChaosFault {
  readonly type: string;
  /** `service`, `route:<template>` or `edge:<upstream>`; a series without the label counts as `service`. */
  readonly scope: string;
}

/** One reading of every business service. */
export interface MetricsSample {
  /** When the sample was taken, ms since the epoch. */
  readonly timestamp: number;
  /** Which implementation produced it. */
  readonly source: 'scrape' | 'prometheus';
  /** In the order of the configured targets (by default `BUSINESS_SERVICES`). */
  readonly services: readonly ServiceSample[];
}

/**
 * The metrics seam (ARCHITECTURE "One seam per kind of telemetry"): the anomaly detector,
 * the operator, the CLI and the dashboard read metrics only through this.
 */
export interface MetricsReader {
  /**
   * Reads every business service over the window since the previous sample (direct
   * scrape) or over the configured rate window (Prometheus). A service that cannot be
   * read is reported `up: false`; the call itself rejects only when the backend as a
   * whole (Prometheus) cannot answer.
   */
  sample(): Promise<MetricsSample>;
}

/** Routes that are not business traffic (SPEC §2 control endpoints), left out of request rate, errors and latency. */
export const CONTROL_ROUTE_PATTERN = '/health|/metrics|/inject-failure|/reset|/docs.*';

const CONTROL_ROUTE = new RegExp(`^(?:${CONTROL_ROUTE_PATTERN})$`);

/** True for a `route` label of a control endpoint. */
export function isControlRoute(route: string | undefined): boolean {
  return route !== undefined && CONTROL_ROUTE.test(route);
}

/** Outcomes of `upstream_requests_total` that do not count as dependency errors. */
export const UPSTREAM_OK_OUTCOMES: readonly string[] = Object.freeze(['success', 'client_error']);

/** A sample of a service that could not be read. */
export function downSample(service: BusinessService, error: string): ServiceSample {
  return {
    service,
    up: false,
    error,
    restarted: false,
    windowSeconds: null,
    requestRate: 0,
    errorRatio: 0,
    latency: { p50: null, p95: null, p99: null },
    cpuCores: null,
    residentMemoryBytes: null,
    eventLoopLagSeconds: null,
    eventLoopLagP99Seconds: null,
    upstreams: [],
    chaosFailureActive: [],
    chaosFaults: [],
  };
}

/** One `chaos_failure_active` reading of a service: its `type` and `scope` labels and its value. */
export interface ChaosReading {
  readonly type: string | undefined;
  readonly scope: string | undefined;
  readonly value: number;
}

const SERVICE_SCOPE = scopeLabel({});

/**
 * The active faults among a service's `chaos_failure_active` readings (value > 0): each
 * (type, scope) once, and each type once. A reading without a scope label (or an empty one,
 * which Prometheus treats as absent) is a service-wide fault.
 */
export function activeChaos(readings: Iterable<ChaosReading>): Pick<ServiceSample, 'chaosFailureActive'> & { chaosFaults: ChaosFault[] } {
  const faults = new Map<string, ChaosFault>();
  for (const { type, scope, value } of readings) {
    if (!type || !(value > 0)) continue;
    const fault = { type, scope: scope || SERVICE_SCOPE };
    faults.set(`${fault.type}\u0000${fault.scope}`, fault);
  }
  const chaosFaults = [...faults.values()].sort((a, b) => compare(a.type, b.type) || compare(a.scope, b.scope));
  return { chaosFailureActive: [...new Set(chaosFaults.map((f) => f.type))], chaosFaults };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
