import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  errorSpans,
  parentSpanId,
  serviceOf,
  type JaegerTrace,
  type LogReader,
  type LogRecord,
  type MetricsSample,
  type TraceReader,
} from '@archaics/telemetry-query';
import { type Logger } from '@archaics/server';
import {
  BUSINESS_SERVICES,
  isBusinessService,
  type ActionRecord,
  type ActionStatus,
  type BusinessService,
  type Incident,
  type IncidentStatus,
  type OperatorAction,
  type OperatorMode,
  type RankedCause,
} from '@archaics/contracts';
import type { LlmProvider } from '../clients/llm/llm-provider.ts';
import type { Platform } from '../clients/platform.ts';
import type { HealthAnswer } from '../clients/service-control.ts';
import type { IncidentRepository } from '../repositories/incident.repository.ts';
import { IncidentLifecycle } from './incident-lifecycle.ts';
import {
  anomalyStartMs,
  baselineOf,
  detectorReports,
  summarise,
  type Evidence,
  type HealthProbe,
  type LogEvidence,
  type TraceEvidence,
} from './evidence.ts';
import type { MetricsHistory } from './metrics-history.ts';
import { deterministicPlan, type Plan } from './plan.ts';
import { choosePlan } from './planner.ts';
import type { Policy, PolicyContext } from './policy.ts';
import { rankCauses } from './ranking.ts';
import { unhealthyReasons } from './verification.ts';

/** A crash comes a scrape interval or two before the detector's first anomalous sample. */
const RESTART_MARGIN_MS = 5_000;

/** The services' control endpoints as the operator uses them. */
export interface ServiceControl {
  health(service: BusinessService): Promise<HealthAnswer>;
  reset(service: BusinessService, reason: string): Promise<unknown>;
}

export interface OperatorSettings {
  readonly mode: OperatorMode;
  readonly evidence: { readonly samples: number; readonly intervalMs: number };
  readonly verify: { readonly intervals: number; readonly intervalMs: number; readonly timeoutMs: number };
  readonly llmTimeoutMs: number;
  /** How far back the baseline reaches, and how recent a sample may be and stay out of it. */
  readonly baselineMs?: number;
  readonly baselineGapMs?: number;
  /** How long before the report log lines count as evidence (default 5 s). */
  readonly logLookbackMs?: number;
}

export interface OperatorDeps {
  readonly settings: OperatorSettings;
  readonly repository: IncidentRepository;
  readonly history: MetricsHistory;
  readonly logs: LogReader;
  readonly traces: TraceReader;
  readonly services: ServiceControl;
  readonly platform: Platform;
  readonly llm: LlmProvider;
  readonly policy: Policy;
  readonly logger: Logger;
  /** Told about every incident status reached and every action's fate (metrics). */
  readonly onIncident?: (status: IncidentStatus) => void;
  readonly onAction?: (action: string, status: ActionStatus) => void;
  /** The one clock of the pipeline: timestamps, deadlines, ages (default: the system clock). */
  readonly now?: () => Date;
}

/** What `POST /incidents/{id}/approve` gets from {@link Operator.approve}. */
export type ApproveResult =
  | { readonly kind: 'approved'; readonly incident: Incident }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_awaiting_approval'; readonly status: IncidentStatus };

/** What opened an incident: the detector's webhook or a manual request. */
export interface IncidentTrigger {
  readonly anomaly: unknown;
  /** The detector's id (idempotency); null for a manual request. */
  readonly anomalyId: string | null;
}

type Source = 'llm' | 'deterministic';

/**
 * The pipeline per incident (SPEC §5): evidence → ranking → plan (LLM or deterministic) →
 * policy → actions → verification → record. Every step lands in the incident's timeline and
 * in SQLite as it happens.
 */
export class Operator {
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => Date;
  private readonly lifecycle: IncidentLifecycle;
  private closed = false;

  constructor(private readonly deps: OperatorDeps) {
    this.now = deps.now ?? (() => new Date());
    this.lifecycle = new IncidentLifecycle({
      repository: deps.repository,
      now: this.now,
      onStatus: (incident, detail) => {
        deps.onIncident?.(incident.status);
        deps.logger.info(
          { incident: incident.id, status: incident.status, root_cause: incident.root_cause },
          `incident ${incident.id} ${incident.status}${detail ? `: ${detail}` : ''}`,
        );
      },
    });
  }

  /** Escalates the incidents a previous process left half done; call once at start. */
  recoverInterrupted(): number {
    return this.lifecycle.escalateInterrupted();
  }

  /** Opens an incident (or finds the one of the same anomaly) and runs its pipeline in the background. */
  open(trigger: IncidentTrigger): { incident: Incident; created: boolean } {
    const opening = {
      id: `inc-${randomUUID()}`,
      anomaly: trigger.anomaly,
      ranking: [],
      root_cause: null,
      plan: null,
      actions: [],
      llm: { provider: this.deps.llm.provider, model: this.deps.llm.model, used: false },
    };
    const result = this.lifecycle.open(opening, trigger.anomalyId, trigger.anomalyId ? `anomaly ${trigger.anomalyId}` : 'manual request');
    if (result.created) this.track(this.escalateOnError(result.incident, () => this.pipeline(result.incident)));
    return result;
  }

  /** Carries out the actions an approve-mode incident waits for, in the background. */
  approve(id: string): ApproveResult {
    const incident = this.deps.repository.get(id);
    if (!incident) return { kind: 'not_found' };
    if (!this.lifecycle.allows(incident, 'approve')) return { kind: 'not_awaiting_approval', status: incident.status };
    this.lifecycle.transition(incident, 'approve');
    this.track(this.afterApproval(incident));
    return { kind: 'approved', incident };
  }

  /** Waits for running pipelines (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: Error) => this.deps.logger.error({ err: error }, `incident pipeline failed: ${error.message}`));
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  /** Runs a stage of the pipeline; an error escalates the incident while the lifecycle allows it. */
  private async escalateOnError(incident: Incident, stage: () => Promise<void>): Promise<void> {
    try {
      await stage();
    } catch (error) {
      if (!this.lifecycle.allows(incident, 'escalate')) throw error;
      this.lifecycle.transition(incident, 'escalate', `pipeline error: ${(error as Error).message}`);
    }
  }

  private async pipeline(incident: Incident): Promise<void> {
    const openedMs = Date.parse(incident.opened_at);
    const gathered = await this.gatherEvidence(openedMs);
    // A restart counts from a little before the anomaly began (the detector's window, else the report).
    const since = (anomalyStartMs(incident.anomaly) ?? openedMs) - RESTART_MARGIN_MS;
    const evidence: Evidence = {
      ...gathered,
      detector: detectorReports(incident.anomaly),
      restartWindowS: Math.max(0, (this.nowMs() - since) / 1000),
    };
    this.lifecycle.note(incident, 'evidence_gathered', describeEvidence(evidence));

    const ranking = rankCauses(evidence);
    incident.ranking = ranking;
    const top = ranking[0];
    incident.root_cause = top && top.score > 0 ? top.service : null;
    this.lifecycle.note(incident, 'ranked', ranking.map((r) => `${r.service} ${r.score}`).join(', '));

    const rootProbe = incident.root_cause ? await this.deps.services.health(incident.root_cause) : null;
    const fallback = deterministicPlan(ranking, rootProbe ? rootProbe.reachable : null);
    const chosen = await choosePlan(this.deps.llm, this.deps.settings.llmTimeoutMs, evidence, ranking, fallback);
    incident.plan = chosen.plan;
    incident.llm = chosen.llm;
    this.lifecycle.note(
      incident,
      'planned',
      `${chosen.plan.source}: ${chosen.plan.explanation}${chosen.llm.fallback_reason ? ` (LLM not used: ${chosen.llm.fallback_reason})` : ''}`,
    );

    const implicated = implicatedBy(ranking);
    let allowed = this.screen(incident, chosen.plan, implicated);
    if (allowed.length === 0 && chosen.plan.source === 'llm') {
      incident.llm = { ...incident.llm, used: false, fallback_reason: 'no action of the LLM plan passed the policy' };
      incident.plan = { ...fallback, explanation: `${fallback.explanation} (the LLM plan was refused)` };
      this.lifecycle.note(incident, 'planned', `deterministic: ${fallback.explanation} (the LLM plan was refused by the policy)`);
      allowed = this.screen(incident, fallback, implicated);
    }
    if (allowed.length === 0) {
      this.lifecycle.transition(incident, 'escalate', 'no action passed the policy');
      return;
    }
    const mode = this.deps.settings.mode;
    if (mode === 'dry-run') {
      for (const { action, source } of allowed) this.record(incident, action, 'skipped', source, 'dry-run: not carried out');
      this.lifecycle.transition(incident, 'dry_run', 'OPERATOR_MODE=dry-run: nothing was carried out');
      return;
    }
    if (mode === 'approve') {
      for (const { action, source } of allowed)
        this.record(incident, action, 'awaiting_approval', source, 'OPERATOR_MODE=approve: waiting for POST /incidents/{id}/approve');
      this.lifecycle.transition(incident, 'await_approval');
      return;
    }
    this.lifecycle.transition(incident, 'act');
    await this.act(incident, allowed, implicated, openedMs);
  }

  /** The rest of the pipeline once approved (the incident is `acting`). */
  private async afterApproval(incident: Incident): Promise<void> {
    await this.escalateOnError(incident, async () => {
      const implicated = implicatedBy(incident.ranking);
      const waiting = incident.actions.filter((a) => a.status === 'awaiting_approval');
      const allowed: Array<{ action: OperatorAction; source: Source }> = [];
      for (const record of waiting) {
        const source: Source = record.source ?? 'deterministic';
        const decision = this.deps.policy.evaluate(record.action, this.context(incident, source, implicated));
        if (decision.allowed) allowed.push({ action: decision.action, source });
        else this.record(incident, record.action, 'refused', source, `at approval: ${decision.reason}`);
      }
      if (allowed.length === 0) {
        this.lifecycle.transition(incident, 'escalate', 'no approved action passed the policy');
        return;
      }
      await this.act(incident, allowed, implicated, Date.parse(incident.opened_at));
    });
  }

  private context(incident: Incident, source: Source, implicated: ReadonlySet<string>): PolicyContext {
    return { incidentId: incident.id, source, implicated };
  }

  /** Runs each proposed action through the policy; refusals are recorded with their reason. */
  private screen(incident: Incident, plan: Plan, implicated: ReadonlySet<string>): Array<{ action: OperatorAction; source: Source }> {
    const allowed: Array<{ action: OperatorAction; source: Source }> = [];
    for (const proposed of plan.actions) {
      const decision = this.deps.policy.evaluate(proposed, this.context(incident, plan.source, implicated));
      if (decision.allowed) allowed.push({ action: decision.action, source: plan.source });
      else this.record(incident, proposed, 'refused', plan.source, decision.reason);
    }
    return allowed;
  }

  private record(incident: Incident, action: unknown, status: ActionStatus, source: Source, reason?: string): void {
    const record: ActionRecord = { action, status, at: this.lifecycle.stamp(), source, ...(reason === undefined ? {} : { reason }) };
    incident.actions.push(record);
    const name =
      typeof action === 'object' && action !== null && typeof (action as { action?: unknown }).action === 'string'
        ? (action as { action: string }).action
        : 'invalid';
    this.deps.onAction?.(name, status);
    this.lifecycle.note(incident, `action_${status}`, `${JSON.stringify(action)?.slice(0, 200)}${reason ? `: ${reason}` : ''}`);
  }

  /** Carries out the allowed actions of an `acting` incident, then verifies. */
  private async act(
    incident: Incident,
    allowed: Array<{ action: OperatorAction; source: Source }>,
    implicated: ReadonlySet<string>,
    openedMs: number,
  ): Promise<void> {
    let remediated = false;
    let escalation: string | undefined;
    const restarted = new Set<BusinessService>();
    for (const { action, source } of allowed) {
      if (action.action === 'escalate') {
        this.record(incident, action, 'succeeded', source, action.reason);
        escalation = action.reason;
        continue;
      }
      const ok = await this.execute(incident, action, source);
      remediated ||= ok;
      if (ok && action.action === 'restart') restarted.add(action.service);
      if (ok && action.action === 'reset_failure') {
        // The action (not the ranking) may read the fault state: a fault that survived the reset, or a service gone, calls for a restart.
        const after = await this.deps.services.health(action.service);
        const why = !after.reachable
          ? 'the service does not answer /health'
          : after.failure !== null
            ? 'the fault is still active'
            : undefined;
        if (why && !restarted.has(action.service)) {
          if (await this.followUpRestart(incident, action.service, implicated, `reset did not help: ${why}`)) restarted.add(action.service);
        }
      }
    }
    if (!remediated) {
      this.lifecycle.transition(incident, 'escalate', escalation ?? 'no action succeeded');
      return;
    }
    await this.verify(incident, implicated, restarted, openedMs);
  }

  private async followUpRestart(
    incident: Incident,
    service: BusinessService,
    implicated: ReadonlySet<string>,
    why: string,
  ): Promise<boolean> {
    const restart: OperatorAction = { action: 'restart', service };
    const decision = this.deps.policy.evaluate(restart, this.context(incident, 'deterministic', implicated));
    if (!decision.allowed) {
      this.record(incident, restart, 'refused', 'deterministic', `${why}; ${decision.reason}`);
      return false;
    }
    this.lifecycle.note(incident, 'follow_up', why);
    return this.execute(incident, restart, 'deterministic');
  }

  private async execute(incident: Incident, action: Exclude<OperatorAction, { action: 'escalate' }>, source: Source): Promise<boolean> {
    this.deps.policy.record(action, incident.id);
    try {
      let detail: string;
      if (action.action === 'reset_failure') {
        const cleared = await this.deps.services.reset(action.service, `ai-operator incident ${incident.id}`);
        detail = cleared ? `cleared ${JSON.stringify(cleared).slice(0, 160)}` : 'no fault was active';
      } else if (action.action === 'restart') {
        detail = await this.deps.platform.restart(action.service);
      } else {
        detail = await this.deps.platform.scale(action.service, action.replicas);
      }
      this.record(incident, action, 'succeeded', source, detail);
      return true;
    } catch (error) {
      this.record(incident, action, 'failed', source, (error as Error).message);
      return false;
    }
  }

  private async verify(
    incident: Incident,
    implicated: ReadonlySet<string>,
    restarted: Set<BusinessService>,
    openedMs: number,
  ): Promise<void> {
    const root = incident.root_cause ?? targetOf(incident);
    if (!root) {
      this.lifecycle.transition(incident, 'escalate', 'nothing to verify: no root cause');
      return;
    }
    this.lifecycle.transition(
      incident,
      'verify',
      `${root} and its callers, ${this.deps.settings.verify.intervals} healthy intervals in a row`,
    );
    const { intervals, intervalMs, timeoutMs } = this.deps.settings.verify;
    const baseline = this.baseline(openedMs);
    const deadline = this.nowMs() + timeoutMs;
    let healthy = 0;
    let unreachable = 0;
    let last: string[] = [];
    while (this.nowMs() < deadline && !this.closed) {
      await sleep(intervalMs);
      const [sample, health] = await Promise.all([this.deps.history.sampleNow(), this.probeAll()]);
      last = unhealthyReasons(sample, root, health, baseline);
      healthy = last.length === 0 ? healthy + 1 : 0;
      if (healthy >= intervals) {
        incident.verified = true;
        this.lifecycle.note(incident, 'verified', `${root} and its callers healthy for ${intervals} intervals`);
        this.lifecycle.transition(incident, 'resolve');
        return;
      }
      unreachable = health[root]?.reachable === false ? unreachable + 1 : 0;
      if (unreachable >= 3 && !restarted.has(root)) {
        restarted.add(root);
        await this.followUpRestart(incident, root, implicated, `${root} has not answered /health for ${unreachable} intervals`);
      }
    }
    this.lifecycle.transition(
      incident,
      'escalate',
      `symptoms persist after ${Math.round(timeoutMs / 1000)}s: ${last.join('; ') || 'operator closing'}`,
    );
  }

  private async probeAll(): Promise<Partial<Record<BusinessService, HealthProbe>>> {
    const answers = await Promise.all(BUSINESS_SERVICES.map(async (s) => [s, await this.deps.services.health(s)] as const));
    // The ranking and verification see reachability and uptime, never the fault state.
    return Object.fromEntries(
      answers.map(([s, a]) => [s, { reachable: a.reachable, uptimeS: a.uptimeS, ...(a.error ? { error: a.error } : {}) }]),
    );
  }

  private baseline(openedMs: number): Evidence['baseline'] {
    const reach = this.deps.settings.baselineMs ?? 300_000;
    const gap = this.deps.settings.baselineGapMs ?? 15_000;
    return baselineOf(this.deps.history.between(openedMs - reach, openedMs - gap));
  }

  private async gatherEvidence(openedMs: number): Promise<Evidence> {
    const { samples: count, intervalMs } = this.deps.settings.evidence;
    const latest = this.deps.history.latest();
    // A fresh window: the next sample then covers only the incident's own seconds.
    if (!latest || this.nowMs() - latest.timestamp > intervalMs) await this.deps.history.sampleNow();
    const samples: MetricsSample[] = [];
    const probes: Array<Partial<Record<BusinessService, HealthProbe>>> = [];
    for (let i = 0; i < count; i += 1) {
      await sleep(intervalMs);
      const [sample, probe] = await Promise.all([this.deps.history.sampleNow(), this.probeAll()]);
      samples.push(sample);
      probes.push(probe);
    }
    const health: Partial<Record<BusinessService, HealthProbe>> = {};
    for (const service of BUSINESS_SERVICES) {
      const seen = probes.map((p) => p[service]).filter((p): p is HealthProbe => p !== undefined);
      const down = seen.find((p) => !p.reachable);
      const lastUp = [...seen].reverse().find((p) => p.reachable);
      if (down) health[service] = { reachable: false, uptimeS: lastUp?.uptimeS ?? null, ...(down.error ? { error: down.error } : {}) };
      else if (lastUp) health[service] = lastUp;
    }
    const [logs, traces] = await this.readLogsAndTraces(openedMs);
    return { views: summarise(samples, health), baseline: this.baseline(openedMs), logs, traces };
  }

  private async readLogsAndTraces(openedMs: number): Promise<[LogEvidence[], TraceEvidence[]]> {
    // Lines from just before the report on: older ones may belong to an earlier incident.
    const since = openedMs - (this.deps.settings.logLookbackMs ?? 5_000);
    let lines: LogRecord[] = [];
    try {
      const [errors, warnings] = await Promise.all([
        this.deps.logs.query({ level: 'ERROR', since, limit: 200 }),
        this.deps.logs.query({ level: 'WARN', since, limit: 300 }),
      ]);
      lines = [...errors, ...warnings].filter((l) => isBusinessService(l.service));
    } catch (error) {
      this.deps.logger.warn(`logs unavailable for evidence: ${(error as Error).message}`);
    }
    const logs: LogEvidence[] = lines.map((l) => {
      const upstream = l.upstream as { name?: unknown; outcome?: unknown } | undefined;
      return {
        service: l.service,
        level: l.level,
        message: l.message,
        timestamp: l.timestamp,
        ...(l.trace_id ? { traceId: l.trace_id } : {}),
        ...(upstream && typeof upstream.name === 'string' && typeof upstream.outcome === 'string'
          ? { upstream: { name: upstream.name, outcome: upstream.outcome } }
          : {}),
      };
    });
    const ids = [...new Set(logs.filter((l) => l.level === 'ERROR' && l.traceId).map((l) => l.traceId!))].slice(0, 5);
    const traces: TraceEvidence[] = [];
    for (const id of ids) {
      try {
        const trace = await this.deps.traces.getTrace(id);
        if (trace) traces.push(summariseTrace(trace));
      } catch {
        // a trace not (yet) stored is no evidence
      }
    }
    return [logs, traces];
  }
}

/** The services the evidence points at: a score above zero and at least half the top one (victims score far less). */
function implicatedBy(ranking: readonly RankedCause[]): Set<string> {
  const top = ranking[0]?.score ?? 0;
  return new Set(ranking.filter((r) => r.score > 0 && r.score >= top / 2).map((r) => r.service));
}

function describeEvidence(evidence: Evidence): string {
  const parts = evidence.views.map((v) => {
    const p95 = v.p95Seconds === null ? '-' : `${Math.round(v.p95Seconds * 1000)}ms`;
    const cpu = v.cpuCores === null ? '-' : v.cpuCores.toFixed(2);
    return `${v.service}: ${v.downSamples > 0 ? `down ${v.downSamples}/${v.samples}, ` : ''}5xx ${Math.round(v.errorRatio * 100)}%, p95 ${p95}, cpu ${cpu}`;
  });
  return `${parts.join('; ')}; ${evidence.logs.length} WARN/ERROR lines, ${evidence.traces.length} traces`;
}

/** Error spans' services, deepest span first. */
function summariseTrace(trace: JaegerTrace): TraceEvidence {
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const depthOf = (spanId: string): number => {
    let depth = 0;
    let current = byId.get(spanId);
    while (current && depth < 64) {
      const parent = parentSpanId(current);
      current = parent ? byId.get(parent) : undefined;
      depth += 1;
    }
    return depth;
  };
  const failing = errorSpans(trace)
    .map((span) => ({ service: serviceOf(span, trace), depth: depthOf(span.spanID) }))
    .sort((a, b) => b.depth - a.depth);
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  return {
    traceId: trace.traceID,
    errorServices: [...new Set(failing.map((f) => f.service))],
    durationMs: Math.round((end - start) / 1000),
  };
}

function targetOf(incident: Incident): BusinessService | undefined {
  for (const record of incident.actions) {
    const action = record.action as { service?: unknown };
    if (record.status === 'succeeded' && typeof action.service === 'string' && isBusinessService(action.service)) return action.service;
  }
  return undefined;
}
