import { chaosCredential } from '@archaics/client';
import { archaicsHome, type Env } from '@archaics/runtime';
import { applyOverrides, type LoadOverrides } from './definition/overrides.ts';
import { DefinitionError, parseScenario, type ScenarioDefinition } from './definition/scenario-definition.ts';
import { runClosedModel } from './execution/closed-model.ts';
import { runOpenModel } from './execution/open-model.ts';
import { RunControl } from './execution/run-control.ts';
import {
  FAULT_MARGIN_S,
  FAULT_SETS,
  injectFailures,
  resetFailures,
  type FaultSetName,
  type InjectedFault,
} from './faults/with-failures.ts';
import { checkTargets, targetsFromEnv, type Targets } from './http/targets.ts';
import { createTransport, httpClientNamed, HTTP_CLIENT_NAMES, type HttpClientName } from './http/transport.ts';
import { JourneyRunner } from './journey/journey-runner.ts';
import { RunMetrics } from './metrics/run-metrics.ts';
import { ProgressLine, type ProgressOutput } from './report/progress-line.ts';
import { buildSummary, type Summary } from './report/summary.ts';
import { evaluateThresholds, parseThresholds } from './report/thresholds.ts';
import { describeLoad, planOf } from './schedule/execution-plan.ts';

/** k6's default request timeout; the graceful stop bounds a run's end anyway. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface RunOptions {
  /** --vus, --duration, --rate, --executor (see {@link applyOverrides}). */
  overrides?: LoadOverrides;
  /** Base URLs by target name, over the ones from the environment (`AUTH_SERVICE_URL`, ...). */
  targets?: Targets;
  /** Where base URLs, `CHAOS_TOKEN` and `ARCHAICS_HOME` are read; default process.env. */
  env?: Env;
  /** Working folder for a relative `ARCHAICS_HOME`; default process.cwd(). */
  cwd?: string;
  /** Let targets off this machine be used (see load/README.md for why it is off by default). */
  allowRemote?: boolean;
  /** Inject a `--with-failures` set before the load and reset it after, whatever happens: `true` is the `seed` set. */
  withFailures?: boolean | FaultSetName;
  /** The chaos token for --with-failures (null: none, a `CHAOS_OPEN=1` stack); default CHAOS_TOKEN, else the state folder's. */
  chaosToken?: string | null;
  /** Aborting it stops the run at once (running iterations are cut); the summary still comes back. */
  signal?: AbortSignal;
  /** Where the live progress line goes (e.g. process.stderr); none by default. */
  progress?: ProgressOutput | false;
  /** The HTTP client for http:// targets: the runner's own (default) or undici; default `LOAD_HTTP_CLIENT`. */
  httpClient?: HttpClientName;
}

/**
 * Runs a scenario with the built-in runner and returns its summary (also when interrupted). It throws
 * only for a definition, option or target that is wrong, a failed fault injection or shared sign-in,
 * or a bug; faults it injected are reset in every case.
 */
export async function runScenario(definition: ScenarioDefinition, options: RunOptions = {}): Promise<Summary> {
  const env = options.env ?? process.env;
  const checked = parseScenario(definition, `scenario ${definition.name}`);
  const overrides = options.overrides ?? {};
  const load = Object.values(overrides).some((v) => v !== undefined) ? applyOverrides(checked.load, overrides) : checked.load;
  const plan = planOf(load);
  const thresholds = parseThresholds(checked.thresholds);
  const allTargets: Record<string, string> = { ...targetsFromEnv(env), ...options.targets };
  const used = new Set([...checked.journey.steps.map((s) => s.target), ...(checked.journey.session === 'none' ? [] : ['auth'])]);
  const faultSet = options.withFailures ? FAULT_SETS[options.withFailures === true ? 'seed' : options.withFailures] : [];
  for (const fault of faultSet) used.add(fault.target);
  const targets: Record<string, string> = {};
  for (const name of [...used].sort()) {
    const base = allTargets[name];
    if (base === undefined) throw new DefinitionError(`scenario ${checked.name}: no base URL for target "${name}"`);
    targets[name] = base.replace(/\/+$/, '');
  }
  checkTargets(targets, options.allowRemote ?? false);
  const httpClient = options.httpClient ?? httpClientNamed(env.LOAD_HTTP_CLIENT);
  if (httpClient === undefined)
    throw new DefinitionError(`LOAD_HTTP_CLIENT must be one of ${HTTP_CLIENT_NAMES.join(', ')}, not "${env.LOAD_HTTP_CLIENT}"`);
  const token = options.withFailures
    ? options.chaosToken !== undefined
      ? options.chaosToken
      : chaosCredential(env, archaicsHome(env, options.cwd)).token
    : undefined;

  const control = new RunControl();
  const onAbort = (): void => control.interrupt();
  if (options.signal?.aborted) control.interrupt();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const metrics = new RunMetrics();
  const transport = createTransport(httpClient, REQUEST_TIMEOUT_MS);
  const journey = new JourneyRunner(checked.journey, targets, metrics, transport, checked.name);
  const progress = options.progress ? new ProgressLine(options.progress, metrics, checked.name, plan.durationMs / 1_000) : undefined;
  const startedAt = new Date();
  let injected: InjectedFault[] | undefined;
  let faults: Summary['faults'];
  try {
    if (token !== undefined && !control.stopping) {
      const durationS = Math.ceil(plan.durationMs / 1_000 + plan.gracefulStopMs / 1_000) + FAULT_MARGIN_S;
      injected = await injectFailures(targets, token, durationS, faultSet);
    }
    if (!control.stopping) {
      const setupUser = journey.newVirtualUser(0);
      control.onHardStop(() => setupUser.interrupt());
      await journey.signInShared(setupUser);
    }
    if (!control.stopping) {
      progress?.start();
      if (plan.model === 'closed') await runClosedModel(plan, journey, control, metrics);
      else await runOpenModel(plan, journey, control, metrics);
    }
  } finally {
    progress?.stop();
    options.signal?.removeEventListener('abort', onAbort);
    if (token !== undefined && injected !== undefined) faults = { injected, reset: await resetFailures(targets, token, faultSet) };
    await transport.close();
  }
  if (control.error !== undefined) throw control.error;
  return buildSummary(metrics, {
    scenario: checked.name,
    executor: load.executor,
    model: plan.model,
    load: describeLoad(load),
    targets,
    startedAt,
    plannedDurationMs: plan.durationMs,
    interrupted: control.interrupted,
    thresholds: evaluateThresholds(thresholds, metrics),
    ...(faults ? { faults } : {}),
  });
}

/** k6's exit codes: 0 passed, 99 thresholds breached, 105 interrupted. */
export const EXIT_CODES = Object.freeze({ ok: 0, error: 1, usage: 2, thresholdsFailed: 99, invalidConfig: 104, interrupted: 105 });

export function exitCodeOf(summary: Summary): number {
  if (summary.interrupted) return EXIT_CODES.interrupted;
  return summary.passed ? EXIT_CODES.ok : EXIT_CODES.thresholdsFailed;
}
