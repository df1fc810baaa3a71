import {
  EDGE_ONLY_FAULT_TYPES,
  ERROR_STATUSES,
  FAULT_LIMITS,
  FAULT_TYPES,
  faultParameterConflict,
  faultTargetsFor,
  faultTypesFor,
  scopeLabel,
  type BusinessService,
  type FaultType,
} from '@archaics/contracts';
import { StackRefusedError, type FaultParams } from '@archaics/client';
import { readCliConfig } from '../client/cli.config.ts';
import { cliCredential, cliStack, commandErrorOf } from '../client/cli-stack.ts';
import { painterFor } from '../format/color.ts';
import { faultParameters } from '../format/fault.ts';
import { formatSeconds } from '../format/units.ts';
import {
  edgeCallers,
  intOption,
  numberOption,
  routeOption,
  secondsOption,
  SERVICE_ARGUMENT,
  serviceArgument,
  shortName,
  targetOption,
} from './arguments.ts';
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

const { intensity: INTENSITY, probability: PROBABILITY, duration: DURATION, ms: MS, jitter: JITTER, leak: LEAK } = FAULT_LIMITS;

const OPTIONS = {
  intensity: { type: 'string', short: 'i' },
  probability: { type: 'string', short: 'p' },
  duration: { type: 'string', short: 'd' },
  ms: { type: 'string' },
  jitter: { type: 'string' },
  status: { type: 'string' },
  route: { type: 'string' },
  target: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const injectCommand = defineCommand({
  name: 'inject',
  usage: usage({
    synopsis: 'archaics inject SERVICE TYPE [options]',
    description: `Injects a fault into one business service (POST /inject-failure with the chaos token)
and prints the failure state the service reports. A fault applies to the whole service,
to one route (--route) or to one edge (--target); one fault is active per scope, and a
new injection replaces only the one of its scope.`,
    arguments: [
      SERVICE_ARGUMENT,
      [
        'TYPE',
        `timeout    waits 2 × intensity s before handling a request
error      answers HTTP 500 {"error":"injected_error"} (or --status)
latency    waits --ms (± --jitter) before handling a request, then answers
           normally: slow but working, maybe inside its callers' deadline
cpu        burns CPU (intensity × 10% of each core) until reset or expiry
leak       holds intensity MiB more memory every second (at most ${LEAK.capMiB} MiB);
           reset frees it
crash      the process exits with code 1 (at once when probability is 1)
bad_data   db only: corrupts records of each read (intensity/10 of them)
partition  product, payment, with --target: calls to it fail at once (unreachable)
blackhole  product, payment, with --target: calls to it get no answer and end at
           the caller's deadline (timeout)`,
      ],
    ],
    options: [
      ['-i, --intensity <n>', `integer ${INTENSITY.min}..${INTENSITY.max} (default ${INTENSITY.default})`],
      ['-p, --probability <p>', `${PROBABILITY.min}..${PROBABILITY.max}, drawn per request (default ${PROBABILITY.default})`],
      [
        '-d, --duration <s>',
        `seconds, or 90s, 2m, 1h; > 0 and at most ${DURATION.maxSeconds} s\n(default: until \`archaics reset SERVICE\`)`,
      ],
      ['--ms <n>', `latency only: the delay, ${MS.min}..${MS.max} ms (default ${MS.perIntensity} × intensity)`],
      ['--jitter <j>', `latency only: ${JITTER.min}..${JITTER.max}, each delay is ms × (1 ± jitter·u) (default ${JITTER.default})`],
      ['--status <code>', `error only: ${ERROR_STATUSES.join(', ')} (default 500; 429 carries Retry-After)`],
      [
        '--route <route>',
        'only requests to this route template, e.g. /cart/add (a wrong one is\nrefused with the list); not with cpu, leak, crash',
      ],
      [
        '--target <service>',
        'an edge fault: only the calls of SERVICE (product, payment) to this\nupstream (auth, db); the upstream sees nothing wrong. partition and\nblackhole need it; not with cpu, leak, crash, nor with --route',
      ],
      ['--json', "print the service's answer as JSON"],
    ],
    examples: [
      'archaics inject db timeout --intensity 2 --probability 0.4 --duration 60',
      'archaics inject auth error -p 0.3 -d 90',
      'archaics inject db bad_data --duration 30',
      'archaics inject db latency --ms 300 --jitter 0.5',
      'archaics inject product error --status 503 --route /cart/add',
      'archaics inject product partition --target db',
      'archaics inject product blackhole --target auth',
    ],
    exitCode: `0 injected, 2 a bad argument (checked here, or refused by the service with
its reason), 1 the service did not answer or refused the chaos token.`,
    environment: [ENVIRONMENT.chaosToken, ENVIRONMENT.home, ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset],
  }),
  options: OPTIONS,
  run,
});

type InjectValues = ParsedArguments<typeof OPTIONS>['values'];

/**
 * The fault of `archaics inject SERVICE TYPE [options]`, checked as far as the contracts
 * allow (the type for the service, every range, which options go with which type and
 * scope); anything wrong is a usage error naming the option.
 */
export function parseFault(service: BusinessService, typeText: string, values: InjectValues): FaultParams {
  const allowed = faultTypesFor(service);
  const type = typeText.trim().toLowerCase();
  if (!(FAULT_TYPES as readonly string[]).includes(type))
    throw new UsageError(`unknown fault type "${typeText}"; one of ${allowed.join(', ')}`);
  const fault = type as FaultType;
  if (!allowed.includes(fault)) {
    if (EDGE_ONLY_FAULT_TYPES.includes(fault)) {
      throw new UsageError(
        `${type} breaks an edge, and ${service} calls no other service; inject it into ${edgeCallers().join(' or ')} with --target`,
      );
    }
    throw new UsageError(`${type} applies to db-service only; ${service} takes ${allowed.join(', ')}`);
  }
  const conflict = faultParameterConflict(fault, values, (name) => `--${name}`);
  if (conflict !== undefined) throw new UsageError(conflict);
  if (values.target === undefined && EDGE_ONLY_FAULT_TYPES.includes(fault)) {
    const targets = faultTargetsFor(service).map(shortName);
    throw new UsageError(`${type} needs --target: the upstream whose calls it breaks (${targets.join(' or ')})`);
  }
  return {
    type,
    ...(values.intensity === undefined ? {} : { intensity: intOption('intensity', values.intensity, INTENSITY.min, INTENSITY.max) }),
    ...(values.probability === undefined
      ? {}
      : { probability: numberOption('probability', values.probability, PROBABILITY.min, PROBABILITY.max) }),
    ...(values.duration === undefined ? {} : { duration: secondsOption('duration', values.duration, DURATION.maxSeconds) }),
    ...(values.ms === undefined ? {} : { ms: intOption('ms', values.ms, MS.min, MS.max) }),
    ...(values.jitter === undefined ? {} : { jitter: numberOption('jitter', values.jitter, JITTER.min, JITTER.max) }),
    ...(values.status === undefined ? {} : { status: statusOption(values.status) }),
    ...(values.route === undefined ? {} : { route: routeOption(service, values.route) }),
    ...(values.target === undefined ? {} : { target: targetOption(service, values.target) }),
  };
}

function statusOption(text: string): number {
  const status = Number(text);
  if (!(ERROR_STATUSES as readonly number[]).includes(status)) {
    throw new UsageError(`--status must be one of ${ERROR_STATUSES.join(', ')}, got "${text}"`);
  }
  return status;
}

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  const [serviceText, typeText] = positionals;
  if (serviceText === undefined || typeText === undefined)
    throw new UsageError('needs a SERVICE and a fault TYPE, e.g. `archaics inject db timeout`');
  noMorePositionals(positionals, 2);
  const service = serviceArgument(serviceText);
  const fault = parseFault(service, typeText, values);

  const config = readCliConfig(env, cwd);
  const stack = cliStack(config, env);
  const credential = cliCredential(stack);
  let answer;
  try {
    answer = await stack.services.inject(service, fault);
  } catch (error) {
    if (error instanceof StackRefusedError && error.status === 400) {
      // The service's own check disagreed with ours: its detail is the better message.
      stderr.write(`archaics inject: ${service} refused the fault: ${error.reason}\n`);
      return 2;
    }
    if (error instanceof StackRefusedError && (error.status === 401 || error.status === 403)) {
      throw new CommandError(
        `${service} refused the chaos token (HTTP ${error.status}: ${error.reason}); the token came from ${credential.source}`,
      );
    }
    throw commandErrorOf(error);
  }

  if (values.json) {
    stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  }
  const paint = painterFor(stdout, env);
  const f = answer.failure;
  const scope = scopeLabel(f);
  const until =
    f.expires_at === null
      ? 'until reset'
      : `for ${formatSeconds(Math.round(f.remaining_s ?? 0))} (until ${f.expires_at.slice(11, 19)} UTC)`;
  const details = [
    ...faultParameters(f).map(([name, value]) => `${name} ${value}`),
    `intensity ${f.intensity}`,
    `probability ${f.probability}`,
    until,
  ];
  const on = scope === 'service' ? '' : ` on ${scope}`;
  stdout.write(`${paint('bold', service)}: ${paint('yellow', `${f.type} injected${on}`)} — ${details.join(', ')}\n`);
  if (f.type === 'crash' && f.probability >= 1) stdout.write('  the process exits now; under `npm start` the supervisor restarts it\n');
  const resetScope = f.target !== undefined ? ` --target ${shortName(f.target)}` : f.route !== undefined ? ` --route ${f.route}` : '';
  stdout.write(`  see it: archaics status    undo it: archaics reset ${shortName(service)}${resetScope}\n`);
  return 0;
}
