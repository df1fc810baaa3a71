import { BUSINESS_SERVICES, scopeLabel, scopeOfLabel, type BusinessService } from '@archaics/contracts';
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
  scope: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const resetCommand = defineCommand({
  name: 'reset',
  usage: usage({
    synopsis: 'archaics reset SERVICE [--route R | --target T | --scope S] [--reason TEXT]\narchaics reset --all [--reason TEXT]',
    description: `Clears the active faults of a service (POST /reset with the chaos token): every one,
or with --route, --target or --scope only the fault of that scope, and says which it cleared.`,
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
      ['--scope <scope>', 'clear only the fault of this scope, as status shows it:\nservice, route:/cart/add or edge:db'],
      ['--json', 'print the outcome of each service as JSON'],
    ],
    examples: [
      'archaics reset db',
      'archaics reset product --target db',
      'archaics reset product --route /cart/add',
      'archaics reset product --scope service',
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

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  noMorePositionals(positionals, 1);
  const named = positionals[0];
  if (values.all && named !== undefined) throw new UsageError(`give a SERVICE or --all, not both (got "${named}" and --all)`);
  if (!values.all && named === undefined)
    throw new UsageError('which service? `archaics reset db`, or `archaics reset --all` for every one');
  if (values.reason !== undefined && values.reason.trim() === '') throw new UsageError('--reason needs some text');
  const scoping = (['route', 'target', 'scope'] as const).filter((option) => values[option] !== undefined);
  if (scoping.length > 1)
    throw new UsageError(`give one of --route, --target or --scope, not ${scoping.map((o) => `--${o}`).join(' and ')}`);
  if (values.all && scoping[0] !== undefined) throw new UsageError(`--${scoping[0]} clears one scope of one SERVICE, not with --all`);
  const services: BusinessService[] = values.all ? [...BUSINESS_SERVICES] : [serviceArgument(named ?? '')];
  const [first] = services;
  const scope = first === undefined ? undefined : scopeOf(first, values);
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
    const scoped = scope === undefined ? {} : { scope };
    stdout.write(`${JSON.stringify({ reason: reason ?? null, ...scoped, services: outcomes }, null, 2)}\n`);
  } else if (values.all) {
    const rows = outcomes.map((o) => [
      o.service,
      o.ok ? paint('green', 'reset') : paint('red', 'FAILED'),
      o.ok ? clearedText(o.cleared_faults, undefined) : (o.error ?? ''),
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
  scope: string | undefined,
): Promise<Outcome> {
  const url = stack.services.url(service);
  try {
    const answer = await stack.services.reset(service, {
      ...(reason === undefined ? {} : { reason }),
      ...(scope === undefined ? {} : { scope }),
    });
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
function clearedText(cleared: Outcome['cleared_faults'], scope: string | undefined): string {
  if (cleared.length > 0) return `cleared ${describeCleared(cleared).join(', ')}`;
  return scope === undefined ? 'no fault was active' : `no fault was active on ${scope}`;
}

/**
 * The scope label to clear (`service`, `route:/cart/add`, `edge:db-service`) from --route,
 * --target or --scope, checked against the service; undefined clears every fault.
 */
function scopeOf(service: BusinessService, values: { route?: string; target?: string; scope?: string }): string | undefined {
  const labelled = values.scope === undefined ? undefined : scopeOfLabel(values.scope.trim());
  if (values.scope !== undefined && labelled === undefined)
    throw new UsageError(`--scope "${values.scope}" is not a scope; one of service, route:<route>, edge:<service>`);
  const route = values.route ?? labelled?.route;
  const target = values.target ?? labelled?.target;
  if (route !== undefined) return scopeLabel({ route: routeOption(service, route) });
  if (target !== undefined) return scopeLabel({ target: targetOption(service, target) });
  return labelled === undefined ? undefined : scopeLabel({});
}
