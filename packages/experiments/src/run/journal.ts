import type { BusinessService, FaultType } from '@archaics/contracts';
import type { Experiment } from '../definition/experiment.ts';
import type { DetectorAnomaly } from './stack-client.ts';

export const RUN_STATUSES = ['held', 'healed', 'deviated', 'aborted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Exit code of `archaics experiment run`: 0 held or healed within the budget, 1 deviated, 2 aborted. */
export function exitCodeFor(status: RunStatus): number {
  return status === 'held' || status === 'healed' ? 0 : status === 'deviated' ? 1 : 2;
}

export interface ProbeResult {
  readonly name: string;
  readonly held: boolean;
  /** The measured value (ms, ratio, rps, status, ...), null when nothing was measured. */
  readonly value: number | null;
  readonly detail: string;
}

export interface Evaluation {
  readonly at: string;
  readonly held: boolean;
  readonly probes: readonly ProbeResult[];
}

export const EVENT_KINDS = [
  'phase',
  'inject',
  'reset',
  'detection',
  'root_cause',
  'action',
  'mitigated',
  'recovery',
  'deviation',
  'stop',
  'interrupt',
  'rollback',
  'error',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface JournalEvent {
  readonly at: string;
  readonly kind: EventKind;
  readonly detail: string;
  readonly service?: string;
  /** The scope of the fault an inject, reset or rollback event is about: `service`, `route:/cart/add` or `edge:db-service`. */
  readonly scope?: string;
}

export interface ServicePoint {
  readonly up: boolean;
  readonly rps: number;
  readonly error_ratio: number;
  readonly p95_ms: number | null;
  readonly cpu_cores: number | null;
  readonly faults: readonly string[];
  /** Each active fault with its scope, e.g. `latency edge:db-service` (absent in journals written before SPEC 2.1). */
  readonly fault_scopes?: readonly string[];
}

export interface SamplePoint {
  readonly at: string;
  readonly services: Partial<Record<BusinessService, ServicePoint>>;
}

/** What the run says about the self-healing loop (the suite's scorecard reads these). */
export interface RunScore {
  readonly kind: 'fault' | 'control';
  /** The service of the first injection: the ground truth for localisation. */
  readonly target: BusinessService | null;
  readonly fault: {
    readonly type: FaultType;
    readonly intensity: number;
    readonly probability: number;
    readonly duration_s: number | null;
    /** `service`, `route:/cart/add` or `edge:db-service`. */
    readonly scope: string;
  } | null;
  /** Every fault the method injected, in time order, with its scope. */
  readonly injections: ReadonlyArray<{ readonly service: string; readonly type: string; readonly scope: string }>;
  readonly injected_at: string | null;
  readonly detected: boolean;
  readonly detected_at: string | null;
  readonly ttd_s: number | null;
  readonly anomaly_services: readonly string[];
  readonly incident_id: string | null;
  readonly root_cause: string | null;
  readonly ranking: readonly string[];
  /** 1-based position of the target in the operator's ranking; null when absent or no incident. */
  readonly rank: number | null;
  readonly localised_at: string | null;
  readonly ttl_s: number | null;
  readonly actions: readonly string[];
  readonly action_at: string | null;
  readonly mitigated: boolean;
  readonly mitigated_at: string | null;
  readonly ttm_s: number | null;
  /** When the hypothesis was found holding after the method (held throughout, or back). */
  readonly recovered_at: string | null;
  /** Injection → hypothesis back, for a run that deviated and healed; null otherwise. */
  readonly ttr_s: number | null;
  /** Anomalies and incidents opened while the run lasted (the false ones, for a control run). */
  readonly anomalies_opened: number;
  readonly incidents_opened: number;
}

export interface IncidentSummary {
  readonly id: string;
  readonly status: string;
  readonly opened_at: string;
  readonly root_cause: string | null;
  readonly ranking: ReadonlyArray<{ readonly service: string; readonly score: number }>;
  readonly actions: ReadonlyArray<{ readonly action: string; readonly status: string; readonly at: string }>;
  readonly verified: boolean;
  readonly resolved_at: string | null;
  readonly ranked_at: string | null;
}

export interface Journal {
  readonly version: 1;
  readonly run_id: string;
  readonly experiment: Experiment;
  readonly started_at: string;
  ended_at: string;
  status: RunStatus;
  exit_code: number;
  reason: string;
  readonly targets: Readonly<Record<string, string>>;
  readonly hypothesis: {
    before: Evaluation | null;
    during: { evaluations: number; held: number; first_breach: Evaluation | null };
    after: Evaluation | null;
    recovered_at: string | null;
  };
  readonly events: JournalEvent[];
  readonly samples: SamplePoint[];
  /** `scope`: the one scope a reset cleared (absent: every fault of the service). */
  readonly rollbacks: Array<{ at: string; action: string; ok: boolean; detail: string; scope?: string }>;
  /** After the rollbacks: every service answered /health with no fault. */
  final: { clear: boolean; detail: readonly string[] } | null;
  aiops: { detector: boolean; operator: boolean; anomalies: DetectorAnomaly[]; incidents: IncidentSummary[] };
  score: RunScore | null;
  load: { scenario: string; requests: number; error_rate: number; p95_ms: number | null } | null;
  /** The suite run this run belongs to. */
  suite?: string;
}

/** A run's journal before its first phase: aborted (exit 2) until a phase decides otherwise. */
export function newJournal(experiment: Experiment, runId: string, startedAt: string, targets: Readonly<Record<string, string>>): Journal {
  return {
    version: 1,
    run_id: runId,
    experiment,
    started_at: startedAt,
    ended_at: startedAt,
    status: 'aborted',
    exit_code: exitCodeFor('aborted'),
    reason: '',
    targets,
    hypothesis: { before: null, during: { evaluations: 0, held: 0, first_breach: null }, after: null, recovered_at: null },
    events: [],
    samples: [],
    rollbacks: [],
    final: null,
    aiops: { detector: false, operator: false, anomalies: [], incidents: [] },
    score: null,
    load: null,
  };
}
