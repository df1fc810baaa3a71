import { INCIDENT_STATUSES, type Incident, type IncidentStatus } from '@archaics/contracts';
import type { IncidentRepository } from '../repositories/incident.repository.ts';

/** What moves an incident from one status to the next. */
export const INCIDENT_EVENTS = ['act', 'await_approval', 'approve', 'dry_run', 'verify', 'resolve', 'escalate'] as const;
export type IncidentEvent = (typeof INCIDENT_EVENTS)[number];

/**
 * The incident's state machine: from-status × event → to-status. An event missing from a
 * status's row is refused. `resolved`, `escalated` and `dry_run` are final.
 *
 * ```
 * analyzing ──act──────────▶ acting ──verify──▶ verifying ──resolve──▶ resolved
 *     │ └──await_approval──▶ awaiting_approval ──approve──▶ acting
 *     └──dry_run──▶ dry_run          analyzing | acting | verifying ──escalate──▶ escalated
 * ```
 */
export const INCIDENT_TRANSITIONS: Readonly<Record<IncidentStatus, Readonly<Partial<Record<IncidentEvent, IncidentStatus>>>>> = {
  analyzing: { act: 'acting', await_approval: 'awaiting_approval', dry_run: 'dry_run', escalate: 'escalated' },
  awaiting_approval: { approve: 'acting' },
  acting: { verify: 'verifying', escalate: 'escalated' },
  verifying: { resolve: 'resolved', escalate: 'escalated' },
  resolved: {},
  escalated: {},
  dry_run: {},
};

/**
 * The timeline entry each event writes. `act` writes none: the actions' own entries follow at
 * once (and the timeline keeps the shape the dashboard and clients know).
 */
const TIMELINE_ENTRY: Readonly<Record<IncidentEvent, string | null>> = {
  act: null,
  await_approval: 'awaiting_approval',
  approve: 'approved',
  dry_run: 'dry_run',
  verify: 'verifying',
  resolve: 'resolved',
  escalate: 'escalated',
};

/** Statuses in which this process's pipeline works on the incident; a restart leaves them half done. */
export const RUNNING_STATUSES: readonly IncidentStatus[] = ['analyzing', 'acting', 'verifying'];

/** Statuses no event leaves. */
export const FINAL_STATUSES: readonly IncidentStatus[] = INCIDENT_STATUSES.filter((s) => Object.keys(INCIDENT_TRANSITIONS[s]).length === 0);

/** The status `event` leads to from `from`; undefined when the table refuses it. */
export function nextStatus(from: IncidentStatus, event: IncidentEvent): IncidentStatus | undefined {
  return INCIDENT_TRANSITIONS[from][event];
}

/** A transition the table refuses: a bug in the pipeline, never an answer to a request. */
export class IncidentTransitionError extends Error {
  constructor(
    readonly incidentId: string,
    readonly from: IncidentStatus,
    readonly event: IncidentEvent,
  ) {
    super(`incident ${incidentId}: "${event}" is not allowed from ${from}`);
    this.name = 'IncidentTransitionError';
  }
}

/** The fields of a new incident that are not the lifecycle's (id, status, times, timeline). */
export type IncidentOpening = Omit<Incident, 'status' | 'opened_at' | 'timeline' | 'resolved_at' | 'verified'>;

export interface IncidentLifecycleDeps {
  readonly repository: IncidentRepository;
  /** The one clock of every timestamp of an incident. */
  readonly now: () => Date;
  /** Told about every status an incident reaches (metrics, log). */
  readonly onStatus?: (incident: Incident, detail: string | undefined) => void;
}

/**
 * The only place an incident's status changes: each change is checked against
 * {@link INCIDENT_TRANSITIONS}, stamped with the injected clock in the timeline and saved.
 */
export class IncidentLifecycle {
  constructor(private readonly deps: IncidentLifecycleDeps) {}

  /** The current time as the incident records it. */
  stamp(): string {
    return this.deps.now().toISOString();
  }

  /** Stores a new incident in `analyzing`, or finds the one the same anomaly id opened. */
  open(opening: IncidentOpening, anomalyId: string | null, detail: string): { incident: Incident; created: boolean } {
    const at = this.stamp();
    const fresh: Incident = {
      ...opening,
      status: 'analyzing',
      opened_at: at,
      verified: false,
      resolved_at: null,
      timeline: [{ at, event: 'opened', detail }],
    };
    const result = this.deps.repository.create(fresh, anomalyId);
    if (result.created) this.deps.onStatus?.(result.incident, detail);
    return result;
  }

  /** True when the table allows `event` from the incident's status. */
  allows(incident: Incident, event: IncidentEvent): boolean {
    return nextStatus(incident.status, event) !== undefined;
  }

  /** Applies `event`: checks the table, moves the status, writes the timeline entry, saves. Throws {@link IncidentTransitionError} when refused. */
  transition(incident: Incident, event: IncidentEvent, detail?: string): IncidentStatus {
    const to = nextStatus(incident.status, event);
    if (to === undefined) throw new IncidentTransitionError(incident.id, incident.status, event);
    const at = this.stamp();
    incident.status = to;
    if (to === 'resolved') incident.resolved_at = at;
    const entry = TIMELINE_ENTRY[event];
    if (entry !== null) incident.timeline.push({ at, event: entry, ...(detail === undefined ? {} : { detail }) });
    this.deps.repository.save(incident);
    this.deps.onStatus?.(incident, detail);
    return to;
  }

  /** A timeline entry that changes no status (evidence, ranking, plan, actions), saved at once. */
  note(incident: Incident, event: string, detail?: string): void {
    incident.timeline.push({ at: this.stamp(), event, ...(detail === undefined ? {} : { detail }) });
    this.deps.repository.save(incident);
  }

  /** Escalates the incidents a previous process left in a running status; returns how many. */
  escalateInterrupted(): number {
    const stale = this.deps.repository.withStatus(RUNNING_STATUSES);
    for (const incident of stale) this.transition(incident, 'escalate', `operator restarted while the incident was ${incident.status}`);
    return stale.length;
  }
}
