import { BUSINESS_SERVICES, scopeLabel, type BusinessService } from '@archaics/contracts';
import { REASON_HEADER, StackRefusedError, type ChaosCredential, type StackClient } from '@archaics/client';
import { readCliConfig } from '../client/cli.config.ts';
import { cliCredential, cliStack, commandErrorOf } from '../client/cli-stack.ts';
import { painterFor } from '../format/color.ts';
import { describeCleared } from '../format/fault.ts';
import { renderTable } from '../format/table.ts';
import { routeOption, SERVICE_ARGUMENT, serviceArgument, targetOption } from './arguments.ts';
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
  route: { type: 'string' },
  target: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const resetCommand = defineCommand({
  name: 'reset',
  usage: usage({
    synopsis: 'archaics reset SERVICE [--route R | --target T] [--reason TEXT]\narchaics reset --all [--reason TEXT]',
    description: `Clears the active faults of a service (POST /reset with the chaos token): every one,
or with --route or --target only the fault of that scope, and says which it cleared.`,
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
      ['--route <route>', 'clear only the fault on this route template (e.g. /cart/add)'],
      ['--target <service>', 'clear only the edge fault on the calls to this upstream (auth, db)'],
      ['--json', 'print the outcome of each service as JSON'],
    ],
    examples: [
      'archaics reset db',
      'archaics reset product --target db',
      'archaics reset product --route /cart/add',
      'archaics reset --all --reason "experiment over"',
    ],
    environment: [ENVIRONMENT.chaosToken, ENVIRONMENT.home, ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset],
  }),
  options: OPTIONS,
  run,
});

interface Outcome {
  readonly service: BusinessService;
  readonly url: string;
  readonly ok: boolean;
  /** The fault type that was cleared (the service-wide one first), null when none was active. */
  readonly cleared: string | null;
  /** Every fault cleared, with its scope. */
  readonly cleared_faults: ReadonlyArray<{ readonly type: string; readonly scope: string }>;
  readonly error: string | null;
  /** The service refused the reset as a bad request (HTTP 400). */
  readonly refused: boolean;
}

interface Scope {
  readonly route?: string;
  readonly target?: string;
}

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  noMorePositionals(positionals, 1);
  const named = positionals[0];
  if (values.all && named !== undefined) throw new UsageError(`give a SERVICE or --all, not both (got "${named}" and --all)`);
  if (!values.all && named === undefined)
    throw new UsageError('which service? `archaics reset db`, or `archaics reset --all` for every one');
  if (values.reason !== undefined && values.reason.trim() === '') throw new UsageError('--reason needs some text');
  if (values.route !== undefined && values.target !== undefined)
    throw new UsageError('give --route or --target, not both: each clears one scope');
  for (const option of ['route', 'target'] as const) {
    if (values.all && values[option] !== undefined) throw new UsageError(`--${option} clears one scope of one SERVICE, not with --all`);
  }
  const services: BusinessService[] = values.all ? [...BUSINESS_SERVICES] : [serviceArgument(named ?? '')];
  const [first] = services;
  let scope: Scope = {};
  if (first !== undefined && values.route !== undefined) scope = { route: routeOption(first, values.route) };
  if (first !== undefined && values.target !== undefined) scope = { target: targetOption(first, values.target) };
  const reason = values.reason?.trim() ?? (values.all ? DEFAULT_HALT_REASON : undefined);

  const config = readCliConfig(env, cwd);
  const stack = cliStack(config, env);
  const credential = cliCredential(stack);
  const paint = painterFor(stdout, env);
  if (!values.json) {
    if (values.all) stdout.write(`halt-all: resetting every service${reason === undefined ? '' : ` — reason: ${reason}`}\n`);
    else if (reason !== undefined) stdout.write(`reason: ${reason}\n`);
  }

  const outcomes = await Promise.all(services.map((service) => resetOne(stack, service, credential, reason, scope)));
  if (values.json) {
    const scoped = scope.route === undefined && scope.target === undefined ? {} : { scope: scopeLabel(scope) };
    stdout.write(`${JSON.stringify({ reason: reason ?? null, ...scoped, services: outcomes }, null, 2)}\n`);
  } else if (values.all) {
    const rows = outcomes.map((o) => [
      o.service,
      o.ok ? paint('green', 'reset') : paint('red', 'FAILED'),
      o.ok ? clearedText(o.cleared_faults, {}) : (o.error ?? ''),
    ]);
    stdout.write(renderTable([{ header: 'service' }, { header: 'outcome' }, { header: 'detail' }], rows));
  } else {
    const [outcome] = outcomes;
    if (outcome?.ok)
      stdout.write(`${paint('bold', outcome.service)}: ${paint('green', 'reset')} — ${clearedText(outcome.cleared_faults, scope)}\n`);
  }

  const failed = outcomes.filter((o) => !o.ok);
  if (!values.all && failed[0]?.refused) {
    // The service's own check disagreed with ours: its detail is the better message.
    stderr.write(`archaics reset: ${failed[0].error}\n`);
    return 2;
  }
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
  scope: Scope,
): Promise<Outcome> {
  const url = stack.services.url(service);
  try {
    const answer = await stack.services.reset(service, { ...(reason === undefined ? {} : { reason }), scope });
    // A service of the seed answers `cleared` only.
    const clearedFaults = answer.cleared_faults ?? (answer.cleared === null ? [] : [{ type: answer.cleared, scope: 'service' }]);
    return { service, url, ok: true, cleared: answer.cleared, cleared_faults: clearedFaults, error: null, refused: false };
  } catch (error) {
    const failure = commandErrorOf(error);
    let message = failure instanceof Error ? failure.message : String(failure);
    if (error instanceof StackRefusedError && (error.status === 401 || error.status === 403)) {
      message = `${service} refused the chaos token (HTTP ${error.status}: ${error.reason}); the token came from ${credential.source}`;
    }
    const refused = error instanceof StackRefusedError && error.status === 400;
    if (refused) message = `${service} refused the reset: ${error.reason}`;
    return { service, url, ok: false, cleared: null, cleared_faults: [], error: message, refused };
  }
}

/** `cleared latency, error on route:/cart/add` / `no fault was active` (`on edge:db-service` when one scope was asked for). */
function clearedText(cleared: Outcome['cleared_faults'], scope: Scope): string {
  if (cleared.length > 0) return `cleared ${describeCleared(cleared).join(', ')}`;
  return scope.route === undefined && scope.target === undefined ? 'no fault was active' : `no fault was active on ${scopeLabel(scope)}`;
}
