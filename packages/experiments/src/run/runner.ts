import { randomBytes } from 'node:crypto';
import { BUSINESS_SERVICES, type BusinessService, type Incident } from '@archaics/contracts';
import type { Env } from '@archaics/runtime';
import type { MetricsReader } from '@archaics/telemetry-query';
import { loadScenario, runScenario, type Summary } from '@archaics/load';
import type { Experiment, Probe, Step } from '../definition/experiment.ts';
import { exitCodeFor, type Evaluation, type IncidentSummary, type Journal, type JournalEvent, type ProbeResult, type SamplePoint } from './journal.ts';
import { scoreRun } from './score.ts';
import { checkLocalTargets, StackClient, type StackTargets } from './stack-client.ts';

export interface RunExperimentOptions {
  readonly targets: StackTargets;
  /** Metrics of the business services (the CLI's `createTelemetryReaders(env).metrics`). */
  readonly metrics: MetricsReader;
  /** Aborting it (Ctrl-C) ends the run: the rollbacks still run, the status is `aborted`. */
  readonly signal?: AbortSignal;
  /** One line per event (live progress). */
  readonly progress?: (line: string) => void;
  /** Environment for the load runner (default process.env); its targets are the ones above. */
  readonly env?: Env;
  /** The suite runs its own load: the experiment's `method.load` is not started. */
  readonly externalLoad?: boolean;
  /** Seconds between samples of the metrics, the detector and the operator (default 2). */
  readonly sampleIntervalS?: number;
  /** After the hypothesis is back, wait at most this long for an open incident to finish (default 30; 0 = not at all). */
  readonly aiopsGraceS?: number;
  readonly runId?: string;
  /** Called with the journal as it grows (after each phase) and at the end. */
  readonly onJournal?: (journal: Journal) => void;
}

class RunAborted extends Error {
  constructor(
    readonly why: 'stop' | 'interrupt',
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms: number = Date.now()): string => new Date(ms).toISOString();

export function newRunId(name: string, at = new Date()): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${name}-${randomBytes(2).toString('hex')}`;
}

/**
 * Runs one experiment: hypothesis before → method (load in the background, the fault
 * timeline, stop conditions) → hypothesis during and after → rollbacks, which always run
 * (also on a stop condition, an error or an interrupt). Never throws for what happens to the
 * stack: the journal tells.
 */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions): Promise<Journal> {
  checkLocalTargets(options.targets);
  const client = new StackClient(options.targets);
  const intervalMs = Math.round((options.sampleIntervalS ?? 2) * 1000);
  const say = options.progress ?? ((): void => undefined);
  const startedMs = Date.now();
  const journal: Journal = {
    version: 1,
    run_id: options.runId ?? newRunId(experiment.name),
    experiment,
    started_at: iso(startedMs),
    ended_at: iso(startedMs),
    status: 'aborted',
    exit_code: 2,
    reason: '',
    targets: { ...options.targets.services, 'anomaly-detector': options.targets.detectorUrl, 'ai-operator': options.targets.operatorUrl },
    hypothesis: { before: null, during: { evaluations: 0, held: 0, first_breach: null }, after: null, recovered_at: null },
    events: [],
    samples: [],
    rollbacks: [],
    final: null,
    aiops: { detector: false, operator: false, anomalies: [], incidents: [] },
    score: null,
    load: null,
  };
  const event = (kind: JournalEvent['kind'], detail: string, service?: string, at = iso()): void => {
    journal.events.push({ at, kind, detail, ...(service === undefined ? {} : { service }) });
    say(`${at.slice(11, 19)}  ${kind.padEnd(10)} ${detail}`);
  };
  const touched = new Set<BusinessService>();
  let firstInjectionMs: number | null = null;
  let userToken: string | null = null;
  const breaches = new Map<number, number>();

  // What the detector and operator knew before the run: only newer records belong to it.
  const [anomaliesBefore, incidentsBefore] = await Promise.all([client.anomalies(), client.incidents()]);
  const knownAnomalies = new Set((anomaliesBefore?.anomalies ?? []).map((a) => a.id));
  if (anomaliesBefore?.open) knownAnomalies.add(anomaliesBefore.open.id);
  const knownIncidents = new Set((incidentsBefore ?? []).map((i) => i.id));
  journal.aiops.detector = anomaliesBefore !== null;
  journal.aiops.operator = incidentsBefore !== null;
  const seen = new Set<string>();

  const checkSignal = (): void => {
    if (options.signal?.aborted) throw new RunAborted('interrupt', 'interrupted (Ctrl-C)');
  };
  const pause = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
      options.signal?.addEventListener('abort', done, { once: true });
    });
  };

  // ---- sampling: metrics for the charts and probes, the detector's and operator's records
  const sampleMetrics = async (): Promise<void> => {
    try {
      const sample = await options.metrics.sample();
      const services: SamplePoint['services'] = {};
      for (const s of sample.services) {
        if (s.windowSeconds === null && s.up) continue;
        services[s.service] = {
          up: s.up,
          rps: s.requestRate,
          error_ratio: s.errorRatio,
          p95_ms: s.latency.p95 === null ? null : s.latency.p95 * 1000,
          cpu_cores: s.cpuCores,
          faults: s.chaosFailureActive,
        };
      }
      if (Object.keys(services).length > 0) journal.samples.push({ at: iso(sample.timestamp), services });
    } catch (error) {
      event('error', `metrics: ${(error as Error).message}`);
    }
  };
  const pollAiops = async (): Promise<void> => {
    const [anomalies, incidents] = await Promise.all([journal.aiops.detector ? client.anomalies() : null, journal.aiops.operator ? client.incidents() : null]);
    if (anomalies) {
      const all = [...anomalies.anomalies, ...(anomalies.open ? [anomalies.open] : [])];
      const mine = new Map<string, (typeof all)[number]>();
      for (const a of all) if (!knownAnomalies.has(a.id)) mine.set(a.id, a);
      journal.aiops.anomalies = [...mine.values()].sort((a, b) => a.opened_at.localeCompare(b.opened_at));
      for (const a of journal.aiops.anomalies) {
        if (!seen.has(`a:${a.id}`)) {
          seen.add(`a:${a.id}`);
          say(`${a.opened_at.slice(11, 19)}  detection  the detector opened anomaly ${a.id} (${a.services.join(', ') || 'no service named'})`);
        }
      }
    }
    if (incidents) {
      journal.aiops.incidents = incidents.filter((i) => !knownIncidents.has(i.id)).map(summariseIncident).sort((a, b) => a.opened_at.localeCompare(b.opened_at));
      for (const i of journal.aiops.incidents) {
        if (i.ranked_at && !seen.has(`r:${i.id}`)) {
          seen.add(`r:${i.id}`);
          say(`${i.ranked_at.slice(11, 19)}  root cause incident ${i.id}: ${i.ranking.slice(0, 3).map((r) => `${r.service} ${r.score.toFixed(2)}`).join(', ')}`);
        }
        for (const a of i.actions) {
          if (!seen.has(`x:${i.id}:${a.action}:${a.status}`)) {
            seen.add(`x:${i.id}:${a.action}:${a.status}`);
            say(`${a.at.slice(11, 19)}  action     ${a.action} ${a.status}`);
          }
        }
        if (i.resolved_at && !seen.has(`m:${i.id}`)) {
          seen.add(`m:${i.id}`);
          say(`${i.resolved_at.slice(11, 19)}  mitigated  incident ${i.id} ${i.status}${i.verified ? ' (verified)' : ''}`);
        }
      }
    }
  };

  // ---- probes
  const evaluate = async (probes: readonly Probe[], windowS: number): Promise<Evaluation> => {
    const at = Date.now();
    const results = await Promise.all(probes.map((probe) => (probe.type === 'http' ? httpProbe(probe) : Promise.resolve(metricProbe(probe, windowS, at)))));
    return { at: iso(at), held: results.every((r) => r.held), probes: results };
  };
  const httpProbe = async (probe: Extract<Probe, { type: 'http' }>): Promise<ProbeResult> => {
    const headers: Record<string, string> = {};
    try {
      if (probe.auth === 'user') {
        userToken ??= await client.probeUser();
        headers.authorization = `Bearer ${userToken}`;
      }
      const answer = await client.request(`${options.targets.services[probe.service]}${probe.path}`, { method: probe.method, headers, timeoutMs: (probe.maxMs ?? 3000) + 2000 });
      const statusOk = probe.status.includes(answer.status);
      const fast = probe.maxMs === null || answer.ms <= probe.maxMs;
      return { name: probe.name, held: statusOk && fast, value: answer.status, detail: `${probe.method} ${probe.path} → ${answer.status} in ${Math.round(answer.ms)} ms${statusOk ? '' : ` (want ${probe.status.join('|')})`}${fast ? '' : ` (over ${probe.maxMs} ms)`}` };
    } catch (error) {
      return { name: probe.name, held: false, value: null, detail: `${probe.method} ${probe.path}: ${(error as Error).message}` };
    }
  };
  const metricProbe = (probe: Extract<Probe, { type: 'metric' }>, windowS: number, at: number): ProbeResult => {
    const points = journal.samples.filter((s) => Date.parse(s.at) >= at - windowS * 1000 - 250).map((s) => s.services[probe.service]);
    let value: number | null;
    if (probe.metric === 'up') value = points.length === 0 ? 0 : points.every((p) => p?.up === true) ? 1 : 0;
    else {
      const measured = points.filter((p) => p !== undefined && p.up);
      if (measured.length === 0) value = null;
      else if (probe.metric === 'rps') value = mean(measured.map((p) => p!.rps));
      else if (probe.metric === 'error_ratio') {
        const requests = measured.reduce((sum, p) => sum + p!.rps, 0);
        value = requests === 0 ? 0 : measured.reduce((sum, p) => sum + p!.rps * p!.error_ratio, 0) / requests;
      } else if (probe.metric === 'p95_ms') {
        const values = measured.map((p) => p!.p95_ms).filter((v): v is number => v !== null);
        value = values.length === 0 ? 0 : mean(values);
      } else {
        const values = measured.map((p) => p!.cpu_cores).filter((v): v is number => v !== null);
        value = values.length === 0 ? null : mean(values);
      }
    }
    const range = `${probe.min === null ? '' : `≥ ${probe.min}`}${probe.min !== null && probe.max !== null ? ' and ' : ''}${probe.max === null ? '' : `≤ ${probe.max}`}`;
    if (value === null) return { name: probe.name, held: false, value: null, detail: `${probe.service} ${probe.metric}: no measurement in the last ${windowS} s` };
    const held = (probe.min === null || value >= probe.min) && (probe.max === null || value <= probe.max);
    return { name: probe.name, held, value: round(value), detail: `${probe.service} ${probe.metric} ${round(value)} (want ${range}, over ${windowS} s)` };
  };

  // ---- one tick: sample, poll, and (during the method) judge the stop conditions and the hypothesis
  let judging = false;
  const tick = async (): Promise<void> => {
    await Promise.all([sampleMetrics(), pollAiops()]);
    if (!judging) return;
    for (const [index, condition] of experiment.stopConditions.entries()) {
      const [result] = (await evaluate([condition.probe], Math.max(intervalMs / 1000, 2))).probes;
      const count = result?.held === false ? (breaches.get(index) ?? 0) + 1 : 0;
      breaches.set(index, count);
      if (count >= condition.samples) throw new RunAborted('stop', `stop condition "${condition.probe.name}" breached ${count}× in a row: ${result?.detail ?? ''}`);
    }
    // From the first injection on (a run that injects nothing, such as a control run, is judged throughout).
    if (firstInjectionMs !== null || !experiment.method.steps.some((step) => step.kind === 'inject')) {
      const during = await evaluate(experiment.hypothesis.probes, experiment.hypothesis.windowS);
      journal.hypothesis.during.evaluations++;
      if (during.held) journal.hypothesis.during.held++;
      else if (journal.hypothesis.during.first_breach === null) {
        journal.hypothesis.during.first_breach = during;
        event('deviation', `hypothesis breached during the method: ${during.probes.filter((p) => !p.held).map((p) => p.detail).join('; ')}`);
      }
    }
  };
  /** Ticks until `endMs` (or `until` says stop); steps due in between are run by `onDue`. */
  const runUntil = async (endMs: number, until?: () => Promise<boolean>, onDue?: () => Promise<void>): Promise<boolean> => {
    let nextTick = Date.now();
    while (Date.now() < endMs) {
      checkSignal();
      await onDue?.();
      if (Date.now() >= nextTick) {
        await tick();
        nextTick = Date.now() + intervalMs;
        checkSignal();
        if (until && (await until())) return true;
      }
      await pause(Math.min(250, Math.max(0, endMs - Date.now())));
    }
    return false;
  };

  // ---- the steps of the method
  const runStep = async (step: Step): Promise<void> => {
    if (step.kind === 'inject') {
      const f = step.fault;
      touched.add(f.service);
      const at = Date.now();
      firstInjectionMs ??= at;
      const what = `${f.service} ${f.type} intensity ${f.intensity} probability ${f.probability}${f.durationS === null ? ' until reset' : ` for ${f.durationS} s`}${step.note ? ` — ${step.note}` : ''}`;
      try {
        const answer = await client.inject(f, `experiment ${experiment.name}`);
        // A crash at probability 1 may take the process down before the answer is read.
        if (answer.status === 200) event('inject', what, f.service, iso(at));
        else event('error', `inject ${what}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`, f.service);
      } catch (error) {
        if (f.type === 'crash') event('inject', `${what} (the process went down at once)`, f.service, iso(at));
        else event('error', `inject ${what}: ${(error as Error).message}`, f.service);
      }
    } else {
      for (const service of step.services) {
        const answer = await client.reset(service, `experiment ${experiment.name}: method step`).catch((error: Error) => error);
        event(answer instanceof Error ? 'error' : 'reset', `${service}${answer instanceof Error ? `: ${answer.message}` : ` (${answer.status})`}${step.note ? ` — ${step.note}` : ''}`, service);
      }
    }
  };

  // ---- the load in the background
  const loadControl = new AbortController();
  let loadRun: Promise<Summary | Error> | null = null;
  const load = options.externalLoad ? null : experiment.method.load;
  const totalS = experiment.method.warmupS + experiment.method.durationS + experiment.budgetS + experiment.hypothesis.windowS + 120;

  try {
    event('phase', `experiment ${experiment.name}: ${experiment.title} (run ${journal.run_id})`);
    const health = await Promise.all(BUSINESS_SERVICES.map(async (service) => [service, await client.health(service)] as const));
    const down = health.filter(([, h]) => !h.up);
    if (down.length > 0) throw new Error(`the stack is not ready: ${down.map(([s, h]) => `${s} (${h.error})`).join(', ')}`);
    const active = health.filter(([, h]) => h.failure !== null);
    if (active.length > 0) event('phase', `faults already active before the run: ${active.map(([s, h]) => `${s} ${h.failure?.type}`).join(', ')} (the rollbacks clear them)`);
    for (const [service] of active) touched.add(service);
    if (!journal.aiops.detector) event('phase', `the anomaly detector does not answer at ${options.targets.detectorUrl}: no detection markers`);
    if (!journal.aiops.operator) event('phase', `the ai-operator does not answer at ${options.targets.operatorUrl}: no root-cause, action or mitigation markers`);

    if (load) {
      const definition = loadScenario(load.scenario);
      event('phase', `load ${load.scenario}${load.vus === null ? '' : ` at ${load.vus} VUs`}${load.rate === null ? '' : ` at ${load.rate}/s`} in the background`);
      const s = options.targets.services;
      loadRun = runScenario(definition, {
        targets: { auth: s['auth-service'], db: s['db-service'], product: s['product-service'], payment: s['payment-service'] },
        overrides: { duration: `${Math.ceil(totalS)}s`, ...(load.vus === null ? {} : { vus: load.vus }), ...(load.rate === null ? {} : { rate: load.rate }) },
        env: options.env ?? process.env,
        signal: loadControl.signal,
      }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }

    const window = experiment.hypothesis.windowS;
    event('phase', `warm-up ${experiment.method.warmupS} s, then the hypothesis before (${window} s window)`);
    await runUntil(Date.now() + Math.max(experiment.method.warmupS, window + intervalMs / 1000) * 1000);
    journal.hypothesis.before = await evaluate(experiment.hypothesis.probes, window);
    event('phase', `hypothesis before: ${journal.hypothesis.before.held ? 'held' : 'NOT met'} — ${journal.hypothesis.before.probes.map((p) => `${p.name} ${p.held ? 'ok' : 'FAILED'}`).join(', ')}`);
    options.onJournal?.(journal);
    if (!journal.hypothesis.before.held) {
      journal.status = 'aborted';
      journal.reason = `the steady state did not hold before the method (${journal.hypothesis.before.probes.filter((p) => !p.held).map((p) => p.detail).join('; ')}): nothing was injected`;
    } else {
      const methodStart = Date.now();
      event('phase', `method: ${experiment.method.steps.length} step(s) over ${experiment.method.durationS} s`);
      judging = true;
      let next = 0;
      const steps = experiment.method.steps;
      const runDue = async (): Promise<void> => {
        while (next < steps.length && Date.now() >= methodStart + steps[next]!.atS * 1000) {
          checkSignal();
          await runStep(steps[next++]!);
        }
      };
      await runUntil(methodStart + experiment.method.durationS * 1000, undefined, runDue);
      await runDue();

      // After: the hypothesis must hold again, within the budget from the first injection.
      const deadline = Math.max(Date.now() + window * 1000, (firstInjectionMs ?? Date.now()) + experiment.budgetS * 1000);
      event('phase', `hypothesis after: waiting up to ${Math.round((deadline - Date.now()) / 1000)} s for it to hold`);
      const recovered = await runUntil(deadline, async () => {
        const after = await evaluate(experiment.hypothesis.probes, window);
        journal.hypothesis.after = after;
        return after.held;
      });
      judging = false;
      const during = journal.hypothesis.during;
      if (recovered) {
        journal.hypothesis.recovered_at = journal.hypothesis.after?.at ?? iso();
        const heldThroughout = during.first_breach === null;
        journal.status = heldThroughout ? 'held' : 'healed';
        event('recovery', heldThroughout ? 'the hypothesis held throughout' : `the hypothesis holds again (${firstInjectionMs === null ? '' : `${round((Date.parse(journal.hypothesis.recovered_at) - firstInjectionMs) / 1000)} s after the first injection, `}budget ${experiment.budgetS} s)`);
        journal.reason = heldThroughout ? 'the hypothesis held before, during and after the method' : `the hypothesis deviated during the method and held again within the budget of ${experiment.budgetS} s`;
        // Let an incident in progress finish, so that its mitigation is in the journal.
        const graceEnd = Date.now() + (options.aiopsGraceS ?? 30) * 1000;
        await runUntil(graceEnd, async () => !journal.aiops.incidents.some((i) => !['resolved', 'escalated', 'dry_run'].includes(i.status)));
      } else {
        journal.status = 'deviated';
        journal.reason = `the hypothesis did not hold again within the budget of ${experiment.budgetS} s: ${journal.hypothesis.after?.probes.filter((p) => !p.held).map((p) => p.detail).join('; ') ?? 'not evaluated'}`;
        event('deviation', journal.reason);
      }
    }
  } catch (error) {
    journal.status = 'aborted';
    if (error instanceof RunAborted) {
      journal.reason = error.message;
      event(error.why, error.message);
    } else {
      journal.reason = `error: ${(error as Error).message}`;
      event('error', journal.reason);
    }
  } finally {
    judging = false;
    // Rollbacks: the declared ones, then a safety reset of every service the run touched.
    event('phase', 'rollbacks');
    for (const rollback of experiment.rollbacks) {
      if (rollback.kind === 'reset') {
        for (const service of rollback.services) await rollbackReset(client, journal, service, `experiment ${experiment.name}: rollback`, event);
      } else {
        const end = Date.now() + rollback.timeoutS * 1000;
        let state = await client.allClear();
        while (!state.clear && Date.now() < end) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          state = await client.allClear();
        }
        journal.rollbacks.push({ at: iso(), action: `wait_healthy ${rollback.timeoutS} s`, ok: state.clear, detail: state.clear ? 'every service healthy, no fault' : state.detail.join(', ') });
        event('rollback', `wait_healthy: ${state.clear ? 'every service healthy, no fault' : state.detail.join(', ')}`);
      }
    }
    const declared = new Set(experiment.rollbacks.flatMap((r) => (r.kind === 'reset' ? r.services : [])));
    for (const service of touched) if (!declared.has(service)) await rollbackReset(client, journal, service, `experiment ${experiment.name}: safety reset`, event);

    loadControl.abort();
    if (loadRun) {
      const summary = await loadRun;
      if (summary instanceof Error) event('error', `load: ${summary.message}`);
      else journal.load = { scenario: summary.scenario, requests: summary.requests.total, error_rate: round(summary.requests.failedRate), p95_ms: round(summary.latency.serviceTime.p95) };
    }
    // Every service must answer with no fault; a crashed one gets a few seconds to come back.
    const clearBy = Date.now() + 15_000;
    let final = await client.allClear();
    while (!final.clear && Date.now() < clearBy) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (final.detail.some((d) => d.endsWith('active'))) for (const service of BUSINESS_SERVICES) await client.reset(service, `experiment ${experiment.name}: final check`).catch(() => undefined);
      final = await client.allClear();
    }
    journal.final = final;
    event('phase', final.clear ? 'after the rollbacks: every service healthy, no fault active' : `after the rollbacks: ${final.detail.join(', ')}`);
    await pollAiops().catch(() => undefined);
    journal.ended_at = iso();
    journal.exit_code = exitCodeFor(journal.status);
    journal.score = scoreRun(journal, firstInjectionMs);
    options.onJournal?.(journal);
  }
  return journal;
}

async function rollbackReset(client: StackClient, journal: Journal, service: BusinessService, reason: string, event: (kind: JournalEvent['kind'], detail: string, service?: string) => void): Promise<void> {
  let detail: string;
  let ok = false;
  try {
    const answer = await client.reset(service, reason);
    ok = answer.status === 200;
    detail = ok ? `cleared ${(answer.body as { cleared?: string | null }).cleared ?? 'nothing'}` : `HTTP ${answer.status}`;
  } catch (error) {
    detail = (error as Error).message;
  }
  journal.rollbacks.push({ at: new Date().toISOString(), action: `reset ${service}`, ok, detail });
  event('rollback', `reset ${service}: ${detail}`, service);
}

function summariseIncident(incident: Incident): IncidentSummary {
  return {
    id: incident.id,
    status: incident.status,
    opened_at: incident.opened_at,
    root_cause: incident.root_cause,
    ranking: incident.ranking.map((r) => ({ service: r.service, score: r.score })),
    actions: incident.actions.map((a) => ({ action: describeAction(a.action), status: a.status, at: a.at })),
    verified: incident.verified,
    resolved_at: incident.resolved_at,
    ranked_at: incident.timeline.find((t) => t.event === 'ranked')?.at ?? (incident.ranking.length > 0 ? incident.opened_at : null),
  };
}

function describeAction(action: unknown): string {
  const a = action as { action?: unknown; service?: unknown; reason?: unknown } | null;
  if (typeof a?.action !== 'string') return JSON.stringify(action)?.slice(0, 80) ?? '?';
  return `${a.action}(${typeof a.service === 'string' ? a.service : typeof a.reason === 'string' ? a.reason.slice(0, 40) : ''})`;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
