import { resolve } from 'node:path';
import { isBusinessService, resolveServiceName, type BusinessService } from '@archaics/contracts';
import {
  DefinitionError,
  TargetError,
  FAULT_SETS,
  FAULT_SET_NAMES,
  exitCodeOf,
  loadScenario,
  renderSummary,
  runScenario,
  scenarioNames,
  type FaultSetName,
  type LoadOverrides,
  type ScenarioDefinition,
} from '@archaics/load';
import type { StackClient } from '@archaics/client';
import { readCliConfig } from '../client/cli.config.ts';
import { cliCredential, cliStack, commandErrorOf } from '../client/cli-stack.ts';
import { intOption, numberOption } from './arguments.ts';
import {
  CommandError,
  defineCommand,
  noMorePositionals,
  UsageError,
  type CommandContext,
  type CommandOptions,
  type ParsedArguments,
} from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const OPTIONS = {
  'with-failures': { type: 'boolean', default: false },
  set: { type: 'string' },
  vus: { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  'allow-remote': { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const loadCommand = defineCommand({
  name: 'load',
  usage: usage({
    synopsis: 'archaics load NAME [options]\narchaics load --list',
    description: `Runs a load scenario with the built-in runner (the definitions in load/scenarios/, the
same ones load/run-test.sh and the k6 scripts use) against the local services, shows a
live progress line on stderr, and prints the summary: requests, error rate, latency
percentiles, per-endpoint results, thresholds.`,
    arguments: [
      [
        'NAME',
        `normal (10 VUs, 30 s), spike (0→50→0, 45 s), endurance (5 VUs,
2 min), stress (0→100, 70 s), products, ... (see --list), or a
definition file (path/to/scenario.json)`,
      ],
    ],
    options: [
      [
        '--with-failures',
        'inject the documented fault set first (db timeout on 30% of\nrequests, product error on 20%) and reset it afterwards, also\nafter Ctrl-C (needs the chaos token)',
      ],
      [
        '--set <seed|gray>',
        'with --with-failures, which set: seed (the default, above) or gray\n(db latency 300 ms ±20% inside the deadline, product /cart/add\nanswering 503 on 20%)',
      ],
      ['--vus <n>', 'override the VUs (ramping scenarios: the peak)'],
      ['--duration <d>', 'override the duration (30s, 2m; ramping stages are stretched)'],
      ['--rate <n>', 'iterations per second (switches to an arrival-rate executor)'],
      ['--json', 'print the summary as JSON on stdout'],
      ['-q, --quiet', 'no progress line'],
      ['--allow-remote', 'allow service URLs that are not on this machine'],
      ['--list', 'list the scenarios'],
    ],
    notes: ['Ctrl-C stops the run early and still prints the summary (and resets injected faults);\na second Ctrl-C quits at once.'],
    exitCode: `0 thresholds held, 99 a threshold was breached, 105 interrupted (as k6),
2 a bad argument or unknown scenario, 1 a service did not answer.`,
    environment: [ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset, ENVIRONMENT.chaosToken, ENVIRONMENT.home],
  }),
  options: OPTIONS,
  run,
});

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  if (values.list) {
    const names = scenarioNames();
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) stdout.write(`  ${name.padEnd(width)}  ${loadScenario(name).description}\n`);
    return 0;
  }
  const name = positionals[0];
  if (name === undefined) throw new UsageError(`which scenario? one of ${scenarioNames().join(', ')} (\`archaics load --list\`)`);
  noMorePositionals(positionals, 1);
  const overrides: LoadOverrides = {
    ...(values.vus === undefined ? {} : { vus: intOption('vus', values.vus, 1, 10_000) }),
    ...(values.duration === undefined ? {} : { duration: values.duration }),
    ...(values.rate === undefined ? {} : { rate: numberOption('rate', values.rate, 0.001, 100_000) }),
  };

  let definition: ScenarioDefinition;
  try {
    definition = loadScenario(name.includes('/') || name.endsWith('.json') ? resolve(cwd, name) : name);
  } catch (error) {
    if (error instanceof DefinitionError) throw new UsageError(error.message);
    throw error;
  }
  const config = readCliConfig(env, cwd);
  if (values.set !== undefined && !values['with-failures']) throw new UsageError('--set goes with --with-failures');
  const set = values.set ?? 'seed';
  if (!(FAULT_SET_NAMES as readonly string[]).includes(set))
    throw new UsageError(`--set must be one of ${FAULT_SET_NAMES.join(', ')} (got "${set}")`);
  const withFailures: FaultSetName | false = values['with-failures'] ? (set as FaultSetName) : false;
  const stack = cliStack(config, env);
  const chaosToken = withFailures ? cliCredential(stack).token : undefined;
  await checkServices(stack, servicesUsed(definition, withFailures));

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals > 1) process.exit(130);
    stderr.write('\nload: stopping (the summary follows; Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runScenario(definition, {
      overrides,
      targets: {
        auth: config.services['auth-service'],
        db: config.services['db-service'],
        product: config.services['product-service'],
        payment: config.services['payment-service'],
      },
      env,
      cwd,
      allowRemote: values['allow-remote'],
      withFailures,
      ...(chaosToken === undefined ? {} : { chaosToken }),
      signal: controller.signal,
      progress: values.quiet ? false : stderr,
    });
    stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
    return exitCodeOf(summary);
  } catch (error) {
    if (error instanceof DefinitionError) throw new UsageError(error.message);
    if (error instanceof TargetError) throw new CommandError(error.message);
    if (error instanceof Error && !(error instanceof CommandError))
      throw new CommandError(`scenario ${definition.name}: ${error.message}`, { cause: error });
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The business services a run talks to: its journey's targets, auth when it signs in, and the fault set's. */
function servicesUsed(definition: ScenarioDefinition, withFailures: FaultSetName | false): BusinessService[] {
  const targets = new Set(definition.journey.steps.map((step) => step.target));
  if (definition.journey.session !== 'none') targets.add('auth');
  if (withFailures) for (const fault of FAULT_SETS[withFailures]) targets.add(fault.target);
  const services = [...targets]
    .map((target) => resolveServiceName(target))
    .filter((s): s is BusinessService => s !== undefined && isBusinessService(s));
  return [...new Set(services)].sort();
}

/** Fails with the service's name and URL before any load is sent when one does not answer /health. */
async function checkServices(stack: StackClient, services: readonly BusinessService[]): Promise<void> {
  await Promise.all(services.map((service) => stack.services.health(service, { timeoutMs: 3000 }))).catch((error: unknown) => {
    throw commandErrorOf(error);
  });
}
