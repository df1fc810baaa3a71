import { SERVICE_PORTS, SERVICE_URL_ENV } from '@archaics/contracts';
import { envReader } from '@archaics/runtime';
import {
  ExperimentDefinitionError,
  loadExperimentFile,
  loadSuiteFile,
  resolveExperimentFile,
  runExperiment,
  runSuite,
  saveJournal,
  shippedExperimentNames,
  StackClient,
  type StackTargets,
} from '@archaics/experiments';
import { readCliConfig } from '../client/cli.config.ts';
import { cliCredential, cliStack } from '../client/cli-stack.ts';
import { cliTelemetry } from '../client/telemetry.readers.ts';
import {
  CommandError,
  defineCommand,
  noMorePositionals,
  UsageError,
  type CommandContext,
  type CommandOptions,
  type OutputStream,
  type ParsedArguments,
} from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const OPTIONS = {
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
  quick: { type: 'boolean', default: false },
  'no-results': { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const experimentCommand = defineCommand({
  name: 'experiment',
  usage: usage({
    synopsis:
      'archaics experiment run FILE|NAME [--json] [--quiet]\narchaics experiment suite [--quick] [--no-results]\narchaics experiment list',
    description: `Chaos experiments as code (experiments/*.yaml): a steady-state hypothesis (probes with
tolerances), a method (load in the background, a timeline of faults), stop conditions and
rollbacks that always run — also on a stop condition or Ctrl-C.`,
    arguments: [
      [
        'run FILE|NAME',
        `hypothesis before → method → hypothesis during and after → rollbacks,
with live progress on stderr; the journal and an HTML report (charts of
rps, errors and p95 with markers for each injection, detection, root
cause, action and recovery) go to ARCHAICS_HOME/experiments/<run>/`,
      ],
      [
        'suite',
        `the shipped suite (experiments/suite.yaml): every fault type on every
service it applies to, at several intensities and probabilities, and
fault-free control runs, under load; prints the scorecard (detection,
AC@1/AC@3, mitigation, false incidents) and writes it to
bench/results/scorecard-<date>.md/.json and the state folder`,
      ],
      ['list', 'the shipped experiments'],
    ],
    options: [
      ['--json', 'run: print the journal as JSON on stdout'],
      ['-q, --quiet', 'no progress lines'],
      ['--quick', 'suite: only the cases marked quick (about 5 min)'],
      ['--no-results', 'suite: do not write bench/results/'],
    ],
    exitCode: `(run) 0 the hypothesis held, or the system healed within the experiment's
budget; 1 it deviated; 2 aborted (stop condition, Ctrl-C, the stack not ready) or an
invalid experiment file (the error names the field and line; nothing is run).
exit code: (suite) 0 it ran to the end, 2 interrupted or invalid, 1 the stack is not there.`,
    environment: [
      ENVIRONMENT.serviceUrls,
      ENVIRONMENT.platformUrls,
      ENVIRONMENT.portOffset,
      ENVIRONMENT.chaosToken,
      ENVIRONMENT.home,
      ENVIRONMENT.prometheus,
    ],
  }),
  options: OPTIONS,
  run,
});

/** Where the stack is, from the same environment as the other commands. */
export function stackTargets(context: CommandContext): { targets: StackTargets; home: string } {
  const config = readCliConfig(context.env, context.cwd);
  const read = envReader(context.env);
  const platform = (name: 'anomaly-detector' | 'ai-operator'): string =>
    read.url(SERVICE_URL_ENV[name], `http://127.0.0.1:${SERVICE_PORTS[name] + config.portOffset}`).replace(/\/+$/, '');
  const token = cliCredential(cliStack(config, context.env)).token ?? undefined;
  return {
    home: config.home,
    targets: {
      services: Object.fromEntries(Object.entries(config.services).map(([k, v]) => [k, v.replace(/\/+$/, '')])) as StackTargets['services'],
      detectorUrl: platform('anomaly-detector'),
      operatorUrl: platform('ai-operator'),
      chaosToken: token,
    },
  };
}

/** Loads an experiment or the suite; a definition error is said on stderr (nothing runs, exit 2) and gives undefined. */
function loadOrSay<T>(load: () => T, stderr: OutputStream): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ExperimentDefinitionError)) throw error;
    stderr.write(`archaics experiment: ${error.message}\nnothing was run\n`);
    return undefined;
  }
}

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, cwd } = context;
  const [sub, target] = positionals;
  if (sub === 'list') {
    noMorePositionals(positionals, 1);
    for (const name of shippedExperimentNames()) {
      try {
        const experiment = loadExperimentFile(resolveExperimentFile(name, cwd));
        stdout.write(`  ${name.padEnd(34)} ${experiment.title}\n`);
      } catch (error) {
        stdout.write(`  ${name.padEnd(34)} INVALID: ${(error as Error).message.split('\n')[1]?.trim() ?? ''}\n`);
      }
    }
    return 0;
  }
  if (sub !== 'run' && sub !== 'suite')
    throw new UsageError(
      sub === undefined ? 'which subcommand? run FILE|NAME, suite or list' : `unknown subcommand "${sub}"; run, suite or list`,
    );

  const progress = values.quiet ? undefined : (line: string): void => void stderr.write(`${line}\n`);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) stderr.write('\nexperiment: interrupted — running the rollbacks (they always run; wait a few seconds)\n');
    else stderr.write('experiment: the rollbacks are running; they are bounded, and end soon\n');
    controller.abort();
  };

  if (sub === 'run') {
    if (target === undefined) throw new UsageError(`which experiment? a file or one of ${shippedExperimentNames().join(', ')}`);
    noMorePositionals(positionals, 2);
    const experiment = loadOrSay(() => loadExperimentFile(resolveExperimentFile(target, cwd), cwd), stderr);
    if (experiment === undefined) return 2;
    const { targets, home } = stackTargets(context);
    const metrics = cliTelemetry({ SCRAPE_TIMEOUT_MS: '3000', ...context.env }).metrics.reader;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const journal = await runExperiment(experiment, {
        targets,
        metrics,
        signal: controller.signal,
        env: context.env,
        ...(progress ? { progress } : {}),
        onJournal: (j) => void saveJournal(home, j),
      });
      const files = saveJournal(home, journal);
      if (values.json) stdout.write(`${JSON.stringify(journal, null, 2)}\n`);
      else {
        stdout.write(`${experiment.name}: ${journal.status.toUpperCase()} — ${journal.reason}\n`);
        const sc = journal.score;
        if (sc && sc.kind === 'fault') {
          stdout.write(
            `  detection ${sc.detected ? `${sc.ttd_s} s` : 'none'}; root cause ${sc.root_cause ?? '–'} (target rank ${sc.rank ?? '–'}); ${sc.mitigated ? `mitigated in ${sc.ttm_s} s` : 'not mitigated by the operator'}; recovered ${sc.ttr_s === null ? '–' : `${sc.ttr_s} s`}\n`,
          );
        }
        stdout.write(
          `  ${journal.final?.clear ? 'no fault left active' : `AFTER THE ROLLBACKS: ${journal.final?.detail.join(', ')}`}\n  journal ${files.journal}\n  report  ${files.report}\n`,
        );
      }
      return journal.exit_code;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  noMorePositionals(positionals, 1);
  const suite = loadOrSay(loadSuiteFile, stderr);
  if (suite === undefined) return 2;
  const { targets, home } = stackTargets(context);
  const ready = await new StackClient(targets).allClear();
  const down = ready.detail.filter((d) => d.includes(' down '));
  if (down.length > 0) throw new CommandError(`the stack is not ready: ${down.join(', ')}; start it with \`npm start\``);
  const metrics = cliTelemetry({ SCRAPE_TIMEOUT_MS: '3000', ...context.env }).metrics.reader;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runSuite(suite, {
      targets,
      metrics,
      home,
      quick: values.quick,
      signal: controller.signal,
      env: context.env,
      ...(values['no-results'] ? { resultsDir: null } : {}),
      ...(progress ? { progress } : {}),
    });
    stdout.write(`\n${result.markdown}\n`);
    for (const file of result.files) stdout.write(`written: ${file}\n`);
    return result.scorecard.interrupted ? 2 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
