import { loadScenario, parseDuration, runScenario, scenarioNames, type Summary } from '@archaics/load';
import type { Env } from '@archaics/runtime';
import type { LoadRunView, LoadSummaryView } from '../../shared/api-types.ts';

/** The terminal's "erase line" the runner writes before each progress line. */
const ERASE_LINE = '\u001b[2K';

/** Bounds of a run started from the browser: one at a time, at most this many VUs and this long. */
export const LOAD_LIMITS = Object.freeze({ maxVus: 100, maxDurationS: 600, keepRecent: 5 });

export class LoadRunError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StartLoad {
  readonly scenario: string;
  readonly vus?: number | undefined;
  readonly duration?: string | undefined;
}

type Runner = typeof runScenario;

interface Run {
  id: number;
  scenario: string;
  state: LoadRunView['state'];
  startedAt: Date;
  plannedS: number;
  line: string;
  summary: Summary | null;
  error: string | null;
  abort: AbortController;
  done: Promise<void>;
}

/** Load runs of the built-in runner inside the dashboard process, one at a time. */
export class LoadRuns {
  private current: Run | null = null;
  private readonly recent: Run[] = [];
  private nextId = 1;

  constructor(
    private readonly targets: Readonly<Record<string, string>>,
    private readonly env: Env,
    private readonly runner: Runner = runScenario,
  ) {}

  scenarios(): string[] {
    return scenarioNames();
  }

  start(request: StartLoad): LoadRunView {
    if (this.current)
      throw new LoadRunError(409, 'load_running', `scenario ${this.current.scenario} is running (run ${this.current.id}); stop it first`);
    if (!this.scenarios().includes(request.scenario)) {
      throw new LoadRunError(404, 'unknown_scenario', `unknown scenario "${request.scenario}"; known: ${this.scenarios().join(', ')}`);
    }
    const overrides: { vus?: number; duration?: string } = {};
    if (request.vus !== undefined) {
      if (!Number.isInteger(request.vus) || request.vus < 1 || request.vus > LOAD_LIMITS.maxVus) {
        throw new LoadRunError(400, 'bad_request', `vus must be an integer 1..${LOAD_LIMITS.maxVus}`);
      }
      overrides.vus = request.vus;
    }
    if (request.duration !== undefined) {
      let ms: number;
      try {
        ms = parseDuration(request.duration);
      } catch {
        throw new LoadRunError(400, 'bad_request', `duration must be a duration such as 30s or 2m, got "${request.duration}"`);
      }
      if (ms <= 0 || ms > LOAD_LIMITS.maxDurationS * 1000)
        throw new LoadRunError(400, 'bad_request', `duration must be >0 and at most ${LOAD_LIMITS.maxDurationS}s`);
      overrides.duration = request.duration;
    }
    const definition = loadScenario(request.scenario);
    const plannedS = plannedSeconds(definition.load, overrides);
    if (plannedS > LOAD_LIMITS.maxDurationS)
      throw new LoadRunError(400, 'bad_request', `scenario ${request.scenario} lasts ${plannedS}s, more than ${LOAD_LIMITS.maxDurationS}s`);
    const vus = overrides.vus ?? maxVus(definition.load);
    if (vus > LOAD_LIMITS.maxVus)
      throw new LoadRunError(400, 'bad_request', `scenario ${request.scenario} uses ${vus} VUs, more than ${LOAD_LIMITS.maxVus}`);

    const abort = new AbortController();
    const run: Run = {
      id: this.nextId++,
      scenario: request.scenario,
      state: 'running',
      startedAt: new Date(),
      plannedS,
      line: 'starting',
      summary: null,
      error: null,
      abort,
      done: Promise.resolve(),
    };
    const progress = {
      isTTY: true,
      write: (text: string) => {
        const line = text.replaceAll('\r', '').replaceAll(ERASE_LINE, '').trim();
        if (line) run.line = line;
      },
    };
    run.done = this.runner(definition, { overrides, targets: this.targets, env: this.env, signal: abort.signal, progress })
      .then(
        (summary) => {
          run.summary = summary;
          run.state = 'finished';
        },
        (error: unknown) => {
          run.error = error instanceof Error ? error.message : String(error);
          run.state = 'failed';
        },
      )
      .finally(() => {
        if (this.current === run) this.current = null;
        this.recent.unshift(run);
        this.recent.splice(LOAD_LIMITS.keepRecent);
      });
    this.current = run;
    return view(run);
  }

  /** Interrupts the running scenario (its summary still comes). */
  async stop(): Promise<LoadRunView | null> {
    const run = this.current;
    if (!run) return null;
    run.abort.abort();
    await run.done;
    return view(run);
  }

  status(): { current: LoadRunView | null; recent: LoadRunView[] } {
    return { current: this.current ? view(this.current) : null, recent: this.recent.map(view) };
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

function plannedSeconds(load: unknown, overrides: { duration?: string }): number {
  if (overrides.duration) return parseDuration(overrides.duration) / 1000;
  const profile = load as { duration?: string; stages?: Array<{ duration: string }> };
  if (profile.stages) return profile.stages.reduce((sum, stage) => sum + parseDuration(stage.duration), 0) / 1000;
  return profile.duration ? parseDuration(profile.duration) / 1000 : 0;
}

function maxVus(load: unknown): number {
  const profile = load as { executor: string; vus?: number; maxVUs?: number; preAllocatedVUs?: number; stages?: Array<{ target: number }> };
  // Stages of an arrival-rate executor are rates, not VUs.
  const stageVus = profile.executor.endsWith('arrival-rate') ? [] : (profile.stages ?? []).map((s) => s.target);
  return Math.max(profile.vus ?? 0, profile.maxVUs ?? 0, profile.preAllocatedVUs ?? 0, ...stageVus);
}

function view(run: Run): LoadRunView {
  const elapsedS = Math.min(run.plannedS, (Date.now() - run.startedAt.getTime()) / 1000);
  return {
    id: run.id,
    scenario: run.scenario,
    state: run.state,
    startedAt: run.startedAt.toISOString(),
    progress: run.state === 'running' ? { elapsedS: Math.round(elapsedS * 10) / 10, plannedS: run.plannedS, line: run.line } : null,
    summary: run.summary ? summaryView(run.summary) : null,
    error: run.error,
  };
}

/** The parts of a runner summary the UI shows (latencies in ms). */
export function summaryView(summary: Summary): LoadSummaryView {
  const latency = summary.latency.serviceTime;
  return {
    scenario: summary.scenario,
    load: summary.load,
    durationS: summary.durationS,
    interrupted: summary.interrupted,
    passed: summary.passed,
    requests: summary.requests,
    latency: { p50: latency.p50, p95: latency.p95, p99: latency.p99, max: latency.max },
    errorsByStatus: summary.errors.byStatus,
    thresholds: summary.thresholds.map((t) => ({
      metric: t.metric,
      expression: t.expression,
      passed: t.ok,
      actual: Number.isFinite(t.actual) ? t.actual : null,
    })),
  };
}
