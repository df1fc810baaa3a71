/**
 * The JSON the dashboard server gives its UI (types only: the UI bundle imports nothing
 * at run time from the server or the packages). Nothing here ever carries the chaos token.
 */
import type { BusinessService, FailureState, GraphNode, Incident, DetectorHealth, ServiceScore } from '@archaics/contracts';

export type ServiceStatus = 'healthy' | 'degraded' | 'down';

export interface ServiceView {
  readonly name: BusinessService;
  readonly url: string;
  readonly status: ServiceStatus;
  /** Why the status is not healthy, in words (empty when healthy). */
  readonly reasons: readonly string[];
  readonly failure: FailureState | null;
  readonly version: string | null;
  readonly uptimeS: number | null;
  /** When the health was read, ms since the epoch. */
  readonly checkedAt: number;
}

export interface OverviewResponse {
  readonly services: readonly ServiceView[];
  readonly graph: ReadonlyArray<readonly [BusinessService, GraphNode]>;
  readonly platform: {
    readonly detector: { readonly running: boolean; readonly url: string };
    readonly operator: { readonly running: boolean; readonly url: string };
  };
  readonly now: number;
}

/** One metrics reading of one service, compacted for the charts. */
export interface ServicePoint {
  readonly up: boolean;
  readonly rps: number;
  readonly errorRatio: number;
  /** Seconds; null without requests in the window. */
  readonly p95: number | null;
  readonly cpu: number | null;
}

export interface MetricsPoint {
  /** ms since the epoch. */
  readonly t: number;
  readonly services: Readonly<Record<string, ServicePoint>>;
}

export interface MetricsResponse {
  readonly points: readonly MetricsPoint[];
  readonly intervalMs: number;
  readonly error: string | null;
}

export interface ChaosResult {
  readonly service: BusinessService;
  /** HTTP status the service answered; 0 when it could not be reached. */
  readonly status: number;
  readonly ok: boolean;
  readonly body: unknown;
}

export interface HaltResponse {
  readonly results: readonly ChaosResult[];
}

export interface LoadProgress {
  readonly elapsedS: number;
  readonly plannedS: number;
  /** The runner's progress line (VUs, iterations, requests, failures, p95). */
  readonly line: string;
}

export interface LoadRunView {
  readonly id: number;
  readonly scenario: string;
  readonly state: 'running' | 'finished' | 'failed';
  readonly startedAt: string;
  readonly progress: LoadProgress | null;
  /** The runner's Summary (see @archaics/load) once finished. */
  readonly summary: LoadSummaryView | null;
  readonly error: string | null;
}

/** The parts of the load runner's summary the UI shows. */
export interface LoadSummaryView {
  readonly scenario: string;
  readonly load: string;
  readonly durationS: number;
  readonly interrupted: boolean;
  readonly passed: boolean;
  readonly requests: { readonly total: number; readonly ratePerS: number; readonly failed: number; readonly failedRate: number };
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly errorsByStatus: Readonly<Record<string, number>>;
  readonly thresholds: ReadonlyArray<{ readonly metric: string; readonly expression: string; readonly passed: boolean; readonly actual: number | null }>;
}

export interface LoadResponse {
  readonly scenarios: readonly string[];
  readonly current: LoadRunView | null;
  readonly recent: readonly LoadRunView[];
}

export interface TraceSummary {
  readonly traceID: string;
  readonly rootService: string;
  readonly rootOperation: string;
  /** Microseconds since the epoch. */
  readonly startTime: number;
  /** Microseconds. */
  readonly duration: number;
  readonly spans: number;
  readonly services: readonly string[];
  readonly errors: number;
}

export interface WaterfallRow {
  readonly spanID: string;
  readonly parentSpanID: string | null;
  readonly service: string;
  readonly operation: string;
  readonly depth: number;
  /** Microseconds from the trace's start. */
  readonly offset: number;
  readonly duration: number;
  readonly error: boolean;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

export interface TraceDetail {
  readonly traceID: string;
  readonly duration: number;
  readonly services: readonly string[];
  readonly rows: readonly WaterfallRow[];
}

export interface LogLineView {
  readonly service: string;
  readonly level: string;
  readonly message: string;
  readonly timestamp: string;
  readonly trace_id?: string;
}

/** One feature that drove an anomalous service's score (from the detector's drivers). */
export interface DriverView {
  readonly service: string;
  readonly feature: string;
  readonly value: number;
  readonly baseline_mean: number;
  readonly z: number;
}

/** One anomaly (episode) of the detector, as the AI-Ops view lists it. */
export interface AnomalyView {
  readonly id: string;
  readonly opened_at: string;
  readonly closed_at: string | null;
  readonly services: readonly string[];
  readonly peak_scores: Readonly<Record<string, number>>;
  /** The top drivers of the anomalous services (at most two per service). */
  readonly drivers: readonly DriverView[];
  readonly webhook: { readonly status: string; readonly attempts: number; readonly incident_id: string | null; readonly last_error: string | null } | null;
}

/** One incident in the list (the detail comes from GET /api/aiops/incidents/:id). */
export interface IncidentSummary {
  readonly id: string;
  readonly status: string;
  readonly opened_at: string;
  readonly root_cause: string | null;
  readonly resolved_at: string | null;
  readonly verified: boolean;
  /** What opened it: `anomaly <id>` or `manual: <reason>`. */
  readonly trigger: string;
  /** Its actions in a few words (`reset_failure db-service: awaiting_approval`). */
  readonly actions: readonly string[];
}

export interface AiopsResponse {
  readonly detector: {
    readonly running: boolean;
    readonly url: string;
    readonly error: string | null;
    readonly health: DetectorHealth | null;
    /** The anomaly threshold (from GET /scores); null when unknown. */
    readonly threshold: number | null;
    /** The latest score of every business service with its features and drivers. */
    readonly latest: readonly ServiceScore[];
    /** The anomaly open now, if any. */
    readonly open: AnomalyView | null;
    /** Anomalies, newest first (null when the detector did not answer). */
    readonly anomalies: readonly AnomalyView[] | null;
    /** Per-service scores over time (the detector's history; else the dashboard's samples of `last_scores`). */
    readonly scores: ReadonlyArray<{ readonly t: number; readonly scores: Readonly<Record<string, number | null>> }>;
  };
  readonly operator: {
    readonly running: boolean;
    readonly url: string;
    readonly error: string | null;
    readonly health: { readonly status?: string; readonly mode?: string; readonly executor?: string; readonly llm?: { provider?: string; model?: string | null; configured?: boolean } } | null;
    readonly incidents: readonly IncidentSummary[] | null;
  };
}

export interface StatusResponse {
  readonly ui: 'ready' | 'building' | 'failed';
  readonly mode: 'dashboard' | 'control';
  readonly version: string;
}

export type { BusinessService, FailureState, Incident, ServiceScore };
