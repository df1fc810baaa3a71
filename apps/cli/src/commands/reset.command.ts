import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';
import { REASON_HEADER, StackRefusedError, type ChaosCredential, type StackClient } from '@archaics/client';
import { readCliConfig } from '../client/cli.config.ts';
import { cliCredential, cliStack, commandErrorOf } from '../client/cli-stack.ts';
import { painterFor } from '../format/color.ts';
import { renderTable } from '../format/table.ts';
import { SERVICE_ARGUMENT, serviceArgument } from './arguments.ts';
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

/** The reason sent with `--all` when none is given. */
export const DEFAULT_HALT_REASON = 'halt-all from the archaics CLI';

const OPTIONS = {
  all: { type: 'boolean', short: 'a', default: false },
  reason: { type: 'string', short: 'r' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const resetCommand = defineCommand({
  name: 'reset',
  usage: usage({
    synopsis: 'archaics reset SERVICE [--reason TEXT]\narchaics reset --all [--reason TEXT]',
    description: 'Clears the active fault (POST /reset with the chaos token).',
    arguments: [SERVICE_ARGUMENT],
    options: [
      [
        '-a, --all',
        'halt-all: resets every business service, goes on past a service that\nfails, reports each one, and exits 1 if any reset failed',
      ],
      [
        '-r, --reason <text>',
        `why: printed here, and sent to every service in the ${REASON_HEADER}\nheader (with --all the default is "${DEFAULT_HALT_REASON}")`,
      ],
      ['--json', 'print the outcome of each service as JSON'],
    ],
    examples: ['archaics reset db', 'archaics reset --all --reason "experiment over"'],
    environment: [ENVIRONMENT.chaosToken, ENVIRONMENT.home, ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset],
  }),
  options: OPTIONS,
  run,
});

interface Outcome {
  readonly service: BusinessService;
  readonly url: string;
  readonly ok: boolean;
  /** The fault type that was cleared, null when none was active. */
  readonly cleared: string | null;
  readonly error: string | null;
}

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  noMorePositionals(positionals, 1);
  const named = positionals[0];
  if (values.all && named !== undefined) throw new UsageError(`give a SERVICE or --all, not both (got "${named}" and --all)`);
  if (!values.all && named === undefined)
    throw new UsageError('which service? `archaics reset db`, or `archaics reset --all` for every one');
  if (values.reason !== undefined && values.reason.trim() === '') throw new UsageError('--reason needs some text');
  const services: BusinessService[] = values.all ? [...BUSINESS_SERVICES] : [serviceArgument(named ?? '')];
  const reason = values.reason?.trim() ?? (values.all ? DEFAULT_HALT_REASON : undefined);

  const config = readCliConfig(env, cwd);
  const stack = cliStack(config, env);
  const credential = cliCredential(stack);
  const paint = painterFor(stdout, env);
  if (!values.json) {
    if (values.all) stdout.write(`halt-all: resetting every service${reason === undefined ? '' : ` — reason: ${reason}`}\n`);
    else if (reason !== undefined) stdout.write(`reason: ${reason}\n`);
  }

  const outcomes = await Promise.all(services.map((service) => resetOne(stack, service, credential, reason)));
  if (values.json) {
    stdout.write(`${JSON.stringify({ reason: reason ?? null, services: outcomes }, null, 2)}\n`);
  } else if (values.all) {
    const rows = outcomes.map((o) => [
      o.service,
      o.ok ? paint('green', 'reset') : paint('red', 'FAILED'),
      o.ok ? clearedText(o.cleared) : (o.error ?? ''),
    ]);
    stdout.write(renderTable([{ header: 'service' }, { header: 'outcome' }, { header: 'detail' }], rows));
  } else {
    const [outcome] = outcomes;
    if (outcome?.ok) stdout.write(`${paint('bold', outcome.service)}: ${paint('green', 'reset')} — ${clearedText(outcome.cleared)}\n`);
  }

  const failed = outcomes.filter((o) => !o.ok);
  if (!values.all && failed[0]) throw new CommandError(failed[0].error ?? `${failed[0].service}: reset failed`);
  for (const outcome of failed) stderr.write(`archaics reset: ${outcome.error}\n`);
  if (values.all && !values.json) {
    stdout.write(
      failed.length === 0 ? `every service reset (${outcomes.length})\n` : `${failed.length} of ${outcomes.length} could not be reset\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}

async function resetOne(
  stack: StackClient,
  service: BusinessService,
  credential: ChaosCredential,
  reason: string | undefined,
): Promise<Outcome> {
  const url = stack.services.url(service);
  try {
    const answer = await stack.services.reset(service, reason === undefined ? {} : { reason });
    return { service, url, ok: true, cleared: answer.cleared, error: null };
  } catch (error) {
    const failure = commandErrorOf(error);
    let message = failure instanceof Error ? failure.message : String(failure);
    if (error instanceof StackRefusedError && (error.status === 401 || error.status === 403)) {
      message = `${service} refused the chaos token (HTTP ${error.status}: ${error.reason}); the token came from ${credential.source}`;
    }
    return { service, url, ok: false, cleared: null, error: message };
  }
}

function clearedText(cleared: string | null): string {
  return cleared === null ? 'no fault was active' : `cleared ${cleared}`;
}
