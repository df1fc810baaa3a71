import { parseArgs } from 'node:util';
import { chaosCredential } from '@archaics/client';
import { UsageError, archaicsHome, type Env } from '@archaics/runtime';
import type { LoadOverrides } from '../definition/overrides.ts';
import { DefinitionError, EXECUTORS, type Executor } from '../definition/scenario-definition.ts';
import { loadScenario, scenarioNames } from '../definition/scenario-files.ts';
import {
  FAULT_MARGIN_S,
  FAULT_SET_NAMES,
  describeFault,
  faultSetNamed,
  injectFailures,
  resetFailures,
  type FaultSetName,
  type FaultSpec,
} from '../faults/with-failures.ts';
import { TargetError, checkTargets, targetsFromEnv } from '../http/targets.ts';
import type { ProgressOutput } from '../report/progress-line.ts';
import { renderSummary } from '../report/render-summary.ts';
import { EXIT_CODES, exitCodeOf, runScenario } from '../run-scenario.ts';
import { planOf } from '../schedule/execution-plan.ts';

export interface CliIo {
  readonly stdout: ProgressOutput;
  readonly stderr: ProgressOutput;
  readonly env: Env;
  readonly cwd: string;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}

export const USAGE = `usage: node --import tsx load/src/main.ts <command>

  run NAME|FILE [options]   run a scenario (load/scenarios/NAME.json, or a definition file)
      --json                print the summary as JSON on stdout
      --vus N               constant-vus: the VUs; ramping-vus: the peak; open model: the VU pool
      --duration 20s        run this long (ramping stages are stretched to it)
      --rate N              iterations/s (a closed-model scenario switches to constant-arrival-rate)
      --executor E          ${EXECUTORS.join(' | ')}
      --grace 30s           graceful stop: how long running iterations may finish at the end
      --with-failures       inject the documented fault set before, reset it after (chaos token)
      --set seed|gray       which set: seed (default: db timeout, product error) or gray
                            (db latency 300 ms inside the deadline, product 503 on /cart/add)
      --allow-remote        allow targets that are not on this machine
      --quiet               no progress line on stderr
  list                      the shared scenarios
  inject-failures NAME [--set seed|gray]   inject a --with-failures set for NAME's duration + ${FAULT_MARGIN_S}s
  reset-failures [--set seed|gray]         reset what that set injected

Targets: AUTH_SERVICE_URL, PRODUCT_SERVICE_URL, PAYMENT_SERVICE_URL (DB_SERVICE_URL for faults),
default http://127.0.0.1:800N. Chaos token: CHAOS_TOKEN, else $ARCHAICS_HOME/chaos-token (.archaics/).
Exit codes (as k6): 0 ok, 99 thresholds breached, 105 interrupted, 104 bad scenario or option, 2 usage.
`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer (got "${value}")`);
  return n;
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number (got "${value}")`);
  return n;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      vus: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      executor: { type: 'string' },
      grace: { type: 'string' },
      'with-failures': { type: 'boolean' },
      set: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one scenario name or file');
  const executor = values.executor;
  if (executor !== undefined && !(EXECUTORS as readonly string[]).includes(executor)) {
    throw new UsageError(`--executor must be one of ${EXECUTORS.join(', ')}`);
  }
  const overrides: LoadOverrides = {
    ...(values.vus === undefined ? {} : { vus: positiveInt('vus', values.vus) }),
    ...(values.duration === undefined ? {} : { duration: values.duration }),
    ...(values.rate === undefined ? {} : { rate: positiveNumber('rate', values.rate) }),
    ...(executor === undefined ? {} : { executor: executor as Executor }),
    ...(values.grace === undefined ? {} : { gracefulStop: values.grace }),
  };
  if (values.set !== undefined && !values['with-failures']) throw new UsageError('--set goes with --with-failures');
  const set = setNameOf(values.set);
  const definition = loadScenario(positionals[0] ?? '');
  const summary = await runScenario(definition, {
    overrides,
    env: io.env,
    cwd: io.cwd,
    allowRemote: values['allow-remote'] ?? false,
    withFailures: values['with-failures'] ? set : false,
    ...(io.signal ? { signal: io.signal } : {}),
    progress: values.quiet ? false : io.stderr,
  });
  io.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
  return exitCodeOf(summary);
}

/** `--set NAME` (default seed); an unknown one is a usage error naming the sets. */
function setNameOf(name: string | undefined): FaultSetName {
  if (name === undefined) return 'seed';
  if (faultSetNamed(name) === undefined) throw new UsageError(`--set must be one of ${FAULT_SET_NAMES.join(', ')} (got "${name}")`);
  return name as FaultSetName;
}

/** The options of inject-failures and reset-failures: the scenario (inject only), the set, --allow-remote. */
function faultArgs(argv: string[]): { name: string | undefined; set: readonly FaultSpec[]; allowRemote: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { set: { type: 'string' }, 'allow-remote': { type: 'boolean' } },
  });
  const set = faultSetNamed(setNameOf(values.set)) ?? [];
  return { name: positionals[0], set, allowRemote: values['allow-remote'] ?? false };
}

function faultTargets(io: CliIo, set: readonly FaultSpec[], allowRemote: boolean): ReturnType<typeof targetsFromEnv> {
  const targets = targetsFromEnv(io.env);
  checkTargets(Object.fromEntries(set.map((f) => [f.target, targets[f.target]])), allowRemote);
  return targets;
}

/** The chaos token (CHAOS_TOKEN, else the state folder's; none with CHAOS_OPEN=1). */
function chaosTokenOf(io: CliIo): string | null {
  return chaosCredential(io.env, archaicsHome(io.env, io.cwd)).token;
}

async function inject(argv: string[], io: CliIo): Promise<number> {
  const { name, set, allowRemote } = faultArgs(argv);
  if (name === undefined) throw new UsageError('inject-failures takes the scenario name (for its duration)');
  const plan = planOf(loadScenario(name).load);
  const durationS = Math.ceil((plan.durationMs + plan.gracefulStopMs) / 1_000) + FAULT_MARGIN_S;
  const injected = await injectFailures(faultTargets(io, set, allowRemote), chaosTokenOf(io), durationS, set);
  for (const fault of injected) {
    io.stderr.write(
      `injected ${describeFault(fault)} (probability ${fault.probability}, intensity ${fault.intensity}, ${fault.durationS}s)\n`,
    );
  }
  return EXIT_CODES.ok;
}

async function reset(argv: string[], io: CliIo): Promise<number> {
  const { set, allowRemote } = faultArgs(argv);
  const outcomes = await resetFailures(faultTargets(io, set, allowRemote), chaosTokenOf(io), set);
  for (const outcome of outcomes)
    io.stderr.write(
      `reset ${outcome.target}${outcome.scope ? ` ${outcome.scope}` : ''}: ${outcome.ok ? 'ok' : `FAILED ${outcome.detail ?? ''}`}\n`,
    );
  return outcomes.every((o) => o.ok) ? EXIT_CODES.ok : EXIT_CODES.error;
}

/** The load command line; returns the exit code. */
export async function runLoadCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest, io);
      case 'list':
        for (const name of scenarioNames()) {
          const definition = loadScenario(name);
          io.stdout.write(`${name.padEnd(10)} ${definition.description}\n`);
        }
        return EXIT_CODES.ok;
      case 'inject-failures':
        return await inject(rest, io);
      case 'reset-failures':
        return await reset(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return EXIT_CODES.ok;
      default:
        throw new UsageError(command === undefined ? 'no command' : `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`load: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT_CODES.usage;
    }
    if (error instanceof DefinitionError || error instanceof TargetError) {
      io.stderr.write(`load: ${error.message}\n`);
      return EXIT_CODES.invalidConfig;
    }
    io.stderr.write(`load: ${(error as Error).message}\n`);
    return EXIT_CODES.error;
  }
}
