import { randomBytes } from 'node:crypto';
import { BUSINESS_SERVICES, scopeLabel, type BusinessService, type Incident } from '@archaics/contracts';
import type { Env } from '@archaics/runtime';
import type { MetricsReader } from '@archaics/telemetry-query';
import { loadScenario, runScenario, type Summary } from '@archaics/load';
import type { Experiment, Fault, Probe, ResetScope, Rollback, Step } from '../definition/experiment.ts';
import {
  exitCodeFor,
  newJournal,
  type Evaluation,
  type IncidentSummary,
  type Journal,
  type JournalEvent,
  type ProbeResult,
  type RunStatus,
  type SamplePoint,
} from './journal.ts';
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
  return `${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${name}-${randomBytes(2).toString('hex')}`;
}

/** What stays for the whole run; the journal is the record the phases fill in. */
interface RunContext {
  readonly experiment: Experiment;
  readonly options: RunExperimentOptions;
  readonly client: StackClient;
  readonly journal: Journal;
  readonly intervalMs: number;
  readonly say: (line: string) => void;
  /** The detector's and operator's records from before the run: only newer ones belong to it. */
  readonly known: { readonly anomalies: ReadonlySet<string>; readonly incidents: ReadonlySet<string> };
  /** Detection, root-cause, action and mitigation lines already said. */
  readonly announced: Set<string>;
  /** Consecutive breaches of each stop condition (by index), over the method and the wait after it. */
  readonly breaches: Map<number, number>;
  /** The probe user's token, signed up at the first `auth: user` probe. */
  readonly probeUser: { token: string | null };
}

/** The load the run started in the background. */
interface BackgroundLoad {
  readonly control: AbortController;
  readonly done: Promise<Summary | Error>;
}

/** How the run ended; set by the phase that decides it, after which the method's phases are skipped. */
interface Outcome {
  readonly status: RunStatus;
  readonly reason: string;
}

/** Each service a fault may be left on, with the scopes (by label) of those faults: the safety resets clear them. */
type Touched = ReadonlyMap<BusinessService, ReadonlyMap<string, ResetScope>>;

const SERVICE_SCOPE = scopeLabel({});

/** `touched` with one more fault's service and scope. */
function touch(touched: Touched, service: BusinessService, scope: ResetScope = {}): Touched {
  const next = new Map(touched);
  next.set(service, new Map([...(touched.get(service) ?? []), [scopeLabel(scope), scope]]));
  return next;
}

/** The scope of a fault: its route or its edge, or none (service-wide). */
function scopeOf(fault: Fault): ResetScope {
  if (fault.target !== undefined) return { target: fault.target };
  return fault.route === undefined ? {} : { route: fault.route };
}

/** How a reset shows in the journal: `reset db-service`, or `reset product-service route:/cart/add` for one scope. */
function resetAction(service: BusinessService, scope: ResetScope | undefined): string {
  return scope === undefined ? `reset ${service}` : `reset ${service} ${scopeLabel(scope)}`;
}

/** What a reset cleared: `cleared cpu`, `cleared error at route:/cart/add`, or `cleared nothing`. */
function clearedOf(body: unknown): string {
  const answer = body as { cleared?: string | null; cleared_faults?: ReadonlyArray<{ type: string; scope: string }> };
  const faults = answer.cleared_faults?.map((f) => (f.scope === SERVICE_SCOPE ? f.type : `${f.type} at ${f.scope}`));
  const list = faults ?? (answer.cleared ? [answer.cleared] : []);
  return `cleared ${list.length === 0 ? 'nothing' : list.join(', ')}`;
}

/** What one phase hands to the next. */
interface RunState {
  readonly ctx: RunContext;
  readonly touched: Touched;
  readonly firstInjectionMs: number | null;
  readonly load: BackgroundLoad | null;
  readonly outcome: Outcome | null;
}

type Phase = (state: RunState) => RunState | Promise<RunState>;

/**
 * Runs one experiment in phases, each taking and returning the run's state: the stack check
 * → the load in the background → the hypothesis before (after a warm-up) → the method (the
 * fault timeline, stop conditions, the hypothesis during) → the hypothesis after → rollbacks,
 * which always run (also on a stop condition, an error or an interrupt) → the journal's end.
 * Never throws for what happens to the stack: the journal tells.
 */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions): Promise<Journal> {
  checkLocalTargets(options.targets);
  let state = await openRun(experiment, options);
  const method: readonly Phase[] = [checkStack, startLoad, steadyStateBefore, runMethod, steadyStateAfter];
  for (const phase of method) {
    if (state.outcome !== null) break;
    state = await guarded(state, phase);
  }
  state = await rollBack(state);
  return (await closeRun(state)).ctx.journal;
}

/** The journal and what the detector and operator knew before the run. */
async function openRun(experiment: Experiment, options: RunExperimentOptions): Promise<RunState> {
  const client = new StackClient(options.targets);
  const journal = newJournal(experiment, options.runId ?? newRunId(experiment.name), iso(), {
    ...options.targets.services,
    'anomaly-detector': options.targets.detectorUrl,
    'ai-operator': options.targets.operatorUrl,
  });
  const [anomaliesBefore, incidentsBefore] = await Promise.all([client.anomalies(), client.incidents()]);
  const anomalies = new Set((anomaliesBefore?.anomalies ?? []).map((a) => a.id));
  if (anomaliesBefore?.open) anomalies.add(anomaliesBefore.open.id);
  journal.aiops.detector = anomaliesBefore !== null;
  journal.aiops.operator = incidentsBefore !== null;
  const ctx: RunContext = {
    experiment,
    options,
    client,
    journal,
    intervalMs: Math.round((options.sampleIntervalS ?? 2) * 1000),
    say: options.progress ?? ((): void => undefined),
    known: { anomalies, incidents: new Set((incidentsBefore ?? []).map((i) => i.id)) },
    announced: new Set(),
    breaches: new Map(),
    probeUser: { token: null },
  };
  return { ctx, touched: new Map(), firstInjectionMs: null, load: null, outcome: null };
}

/** Runs a phase; what it throws (a stop condition, an interrupt, an error) aborts the run. */
async function guarded(state: RunState, phase: Phase): Promise<RunState> {
  try {
    return await phase(state);
  } catch (error) {
    return aborted(state, error);
  }
}

function aborted(state: RunState, error: unknown): RunState {
  if (error instanceof RunAborted) {
    event(state.ctx, error.why, error.message);
    return decided(state, 'aborted', error.message);
  }
  const reason = `error: ${(error as Error).message}`;
  event(state.ctx, 'error', reason);
  return decided(state, 'aborted', reason);
}

function decided(state: RunState, status: RunStatus, reason: string): RunState {
  state.ctx.journal.status = status;
  state.ctx.journal.reason = reason;
  return { ...state, outcome: { status, reason } };
}

/** Every business service must answer; faults already active are noted and left to the rollbacks. */
async function checkStack(state: RunState): Promise<RunState> {
  const { ctx } = state;
  const { experiment, client, journal, options } = ctx;
  event(ctx, 'phase', `experiment ${experiment.name}: ${experiment.title} (run ${journal.run_id})`);
  const health = await Promise.all(BUSINESS_SERVICES.map(async (service) => [service, await client.health(service)] as const));
  const down = health.filter(([, h]) => !h.up);
  if (down.length > 0) throw new Error(`the stack is not ready: ${down.map(([s, h]) => `${s} (${h.error})`).join(', ')}`);
  const active = health.filter(([, h]) => h.failures.length > 0);
  if (active.length > 0)
    event(
      ctx,
      'phase',
      `faults already active before the run: ${active
        .flatMap(([s, h]) => h.failures.map((f) => `${s} ${f.type}${f.scope === SERVICE_SCOPE ? '' : ` ${f.scope}`}`))
        .join(', ')} (the rollbacks clear them)`,
    );
  if (!journal.aiops.detector)
    event(ctx, 'phase', `the anomaly detector does not answer at ${options.targets.detectorUrl}: no detection markers`);
  if (!journal.aiops.operator)
    event(ctx, 'phase', `the ai-operator does not answer at ${options.targets.operatorUrl}: no root-cause, action or mitigation markers`);
  // A fault found before the run is cleared with every other fault of its service.
  return { ...state, touched: active.reduce((touched, [service]) => touch(touched, service), state.touched) };
}

/** The experiment's load in the background, for longer than the run can last; none when the suite runs its own. */
function startLoad(state: RunState): RunState {
  const { experiment, options } = state.ctx;
  const load = options.externalLoad ? null : experiment.method.load;
  if (!load) return state;
  const totalS = experiment.method.warmupS + experiment.method.durationS + experiment.budgetS + experiment.hypothesis.windowS + 120;
  const definition = loadScenario(load.scenario);
  event(
    state.ctx,
    'phase',
    `load ${load.scenario}${load.vus === null ? '' : ` at ${load.vus} VUs`}${load.rate === null ? '' : ` at ${load.rate}/s`} in the background`,
  );
  const s = options.targets.services;
  const control = new AbortController();
  const done = runScenario(definition, {
    targets: { auth: s['auth-service'], db: s['db-service'], product: s['product-service'], payment: s['payment-service'] },
    overrides: {
      duration: `${Math.ceil(totalS)}s`,
      ...(load.vus === null ? {} : { vus: load.vus }),
      ...(load.rate === null ? {} : { rate: load.rate }),
    },
    env: options.env ?? process.env,
    signal: control.signal,
  }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return { ...state, load: { control, done } };
}

/** After the warm-up, the steady state must hold before anything is injected. */
async function steadyStateBefore(state: RunState): Promise<RunState> {
  const { ctx } = state;
  const { experiment, journal, intervalMs } = ctx;
  const window = experiment.hypothesis.windowS;
  event(ctx, 'phase', `warm-up ${experiment.method.warmupS} s, then the hypothesis before (${window} s window)`);
  await runUntil(ctx, Date.now() + Math.max(experiment.method.warmupS, window + intervalMs / 1000) * 1000);
  const before = await evaluate(ctx, experiment.hypothesis.probes, window);
  journal.hypothesis.before = before;
  event(
    ctx,
    'phase',
    `hypothesis before: ${before.held ? 'held' : 'NOT met'} — ${before.probes.map((p) => `${p.name} ${p.held ? 'ok' : 'FAILED'}`).join(', ')}`,
  );
  ctx.options.onJournal?.(journal);
  if (before.held) return state;
  return decided(
    state,
    'aborted',
    `the steady state did not hold before the method (${before.probes
      .filter((p) => !p.held)
      .map((p) => p.detail)
      .join('; ')}): nothing was injected`,
  );
}

/** The fault timeline over the method's duration, judged every tick. */
async function runMethod(state: RunState): Promise<RunState> {
  const { ctx } = state;
  const { experiment } = ctx;
  const methodStart = Date.now();
  const steps = experiment.method.steps;
  event(ctx, 'phase', `method: ${steps.length} step(s) over ${experiment.method.durationS} s`);
  let current = state;
  let next = 0;
  const runDue = async (): Promise<void> => {
    while (next < steps.length && Date.now() >= methodStart + steps[next]!.atS * 1000) {
      checkSignal(ctx);
      current = await runStep(current, steps[next++]!);
    }
  };
  try {
    await runUntil(ctx, methodStart + experiment.method.durationS * 1000, { judged: () => current, onDue: runDue });
    await runDue();
  } catch (error) {
    // What was injected before the stop still needs its rollback and its score.
    return aborted(current, error);
  }
  return current;
}

/** The hypothesis must hold again within the budget from the first injection; then an open incident gets a grace to finish. */
async function steadyStateAfter(state: RunState): Promise<RunState> {
  const { ctx, firstInjectionMs } = state;
  const { experiment, journal } = ctx;
  const window = experiment.hypothesis.windowS;
  const deadline = Math.max(Date.now() + window * 1000, (firstInjectionMs ?? Date.now()) + experiment.budgetS * 1000);
  event(ctx, 'phase', `hypothesis after: waiting up to ${Math.round((deadline - Date.now()) / 1000)} s for it to hold`);
  const recovered = await runUntil(ctx, deadline, {
    judged: () => state,
    until: async () => {
      const after = await evaluate(ctx, experiment.hypothesis.probes, window);
      journal.hypothesis.after = after;
      return after.held;
    },
  });
  if (!recovered) {
    const reason = `the hypothesis did not hold again within the budget of ${experiment.budgetS} s: ${
      journal.hypothesis.after?.probes
        .filter((p) => !p.held)
        .map((p) => p.detail)
        .join('; ') ?? 'not evaluated'
    }`;
    const deviated = decided(state, 'deviated', reason);
    event(ctx, 'deviation', reason);
    return deviated;
  }
  journal.hypothesis.recovered_at = journal.hypothesis.after?.at ?? iso();
  const heldThroughout = journal.hypothesis.during.first_breach === null;
  event(
    ctx,
    'recovery',
    heldThroughout
      ? 'the hypothesis held throughout'
      : `the hypothesis holds again (${firstInjectionMs === null ? '' : `${round((Date.parse(journal.hypothesis.recovered_at) - firstInjectionMs) / 1000)} s after the first injection, `}budget ${experiment.budgetS} s)`,
  );
  const settled = decided(
    state,
    heldThroughout ? 'held' : 'healed',
    heldThroughout
      ? 'the hypothesis held before, during and after the method'
      : `the hypothesis deviated during the method and held again within the budget of ${experiment.budgetS} s`,
  );
  // Let an incident in progress finish, so that its mitigation is in the journal.
  const graceEnd = Date.now() + (ctx.options.aiopsGraceS ?? 30) * 1000;
  await runUntil(ctx, graceEnd, {
    until: async () => !journal.aiops.incidents.some((i) => !['resolved', 'escalated', 'dry_run'].includes(i.status)),
  });
  return settled;
}

/**
 * The declared rollbacks, then a safety reset of what the run touched and they left: a service
 * with a service-wide fault is reset whole, one with only scoped faults in those scopes only; always run.
 */
async function rollBack(state: RunState): Promise<RunState> {
  const { ctx } = state;
  const { experiment } = ctx;
  event(ctx, 'phase', 'rollbacks');
  for (const rollback of experiment.rollbacks) await runRollback(ctx, rollback);
  const declared = new Set(
    experiment.rollbacks.flatMap((r) => (r.kind === 'reset' ? r.services.map((service) => resetAction(service, r.scope)) : [])),
  );
  const reason = `experiment ${experiment.name}: safety reset`;
  for (const [service, scopes] of state.touched) {
    if (declared.has(resetAction(service, undefined))) continue;
    const wanted = scopes.has(SERVICE_SCOPE) ? [undefined] : [...scopes.values()];
    for (const scope of wanted) if (!declared.has(resetAction(service, scope))) await rollbackReset(ctx, service, reason, scope);
  }
  return state;
}

/** Stops the load, checks every service is clear, reads the last records and scores the run. */
async function closeRun(state: RunState): Promise<RunState> {
  const { ctx } = state;
  const { client, experiment, journal } = ctx;
  if (state.load) {
    state.load.control.abort();
    const summary = await state.load.done;
    if (summary instanceof Error) event(ctx, 'error', `load: ${summary.message}`);
    else
      journal.load = {
        scenario: summary.scenario,
        requests: summary.requests.total,
        error_rate: round(summary.requests.failedRate),
        p95_ms: round(summary.latency.serviceTime.p95),
      };
  }
  // Every service must answer with no fault; a crashed one gets a few seconds to come back.
  const clearBy = Date.now() + 15_000;
  let final = await client.allClear();
  while (!final.clear && Date.now() < clearBy) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (final.detail.some((d) => d.endsWith('active')))
      for (const service of BUSINESS_SERVICES)
        await client.reset(service, `experiment ${experiment.name}: final check`).catch(() => undefined);
    final = await client.allClear();
  }
  journal.final = final;
  event(
    ctx,
    'phase',
    final.clear ? 'after the rollbacks: every service healthy, no fault active' : `after the rollbacks: ${final.detail.join(', ')}`,
  );
  await pollAiops(ctx).catch(() => undefined);
  journal.ended_at = iso();
  journal.exit_code = exitCodeFor(journal.status);
  journal.score = scoreRun(journal, state.firstInjectionMs);
  ctx.options.onJournal?.(journal);
  return state;
}

// ---- the steps of the method

async function runStep(state: RunState, step: Step): Promise<RunState> {
  const { ctx } = state;
  const { client, experiment } = ctx;
  if (step.kind !== 'inject') {
    const scope = step.scope === undefined ? undefined : scopeLabel(step.scope);
    for (const service of step.services) {
      const answer = await client.reset(service, `experiment ${experiment.name}: method step`, step.scope).catch((error: Error) => error);
      const outcome =
        answer instanceof Error
          ? `: ${answer.message}`
          : ` (${answer.status}${answer.status === 200 ? `, ${clearedOf(answer.body)}` : ''})`;
      event(
        ctx,
        answer instanceof Error ? 'error' : 'reset',
        `${service}${scope === undefined ? '' : ` ${scope}`}${outcome}${step.note ? ` — ${step.note}` : ''}`,
        { service, ...(scope === undefined ? {} : { scope }) },
      );
    }
    return state;
  }
  const f = step.fault;
  const at = Date.now();
  const scope = scopeLabel(scopeOf(f));
  const injected: RunState = {
    ...state,
    touched: touch(state.touched, f.service, scopeOf(f)),
    firstInjectionMs: state.firstInjectionMs ?? at,
  };
  const gray = [
    ...(f.ms === undefined ? [] : [`${f.ms} ms`]),
    ...(f.jitter === undefined ? [] : [`jitter ${f.jitter}`]),
    ...(f.status === undefined ? [] : [`status ${f.status}`]),
  ];
  const what = `${f.service} ${f.type}${scope === SERVICE_SCOPE ? '' : ` at ${scope}`}${gray.length === 0 ? '' : ` (${gray.join(', ')})`} intensity ${f.intensity} probability ${f.probability}${f.durationS === null ? ' until reset' : ` for ${f.durationS} s`}${step.note ? ` — ${step.note}` : ''}`;
  const where = { service: f.service, scope };
  try {
    const answer = await client.inject(f, `experiment ${experiment.name}`);
    // A crash at probability 1 may take the process down before the answer is read.
    if (answer.status === 200) event(ctx, 'inject', what, where, iso(at));
    else event(ctx, 'error', `inject ${what}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`, where);
  } catch (error) {
    if (f.type === 'crash') event(ctx, 'inject', `${what} (the process went down at once)`, where, iso(at));
    else event(ctx, 'error', `inject ${what}: ${(error as Error).message}`, where);
  }
  return injected;
}

// ---- rollbacks

async function runRollback(ctx: RunContext, rollback: Rollback): Promise<void> {
  const { client, experiment, journal } = ctx;
  if (rollback.kind === 'reset') {
    for (const service of rollback.services) await rollbackReset(ctx, service, `experiment ${experiment.name}: rollback`, rollback.scope);
    return;
  }
  const end = Date.now() + rollback.timeoutS * 1000;
  let state = await client.allClear();
  while (!state.clear && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    state = await client.allClear();
  }
  journal.rollbacks.push({
    at: iso(),
    action: `wait_healthy ${rollback.timeoutS} s`,
    ok: state.clear,
    detail: state.clear ? 'every service healthy, no fault' : state.detail.join(', '),
  });
  event(ctx, 'rollback', `wait_healthy: ${state.clear ? 'every service healthy, no fault' : state.detail.join(', ')}`);
}

/** POST /reset of a service: every fault, or only the one of `scope`. */
async function rollbackReset(ctx: RunContext, service: BusinessService, reason: string, scope?: ResetScope): Promise<void> {
  let detail: string;
  let ok = false;
  try {
    const answer = await ctx.client.reset(service, reason, scope);
    ok = answer.status === 200;
    detail = ok ? clearedOf(answer.body) : `HTTP ${answer.status}`;
  } catch (error) {
    detail = (error as Error).message;
  }
  const action = resetAction(service, scope);
  const label = scope === undefined ? {} : { scope: scopeLabel(scope) };
  ctx.journal.rollbacks.push({ at: iso(), action, ok, detail, ...label });
  event(ctx, 'rollback', `${action}: ${detail}`, { service, ...label });
}

// ---- ticking: sample, poll, and (during the method and the wait after it) judge

interface TickOptions {
  /** The state to judge the stop conditions and the hypothesis against; none: only sample and poll. */
  readonly judged?: () => RunState;
  /** Asked after each tick; true ends the wait early. */
  readonly until?: () => Promise<boolean>;
  /** Runs the steps due, between ticks. */
  readonly onDue?: () => Promise<void>;
}

/** Ticks until `endMs` (or `until` says stop); true when `until` ended it. */
async function runUntil(ctx: RunContext, endMs: number, tickOptions: TickOptions = {}): Promise<boolean> {
  const { judged, until, onDue } = tickOptions;
  let nextTick = Date.now();
  while (Date.now() < endMs) {
    checkSignal(ctx);
    await onDue?.();
    if (Date.now() >= nextTick) {
      await tick(ctx, judged?.());
      nextTick = Date.now() + ctx.intervalMs;
      checkSignal(ctx);
      if (until && (await until())) return true;
    }
    await pause(ctx, Math.min(250, Math.max(0, endMs - Date.now())));
  }
  return false;
}

async function tick(ctx: RunContext, judged: RunState | undefined): Promise<void> {
  await Promise.all([sampleMetrics(ctx), pollAiops(ctx)]);
  if (!judged) return;
  const { experiment, journal, breaches, intervalMs } = ctx;
  for (const [index, condition] of experiment.stopConditions.entries()) {
    const [result] = (await evaluate(ctx, [condition.probe], Math.max(intervalMs / 1000, 2))).probes;
    const count = result?.held === false ? (breaches.get(index) ?? 0) + 1 : 0;
    breaches.set(index, count);
    if (count >= condition.samples)
      throw new RunAborted('stop', `stop condition "${condition.probe.name}" breached ${count}× in a row: ${result?.detail ?? ''}`);
  }
  // From the first injection on (a run that injects nothing, such as a control run, is judged throughout).
  if (judged.firstInjectionMs !== null || !experiment.method.steps.some((step) => step.kind === 'inject')) {
    const during = await evaluate(ctx, experiment.hypothesis.probes, experiment.hypothesis.windowS);
    journal.hypothesis.during.evaluations++;
    if (during.held) journal.hypothesis.during.held++;
    else if (journal.hypothesis.during.first_breach === null) {
      journal.hypothesis.during.first_breach = during;
      event(
        ctx,
        'deviation',
        `hypothesis breached during the method: ${during.probes
          .filter((p) => !p.held)
          .map((p) => p.detail)
          .join('; ')}`,
      );
    }
  }
}

/** Metrics for the charts and the metric probes. */
async function sampleMetrics(ctx: RunContext): Promise<void> {
  try {
    const sample = await ctx.options.metrics.sample();
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
        fault_scopes: (s.chaosFaults ?? []).map((f) => `${f.type} ${f.scope}`),
      };
    }
    if (Object.keys(services).length > 0) ctx.journal.samples.push({ at: iso(sample.timestamp), services });
  } catch (error) {
    event(ctx, 'error', `metrics: ${(error as Error).message}`);
  }
}

/** The detector's anomalies and the operator's incidents opened since the run began, each marker said once. */
async function pollAiops(ctx: RunContext): Promise<void> {
  const { client, journal, known, announced, say } = ctx;
  const [anomalies, incidents] = await Promise.all([
    journal.aiops.detector ? client.anomalies() : null,
    journal.aiops.operator ? client.incidents() : null,
  ]);
  if (anomalies) {
    const all = [...anomalies.anomalies, ...(anomalies.open ? [anomalies.open] : [])];
    const mine = new Map<string, (typeof all)[number]>();
    for (const a of all) if (!known.anomalies.has(a.id)) mine.set(a.id, a);
    journal.aiops.anomalies = [...mine.values()].sort((a, b) => a.opened_at.localeCompare(b.opened_at));
    for (const a of journal.aiops.anomalies) {
      if (!announced.has(`a:${a.id}`)) {
        announced.add(`a:${a.id}`);
        say(
          `${a.opened_at.slice(11, 19)}  detection  the detector opened anomaly ${a.id} (${a.services.join(', ') || 'no service named'})`,
        );
      }
    }
  }
  if (incidents) {
    journal.aiops.incidents = incidents
      .filter((i) => !known.incidents.has(i.id))
      .map(summariseIncident)
      .sort((a, b) => a.opened_at.localeCompare(b.opened_at));
    for (const i of journal.aiops.incidents) {
      if (i.ranked_at && !announced.has(`r:${i.id}`)) {
        announced.add(`r:${i.id}`);
        say(
          `${i.ranked_at.slice(11, 19)}  root cause incident ${i.id}: ${i.ranking
            .slice(0, 3)
            .map((r) => `${r.service} ${r.score.toFixed(2)}`)
            .join(', ')}`,
        );
      }
      for (const a of i.actions) {
        if (!announced.has(`x:${i.id}:${a.action}:${a.status}`)) {
          announced.add(`x:${i.id}:${a.action}:${a.status}`);
          say(`${a.at.slice(11, 19)}  action     ${a.action} ${a.status}`);
        }
      }
      if (i.resolved_at && !announced.has(`m:${i.id}`)) {
        announced.add(`m:${i.id}`);
        say(`${i.resolved_at.slice(11, 19)}  mitigated  incident ${i.id} ${i.status}${i.verified ? ' (verified)' : ''}`);
      }
    }
  }
}

// ---- probes

async function evaluate(ctx: RunContext, probes: readonly Probe[], windowS: number): Promise<Evaluation> {
  const at = Date.now();
  const results = await Promise.all(
    probes.map((probe) => (probe.type === 'http' ? httpProbe(ctx, probe) : Promise.resolve(metricProbe(ctx.journal, probe, windowS, at)))),
  );
  return { at: iso(at), held: results.every((r) => r.held), probes: results };
}

async function httpProbe(ctx: RunContext, probe: Extract<Probe, { type: 'http' }>): Promise<ProbeResult> {
  const { client, options, probeUser } = ctx;
  const headers: Record<string, string> = {};
  try {
    if (probe.auth === 'user') {
      probeUser.token ??= await client.probeUser();
      headers.authorization = `Bearer ${probeUser.token}`;
    }
    const answer = await client.request(`${options.targets.services[probe.service]}${probe.path}`, {
      method: probe.method,
      headers,
      timeoutMs: (probe.maxMs ?? 3000) + 2000,
    });
    const statusOk = probe.status.includes(answer.status);
    const fast = probe.maxMs === null || answer.ms <= probe.maxMs;
    return {
      name: probe.name,
      held: statusOk && fast,
      value: answer.status,
      detail: `${probe.method} ${probe.path} → ${answer.status} in ${Math.round(answer.ms)} ms${statusOk ? '' : ` (want ${probe.status.join('|')})`}${fast ? '' : ` (over ${probe.maxMs} ms)`}`,
    };
  } catch (error) {
    return { name: probe.name, held: false, value: null, detail: `${probe.method} ${probe.path}: ${(error as Error).message}` };
  }
}

function metricProbe(journal: Journal, probe: Extract<Probe, { type: 'metric' }>, windowS: number, at: number): ProbeResult {
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
  if (value === null)
    return {
      name: probe.name,
      held: false,
      value: null,
      detail: `${probe.service} ${probe.metric}: no measurement in the last ${windowS} s`,
    };
  const held = (probe.min === null || value >= probe.min) && (probe.max === null || value <= probe.max);
  return {
    name: probe.name,
    held,
    value: round(value),
    detail: `${probe.service} ${probe.metric} ${round(value)} (want ${range}, over ${windowS} s)`,
  };
}

// ---- helpers

/** Records an event, with the service (and the fault's scope) it is about, and shows it. */
function event(
  ctx: RunContext,
  kind: JournalEvent['kind'],
  detail: string,
  about?: string | { readonly service: string; readonly scope?: string },
  at = iso(),
): void {
  const where = about === undefined ? {} : typeof about === 'string' ? { service: about } : about;
  ctx.journal.events.push({ at, kind, detail, ...where });
  ctx.say(`${at.slice(11, 19)}  ${kind.padEnd(10)} ${detail}`);
}

function checkSignal(ctx: RunContext): void {
  if (ctx.options.signal?.aborted) throw new RunAborted('interrupt', 'interrupted (Ctrl-C)');
}

/** Waits `ms`, or less when the run's signal aborts. */
async function pause(ctx: RunContext, ms: number): Promise<void> {
  if (ms <= 0) return;
  const { signal } = ctx.options;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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
